package checks

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// checkKind is the grading half of one check kind; the lessons half is its
// spec type (lessons.CheckSpec), which validates itself and says which tier
// it needs. Each kind registers its half from its own file with register,
// and TestEveryCheckKindIsRegistered walks lessons.CheckKinds, so a kind
// cannot be half-added.
type checkKind struct {
	spec    reflect.Type
	eval    func(ev *evaluation, ctx context.Context, s lessons.CheckSpec) (bool, string, error)
	deps    func(dc *depCollector, s lessons.CheckSpec)
	polled  bool
	timeout func(s lessons.CheckSpec, base time.Duration) time.Duration
}

// kindOf is what one check kind registers, typed by its spec.
type kindOf[S lessons.CheckSpec] struct {
	// Eval grades a check: pass, a detail for a failure, or an error (an
	// environment problem).
	Eval func(ev *evaluation, ctx context.Context, s S) (bool, string, error)
	// Deps records what the check reads, so that a watch re-evaluates it
	// when that changes; it marks the check volatile when it also reads
	// state no watch covers (command output, time).
	Deps func(dc *depCollector, s S)
	// Polled says instead that the check reads nothing a watch can follow:
	// it re-runs on any change in the exercise and is retried for a while.
	Polled bool
	// Timeout widens the base timeout of one evaluation for a check that
	// needs longer; nil keeps the base.
	Timeout func(s S, base time.Duration) time.Duration
}

// checkKinds maps a kind's YAML key to its registration. It is written
// only by the init functions of the kinds' files.
var checkKinds = map[string]checkKind{}

// register records the grading half of a check kind. It panics on a
// registration that could never be right, which every test run notices.
func register[S lessons.CheckSpec](name string, k kindOf[S]) {
	if _, dup := checkKinds[name]; dup {
		panic(fmt.Sprintf("check kind %q registered twice", name))
	}
	if k.Eval == nil || (k.Deps == nil) != k.Polled {
		panic(fmt.Sprintf("check kind %q needs an evaluator and either dependencies or Polled", name))
	}
	ck := checkKind{
		spec: reflect.TypeFor[S](),
		eval: func(ev *evaluation, ctx context.Context, s lessons.CheckSpec) (bool, string, error) {
			return k.Eval(ev, ctx, s.(S))
		},
		polled: k.Polled,
	}
	if k.Deps != nil {
		ck.deps = func(dc *depCollector, s lessons.CheckSpec) { k.Deps(dc, s.(S)) }
	}
	if k.Timeout != nil {
		ck.timeout = func(s lessons.CheckSpec, base time.Duration) time.Duration { return k.Timeout(s.(S), base) }
	}
	checkKinds[name] = ck
}

// evalKind grades a check by its kind's evaluator.
func (ev *evaluation) evalKind(ctx context.Context, c *lessons.Check) (bool, string, error) {
	name, spec := c.Spec()
	k, ok := checkKinds[name]
	if !ok {
		return false, "", envErrorf("check %q has no kind", c.ID)
	}
	return k.eval(ev, ctx, spec)
}

// checkTimeout is how long one evaluation of c may take: base, widened by
// its kind (and, through allOf and anyOf, by the kinds nested in it).
func checkTimeout(c *lessons.Check, base time.Duration) time.Duration {
	name, spec := c.Spec()
	if k, ok := checkKinds[name]; ok && k.timeout != nil {
		return k.timeout(spec, base)
	}
	return base
}
