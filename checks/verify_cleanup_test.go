package checks

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// cleanupDeadline is an Exerciser whose solution fails and whose Cleanup
// records how much time it was given.
type cleanupDeadline struct{ left time.Duration }

func (c *cleanupDeadline) Reset(context.Context, *lessons.Exercise) error { return nil }
func (c *cleanupDeadline) ApplySolution(context.Context, *lessons.Exercise) error {
	return errors.New("solution failed")
}
func (c *cleanupDeadline) Cleanup(ctx context.Context, _ *lessons.Exercise) error {
	if d, ok := ctx.Deadline(); ok {
		c.left = time.Until(d)
	}
	return nil
}

// The cleanup of an exercise that breaks the control plane (an etcd
// restore) waits until etcd and the API server are back; on a busy lab
// that took 3 minutes, so verify must not cut it off at 2.
func TestVerifyGivesCleanupTimeToRepairTheControlPlane(t *testing.T) {
	fx := newFixture(t, "")
	g := NewGrader(fx.env)
	ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}, Checks: []lessons.Check{parseCheck(t, "{id: c, title: c, message: m, exists: ConfigMap/missing}")}}
	env := &cleanupDeadline{}
	res := g.Verify(context.Background(), env, ex, func(*lessons.Exercise) (bool, string) { return true, "" }, VerifyOptions{})
	if res.Status != VerifyFailed {
		t.Fatalf("status %s (%s), want failed", res.Status, res.Reason)
	}
	if env.left < 5*time.Minute-time.Second {
		t.Errorf("cleanup had %s, want at least 5m", env.left.Round(time.Second))
	}
}
