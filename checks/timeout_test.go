package checks

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
)

// pacedExec takes d per command and honours cancellation, as a real exec
// does.
type pacedExec struct {
	d   time.Duration
	res ExecResult
}

func (s pacedExec) Exec(ctx context.Context, _, _, _ string, _ []string) (ExecResult, error) {
	select {
	case <-time.After(s.d):
		return s.res, nil
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
			`{http: {from: client, url: "http://web"}}`:                                                   3*time.Second + execSlack,
			`{http: {from: client, url: "http://web", blocked: true}}`:                                    2 * (3*time.Second + execSlack),
			`{allOf: [{http: {from: client, url: "http://a"}}, {exists: Pod/bare}]}`:                      3*time.Second + execSlack,
			`{anyOf: [{http: {from: client, url: "http://a"}}, {http: {from: client, url: "http://b"}}]}`: base + 2*(3*time.Second+execSlack-base),
			`{exec: {pod: bare, command: ["true"], repeat: 2}}`:                                           2 * base,
		} {
			c := parseCheck(t, check)
			if got := checkTimeout(&c, base); got != want {
				t.Errorf("%s: timeout %s, want %s", check, got, want)
			}
		}
	})
}

// TestRequestsSurviveASlowExec: a request whose command takes seconds
// longer than the request's own time limit to come back (exec's set-up
// through the API server and the kubelet on a loaded machine) is graded on
// its result, not reported as an exec that timed out.
func TestRequestsSurviveASlowExec(t *testing.T) {
	for name, check := range map[string]string{
		"request":         `{http: {from: client, url: "http://web", timeout: 1s}}`,
		"blocked request": `{http: {from: client, url: "http://web", timeout: 1s, blocked: true}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t, podsFixture)
			fx.env.CheckTimeout = time.Second
			// 1 s of request and 6.5 s of exec overhead.
			fx.env.Exec = pacedExec{d: 7500 * time.Millisecond, res: ExecResult{ExitCode: map[bool]int{false: 0, true: 1}[name == "blocked request"]}}
			if r := fx.grade(t, check); r.Status != result.Pass {
				t.Fatalf("got %s %q, want pass", r.Status, r.Detail)
			}
		})
	}
}
