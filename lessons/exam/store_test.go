package exam_test

import (
	"os"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons/exam"
)

// TestStoreResumesAndKeepsHistory: the exam in progress survives a
// restart with its clock; finishing it saves the report, appends to the
// history and ends it.
func TestStoreResumesAndKeepsHistory(t *testing.T) {
	s := exam.NewStore(t.TempDir())
	if st, err := s.Active(); st != nil || err != nil {
		t.Fatalf("fresh store: %v %v", st, err)
	}
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	st := testState(exam.ModeExam, 2*time.Hour, start)
	st.Tasks[1].Flagged, st.Current = true, 2
	if err := s.Save(st); err != nil {
		t.Fatal(err)
	}
	back, err := s.Active()
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != st.ID || !back.Started.Equal(start) || back.Duration != st.Duration || !back.Tasks[1].Flagged || back.Current != 2 || back.Seed != 9 {
		t.Fatalf("resumed %+v\nsaved %+v", back, st)
	}
	if back.Clock().Remaining(start.Add(30*time.Minute)) != 90*time.Minute {
		t.Errorf("resumed clock: %s left", back.Clock().Remaining(start.Add(30*time.Minute)))
	}
	for i, pct := range []exam.CheckStatus{exam.CheckFail, exam.CheckPass} {
		r := exam.NewResult(back, []exam.TaskResult{{Number: 1, ID: "x/y", Weight: 5, Checks: []exam.CheckResult{check("a", 1, pct)}}}, start.Add(time.Duration(i+1)*time.Hour))
		r.ID = back.ID + string(rune('a'+i))
		if err := s.Finish(r); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := s.Active(); st != nil {
		t.Error("a finished exam is still in progress")
	}
	h, err := s.History()
	if err != nil || len(h) != 2 || h[0].Percent != 0 || h[1].Percent != 100 || h[1].Outcome != exam.Passed {
		t.Fatalf("history %+v %v", h, err)
	}
	latest, err := s.Result("")
	if err != nil || latest.ID != h[1].ID || len(latest.Tasks) != 1 {
		t.Fatalf("latest report %+v %v", latest, err)
	}
	if _, err := os.Stat(s.ReportPath(h[0].ID, "md")); err != nil {
		t.Errorf("Markdown report: %v", err)
	}
	if _, err := s.Result("nope"); err == nil {
		t.Error("a missing report reads")
	}
}

// TestStoreSeen: the tasks of the learner's finished exams of a pool are
// seen when their latest exam was graded; other pools' exams do not count,
// and a history line without task IDs is completed from its report.
func TestStoreSeen(t *testing.T) {
	s := exam.NewStore(t.TempDir())
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	finish := func(id, pool string, graded time.Time, tasks ...string) {
		t.Helper()
		st := testState(exam.ModeExam, 2*time.Hour, start)
		st.Pool.ID = pool
		var trs []exam.TaskResult
		for i, task := range tasks {
			trs = append(trs, exam.TaskResult{Number: i + 1, ID: task, Weight: 5, Checks: []exam.CheckResult{check("a", 1, exam.CheckPass)}})
		}
		r := exam.NewResult(st, trs, graded)
		r.ID = id
		if err := s.Finish(r); err != nil {
			t.Fatal(err)
		}
	}
	first, second := start.Add(time.Hour), start.Add(26*time.Hour)
	finish("one", "cka", first, "a/x", "a/y")
	finish("two", "cka", second, "a/y", "a/z")
	finish("other", "ckad", second, "a/w")
	seen, err := s.Seen("cka")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{"a/x": first, "a/y": second, "a/z": second}
	if len(seen) != len(want) {
		t.Fatalf("seen %v, want %v", seen, want)
	}
	for id, at := range want {
		if !seen[id].Equal(at) {
			t.Errorf("%s seen %v, want %v", id, seen[id], at)
		}
	}
}
