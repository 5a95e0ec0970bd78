package result

import (
	"encoding/json"
	"testing"
	"time"
)

func TestResultJSONInMilliseconds(t *testing.T) {
	b, err := json.Marshal(Result{ID: "a", Status: Pass, Duration: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"id":"a","title":"","status":"pass","durationMs":1500}` {
		t.Fatalf("got %s", b)
	}
}

// TestOutcome: an environment error makes the report undecided (exit 2)
// even when another check fails, never a wrong answer.
func TestOutcome(t *testing.T) {
	rep := func(st ...Status) Report {
		var r Report
		for _, s := range st {
			r.Results = append(r.Results, Result{Status: s})
		}
		return r
	}
	for _, tc := range []struct {
		r    Report
		want Outcome
		code int
	}{
		{rep(Pass, Pass), Solved, 0},
		{rep(Pass, Fail), Unsolved, 1},
		{rep(Fail, Error), Undecided, 2},
		{rep(), Unsolved, 1},
		{rep(Skipped, Skipped), Unavailable, 2},
		{rep(Pass, Skipped), Unsolved, 1},
	} {
		if got := tc.r.Outcome(); got != tc.want || got.ExitCode() != tc.code {
			t.Errorf("%+v: outcome %s (exit %d), want %s (exit %d)", tc.r.Results, got, got.ExitCode(), tc.want, tc.code)
		}
	}
}
