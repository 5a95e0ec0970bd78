package checks

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// halfSetUp is an Exerciser whose start state fails part-way, as a wait
// step that times out after a node was tainted.
type halfSetUp struct{ cleanups int }

func (h *halfSetUp) Reset(context.Context, *lessons.Exercise) error {
	return errors.New("setup step 3 (wait): timed out")
}
func (h *halfSetUp) ApplySolution(context.Context, *lessons.Exercise) error { return nil }
func (h *halfSetUp) Cleanup(context.Context, *lessons.Exercise) error {
	h.cleanups++
	return nil
}

// TestVerifyCleansUpAFailedSetup: what the start state did before it failed
// (a tainted node, say) must not stay behind for the exercises verified
// after it.
func TestVerifyCleansUpAFailedSetup(t *testing.T) {
	g := NewGrader(newFixture(t, "").env)
	env := &halfSetUp{}
	ex := &lessons.Exercise{ID: "sched/x", Tier: lessons.TierAPI}
	res := g.Verify(context.Background(), env, ex, func(*lessons.Exercise) (bool, string) { return true, "" }, VerifyOptions{})
	if res.Status != VerifyError {
		t.Errorf("status %s, want %s", res.Status, VerifyError)
	}
	if env.cleanups != 1 {
		t.Errorf("%d cleanups after a failed setup, want 1", env.cleanups)
	}
}

// solvedBy is an Exerciser whose start state is already there and whose
// reference solution is solve.
type solvedBy struct{ solve func() }

func (s solvedBy) Reset(context.Context, *lessons.Exercise) error { return nil }
func (s solvedBy) ApplySolution(context.Context, *lessons.Exercise) error {
	s.solve()
	return nil
}
func (s solvedBy) Cleanup(context.Context, *lessons.Exercise) error { return nil }

// TestVerifyGradesTheStartStateAgainAfterATransientError: a command in a
// pod that times out once (a loaded machine) is an environment error, not
// the exercise's: verify grades the start state again instead of giving up
// on the exercise.
func TestVerifyGradesTheStartStateAgainAfterATransientError(t *testing.T) {
	fx := newFixture(t, podsFixture)
	fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "y"}
	fx.exec.hook = func() {
		fx.exec.err = nil
		if len(fx.exec.calls) == 1 {
			fx.exec.err = errors.New("exec in pod client timed out")
		}
	}
	ex := &lessons.Exercise{ID: "l/e", Tier: lessons.TierAPI, Namespaces: []lessons.Namespace{{Name: "ns1"}},
		Checks: []lessons.Check{parseCheck(t, `{id: c, exec: {pod: client, command: [cat, /tmp/out], stdout: {equals: x}}}`)}}
	env := solvedBy{solve: func() { fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "x"} }}
	res := NewGrader(fx.env).Verify(context.Background(), env, ex, func(*lessons.Exercise) (bool, string) { return true, "" },
		VerifyOptions{Settle: time.Second, Interval: 10 * time.Millisecond})
	if res.Status != Verified {
		t.Fatalf("status %s (%s), want %s after one timed-out command on the start state", res.Status, res.Reason, Verified)
	}
}
