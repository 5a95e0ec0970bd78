package checks

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
)

// pacedExec takes d per command and honours cancellation, as a real exec
// does.
type pacedExec struct{ d time.Duration }

func (s pacedExec) Exec(ctx context.Context, _, _, _ string, _ []string) (ExecResult, error) {
	select {
	case <-time.After(s.d):
		return ExecResult{}, nil
	case <-ctx.Done():
		return ExecResult{}, ctx.Err()
	}
}

// TestTimeoutWideningSeesNestedChecks: a repeated command gets a timeout
// per run, and an http check its extra time, wherever the check is nested.
func TestTimeoutWideningSeesNestedChecks(t *testing.T) {
	for name, check := range map[string]string{
		"exec":          `{exec: {pod: bare, command: ["true"], repeat: 3}}`,
		"exec in allOf": `{allOf: [{exists: Pod/bare}, {exec: {pod: bare, command: ["true"], repeat: 3}}]}`,
		"exec in anyOf": `{anyOf: [{exists: Pod/gone}, {exec: {pod: bare, command: ["true"], repeat: 3}}]}`,
		"exec deeper":   `{anyOf: [{allOf: [{exec: {pod: bare, command: ["true"], repeat: 3}}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			fx := newFixture(t, podsFixture)
			// Each run takes 60% of the base timeout: three only fit in a
			// timeout widened for them.
			fx.env.CheckTimeout = 500 * time.Millisecond
			fx.env.Exec = pacedExec{d: 300 * time.Millisecond}
			if r := fx.grade(t, check); r.Status != result.Pass {
				t.Fatalf("got %s %q, want pass", r.Status, r.Detail)
			}
		})
	}
	t.Run("timeouts", func(t *testing.T) {
		base := 10 * time.Second
		for check, want := range map[string]time.Duration{
			`{exists: Pod/bare}`:                                                                          base,
			`{http: {from: client, url: "http://web"}}`:                                                   base + 10*time.Second,
			`{allOf: [{http: {from: client, url: "http://a"}}, {exists: Pod/bare}]}`:                      base + 10*time.Second,
			`{anyOf: [{http: {from: client, url: "http://a"}}, {http: {from: client, url: "http://b"}}]}`: base + 20*time.Second,
			`{exec: {pod: bare, command: ["true"], repeat: 2}}`:                                           2 * base,
		} {
			c := parseCheck(t, check)
			if got := checkTimeout(&c, base); got != want {
				t.Errorf("%s: timeout %s, want %s", check, got, want)
			}
		}
	})
}
