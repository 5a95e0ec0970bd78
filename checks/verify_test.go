package checks

import (
	"context"
	"errors"
	"testing"

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
