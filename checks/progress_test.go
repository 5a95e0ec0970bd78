package checks

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// slowExec holds every command until release is closed.
func slowExec(fx *fixture) (release chan struct{}) {
	release = make(chan struct{})
	fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "ok"}
	fx.exec.hook = func() { <-release }
	return release
}

func progressExercise(t *testing.T) *lessons.Exercise {
	return &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}, Checks: []lessons.Check{
		parseCheck(t, `{id: fast, title: fast, exists: Deployment/web}`),
		parseCheck(t, `{id: slow, title: slow, exec: {pod: bare, command: [cat, /tmp/out]}}`),
		parseCheck(t, `{id: wrong, title: wrong, exists: Deployment/api}`),
	}}
}

// checkProgress asserts a progressive report: the fast checks are graded,
// the slow one is still running.
func checkProgress(t *testing.T, r result.Report) {
	t.Helper()
	if len(r.Results) != 3 || r.Results[0].Status != result.Pass || r.Results[1].Status != result.Running || r.Results[1].ID != "slow" || r.Results[2].Status != result.Fail {
		t.Fatalf("progressive report: %+v", r.Results)
	}
}

// TestEvaluateReportsProgress: with WithProgress, Evaluate reports each
// finished check while a slow one still runs; its result is the final
// report as without the option.
func TestEvaluateReportsProgress(t *testing.T) {
	fx := newFixture(t, podsFixture)
	release := slowExec(fx)
	var progress []result.Report
	rep := NewGrader(fx.env).Evaluate(context.Background(), progressExercise(t), WithProgress(func(r result.Report) {
		progress = append(progress, r)
		if r.Results[0].Status == result.Pass && r.Results[2].Status == result.Fail {
			close(release)
		}
	}))
	if len(progress) == 0 {
		t.Fatal("no progressive report")
	}
	checkProgress(t, progress[len(progress)-1])
	if rep.Results[1].Status != result.Pass || rep.Counts().Fail != 1 || rep.Counts().Pending != 0 {
		t.Fatalf("final report: %+v", rep.Results)
	}
}

// TestWatchReportsProgress: the same for every evaluation of a watch; the
// final report of each still goes to onReport.
func TestWatchReportsProgress(t *testing.T) {
	fx := newFixture(t, podsFixture)
	release := slowExec(fx)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := make(chan result.Report, 10)
	final := make(chan result.Report, 10)
	go func() {
		_ = NewGrader(fx.env).Watch(ctx, progressExercise(t), func(r result.Report) { final <- r }, WithProgress(func(r result.Report) { progress <- r }))
	}()
	for waiting := true; waiting; {
		select {
		case r := <-progress:
			if r.Results[0].Status != result.Running && r.Results[2].Status != result.Running {
				checkProgress(t, r)
				waiting = false
			}
		case r := <-final:
			t.Fatalf("final report before the fast checks' progress: %+v", r.Results)
		case <-time.After(20 * time.Second):
			t.Fatal("no progressive report")
		}
	}
	close(release)
	select {
	case r := <-final:
		if r.Results[1].Status != result.Pass || r.Counts().Pending != 0 {
			t.Fatalf("final report: %+v", r.Results)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no final report")
	}
}
