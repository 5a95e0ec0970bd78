package checks_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestConcurrentVerifyOfOneExerciseIsAnEnvironmentError: two verify runs
// of one exercise on one cluster (two terminals with the same state
// directory) would each delete the other's start state and report FAILED;
// the second is refused with an environment error instead, and the first
// verifies.
func TestConcurrentVerifyOfOneExerciseIsAnEnvironmentError(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	course, err := lessons.Load(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	var ex *lessons.Exercise
	for _, e := range course.Exercises() {
		if e.Tier == lessons.TierAPI && !e.Exclusive {
			ex = e
			break
		}
	}
	dir := t.TempDir()
	t.Setenv("PATH", os.Getenv("KUBEBUILDER_ASSETS")+string(os.PathListSeparator)+os.Getenv("PATH"))
	// Two runs as two processes make them: each its own grader and
	// environment, on one cluster and one state directory.
	verifiers := make([]struct {
		g   *checks.Grader
		env *lab.Environment
	}, 2)
	for i := range verifiers {
		verifiers[i].g, verifiers[i].env = envtestVerifier(t, et, dir)
	}
	run := func(i int) checks.VerifyResult {
		g, env := verifiers[i].g, verifiers[i].env
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		return g.Verify(ctx, env, ex, func(*lessons.Exercise) (bool, string) { return true, "" },
			checks.VerifyOptions{Settle: 5 * time.Second, Interval: 500 * time.Millisecond})
	}
	results := make([]checks.VerifyResult, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = run(i)
		}()
	}
	wg.Wait()
	var verified, busy int
	for _, r := range results {
		switch {
		case r.Status == checks.Verified:
			verified++
		case r.Status == checks.VerifyError && strings.Contains(r.Reason, lab.ErrExerciseBusy.Error()):
			busy++
		default:
			t.Errorf("%s: %s: %s", r.Exercise, r.Status, r.Reason)
		}
	}
	if verified != 1 || busy != 1 {
		t.Errorf("%d verified and %d refused as busy, want 1 and 1", verified, busy)
	}
}
