package session

import (
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab/class"
)

func TestClassProgress(t *testing.T) {
	at := time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)
	rep := func(st ...result.Status) result.Report {
		r := result.Report{Exercise: "x/y", Time: at}
		for i, s := range st {
			r.Results = append(r.Results, result.Result{ID: string(rune('a' + i)), Title: "check " + string(rune('a'+i)), Status: s, Message: "msg " + string(rune('a'+i))})
		}
		return r
	}
	ep, ok := ClassProgress(rep(result.Pass, result.Pass))
	if !ok || ep.State != class.StateDone || ep.Passed != 2 || ep.Total != 2 {
		t.Errorf("solved: %+v %v", ep, ok)
	}
	ep, ok = ClassProgress(rep(result.Pass, result.Fail, result.Fail))
	if !ok || ep.State != class.StateFailing || ep.Check != "check b" || ep.Message != "msg b" || !ep.FailingSince.Equal(at) {
		t.Errorf("unsolved: %+v %v", ep, ok)
	}
	// An outage or an exercise the lab cannot run says nothing about the
	// learner: nothing is reported.
	for _, r := range []result.Report{rep(result.Fail, result.Error), rep(result.Skipped, result.Skipped)} {
		if ep, ok := ClassProgress(r); ok {
			t.Errorf("%v: reported %+v", r.Outcome(), ep)
		}
	}
}
