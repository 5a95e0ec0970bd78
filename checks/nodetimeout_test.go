package checks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
)

// slowNode is node access whose commands take delay (a docker exec on a
// loaded machine), honouring cancellation.
type slowNode struct{ delay time.Duration }

func (n slowNode) Exec(ctx context.Context, _, _ string) (string, string, int, error) {
	select {
	case <-time.After(n.delay):
		return "ok\n", "", 0, nil
	case <-ctx.Done():
		return "", "", -1, ctx.Err()
	}
}

// TestNodeChecksWaitLongerThanAPIChecks: a node command goes through the
// container engine, which a loaded machine slows far beyond an API read,
// so node checks get a longer default than other checks, and a check may
// set its own timeout.
func TestNodeChecksWaitLongerThanAPIChecks(t *testing.T) {
	fx := newFixture(t, podsFixture)
	fx.env.CheckTimeout = 50 * time.Millisecond
	fx.env.Node = slowNode{delay: 300 * time.Millisecond}
	if r := fx.grade(t, `{node: {command: "echo ok", stdout: {equals: ok}}}`); r.Status != result.Pass {
		t.Errorf("a slow node command with the default timeout: %s %q, want pass", r.Status, r.Detail)
	}
	r := fx.grade(t, `{anyOf: [{node: {command: "echo ok", stdout: {equals: ok}}}, {node: {command: "echo ok", stdout: {equals: ok}}}]}`)
	if r.Status != result.Pass {
		t.Errorf("a node check inside anyOf: %s %q, want pass", r.Status, r.Detail)
	}
	r = fx.grade(t, `{node: {command: "echo ok", stdout: {equals: ok}, timeout: 100ms}}`)
	if r.Status != result.Error || !strings.Contains(r.Detail, "timed out after 100ms") {
		t.Errorf("a node check with timeout 100ms: %s %q, want an error that says it timed out", r.Status, r.Detail)
	}
}
