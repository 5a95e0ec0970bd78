package record

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)

func TestCell(t *testing.T) {
	cases := []struct {
		e    Exercise
		want Cell
	}{
		{Exercise{}, CellNotStarted},
		{Exercise{State: StateDone}, CellDone},
		{Exercise{State: StateFailing, FailingSince: now.Add(-4 * time.Minute)}, CellInProgress},
		{Exercise{State: StateFailing, FailingSince: now.Add(-6 * time.Minute)}, CellStuck},
		{Exercise{State: StateFailing}, CellInProgress},
	}
	for _, tc := range cases {
		if got := tc.e.Cell(now, 5*time.Minute); got != tc.want {
			t.Errorf("%+v: got %s, want %s", tc.e, got, tc.want)
		}
	}
}

func testBoard() *Board {
	return &Board{
		Class: "c", Learners: []string{"cat", "ann", "bo"}, Exercises: []string{"a/one", "b/two"},
		Progress: map[string]Progress{
			"ann": {Exercises: map[string]Exercise{"a/one": {State: StateDone, Passed: 2, Total: 2}}},
			"bo": {Exercises: map[string]Exercise{
				"a/one": {State: StateFailing, Passed: 1, Total: 2, FailingSince: now.Add(-time.Hour), Check: "pod runs", Message: "pod web, is \"Pending\""},
				"b/two": {State: StateFailing, FailingSince: now.Add(-time.Hour)},
			}},
		},
	}
}

func TestRowsAndSorts(t *testing.T) {
	rows := testBoard().Rows(now, 5*time.Minute)
	order := func() string {
		var names []string
		for _, r := range rows {
			names = append(names, r.Learner)
		}
		return strings.Join(names, ",")
	}
	if order() != "cat,ann,bo" || rows[1].Done != 1 || rows[2].Stuck != 2 || rows[0].Cells[0].Cell != CellNotStarted {
		t.Fatalf("rows: %+v", rows)
	}
	for s, want := range map[Sort]string{SortName: "ann,bo,cat", SortDone: "ann,bo,cat", SortStuck: "bo,ann,cat"} {
		SortRows(rows, s)
		if order() != want {
			t.Errorf("sort %s: %s, want %s", s, order(), want)
		}
	}
	if SortStuck.Next() != SortName {
		t.Error("sorts do not cycle")
	}
}

func TestSnapshots(t *testing.T) {
	s := Snapshot{Class: "c", Taken: now, StuckAfter: 5 * time.Minute, Rows: testBoard().Rows(now, 5*time.Minute)}
	var csvOut, jsonOut bytes.Buffer
	if err := WriteCSV(&csvOut, s); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
	if len(lines) != 7 {
		t.Fatalf("CSV: %d lines, want a header and 3x2 cells:\n%s", len(lines), csvOut.String())
	}
	if want := `bo,a/one,stuck,1,2,2026-12-02T12:00:00Z,pod runs,"pod web, is ""Pending""",`; lines[5] != want {
		t.Errorf("CSV line:\n%s\nwant\n%s", lines[5], want)
	}
	if err := WriteJSON(&jsonOut, s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"stuckAfterSeconds": 300`, `"learner": "bo"`, `"cell": "stuck"`} {
		if !strings.Contains(jsonOut.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, jsonOut.String())
		}
	}
}
