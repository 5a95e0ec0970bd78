package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("allOf", kindOf[lessons.AllOfSpec]{
		Eval: (*evaluation).evalAllOf,
		Deps: func(dc *depCollector, children lessons.AllOfSpec) { dc.children(children) },
		// The children run in parallel: the slowest sets the pace.
		Timeout: func(children lessons.AllOfSpec, base time.Duration) time.Duration {
			out := base
			for i := range children {
				out = max(out, checkTimeout(&children[i], base))
			}
			return out
		},
	})
	register("anyOf", kindOf[lessons.AnyOfSpec]{
		Eval: (*evaluation).evalAnyOf,
		Deps: func(dc *depCollector, children lessons.AnyOfSpec) { dc.children(children) },
		// The children run one after the other: their extra times add up.
		Timeout: func(children lessons.AnyOfSpec, base time.Duration) time.Duration {
			out := base
			for i := range children {
				out += max(0, checkTimeout(&children[i], base)-base)
			}
			return out
		},
	})
}

// Grader evaluates exercises on one cluster.
type Grader struct {
	env *Env
}

// NewGrader returns a grader for env.
func NewGrader(env *Env) *Grader { return &Grader{env: env} }

// Env returns the grader's environment.
func (g *Grader) Env() *Env { return g.env }

// evaluation holds what evaluating one exercise's checks needs.
type evaluation struct {
	env    *Env
	ex     *lessons.Exercise // template variables expanded
	reader objectReader
	// obs records what one check's run noticed; nil outside a run.
	obs *observation
	// progress receives progressive reports (WithProgress); nil without.
	progress func(result.Report)
	// waiting hears what Converge waits for (WithWaiting).
	waiting func(Waiting)
	// afterChange: Converge follows a change just made (minWait > 0).
	afterChange bool
	// finished, when set, hears each check's result as soon as it is
	// there, before the others of its evaluation finish (Watch).
	finished func(i int, r graded)
}

func (g *Grader) newEvaluation(ex *lessons.Exercise, reader objectReader, opts []Option) *evaluation {
	if reader == nil {
		reader = liveReader{dyn: g.env.Dynamic}
	}
	var o gradeOptions
	for _, opt := range opts {
		opt(&o)
	}
	return &evaluation{env: g.env, ex: ex.Expand(g.env.Vars), reader: reader, progress: o.progress, waiting: o.waiting}
}

// Option tunes Evaluate, Watch and Converge.
type Option func(*gradeOptions)

type gradeOptions struct {
	progress func(result.Report)
	waiting  func(Waiting)
}

// WithProgress makes every evaluation report progress: each time one of
// its checks finishes while others still run, fn receives the report so
// far, the unfinished checks with status Running, so that slow checks
// (commands, connections) do not hold back fast ones. The final report of
// each evaluation goes where it goes without the option, unchanged. fn is
// called from the evaluating goroutine, one report at a time.
func WithProgress(fn func(result.Report)) Option {
	return func(o *gradeOptions) { o.progress = fn }
}

// Evaluate grades every check of ex once, in parallel, each with its own
// timeout, reading live state.
func (g *Grader) Evaluate(ctx context.Context, ex *lessons.Exercise, opts ...Option) result.Report {
	ev := g.newEvaluation(ex, nil, opts)
	return presented(ev.report(ctx, nil, "initial", nil))
}

// report evaluates the checks whose index is in only (all when nil) and
// returns results for those; prev holds the results of the others for
// progressive reports (nil: all are evaluated).
func (ev *evaluation) report(ctx context.Context, only map[int]bool, trigger string, prev []graded) gradedReport {
	rep := gradedReport{exercise: ev.ex.ID, results: make([]graded, len(ev.ex.Checks)), trigger: trigger}
	type finished struct {
		i   int
		res graded
	}
	done := make(chan finished)
	running := map[int]bool{}
	for i := range ev.ex.Checks {
		if only != nil && !only[i] {
			continue
		}
		running[i] = true
		go func(i int) { done <- finished{i, ev.run(ctx, &ev.ex.Checks[i])} }(i)
	}
	for len(running) > 0 {
		f := <-done
		rep.results[f.i] = f.res
		delete(running, f.i)
		if ev.finished != nil && len(running) > 0 {
			ev.finished(f.i, f.res)
		}
		if ev.progress != nil && len(running) > 0 {
			ev.progress(presented(ev.partial(rep, running, prev)))
		}
	}
	rep.time = ev.env.now()
	return rep
}

// partial is a progressive report: the finished results of rep, the
// running checks marked Running, and prev for the checks not evaluated.
func (ev *evaluation) partial(rep gradedReport, running map[int]bool, prev []graded) gradedReport {
	out := rep
	out.results = make([]graded, len(rep.results))
	for i, r := range rep.results {
		switch {
		case running[i]:
			c := &ev.ex.Checks[i]
			out.results[i] = graded{Result: result.Result{ID: c.ID, Title: c.Title, Status: result.Running}}
		case r.Status == "" && i < len(prev):
			out.results[i] = prev[i]
		default:
			out.results[i] = r
		}
	}
	out.time = ev.env.now()
	return out
}

// run evaluates one top-level check with its timeout.
func (ev *evaluation) run(ctx context.Context, c *lessons.Check) graded {
	start := time.Now()
	timeout := checkTimeout(c, ev.env.checkTimeout())
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	run := *ev
	run.obs = newObservation(ev.env.now(), ev.afterChange)
	run.reader = recordingReader{inner: ev.reader, obs: run.obs}
	var pass bool
	var detail string
	var err error
	if ns := ev.ex.UndeclaredReads(c); len(ns) > 0 {
		// Lint refuses such a pack; an exercise built otherwise is refused
		// here, before anything is read.
		err = envErrorf("check %s %s", c.ID, lessons.UndeclaredReadsError(ns))
	} else {
		pass, detail, err = run.eval(cctx, c)
	}
	res := graded{Result: result.Result{ID: c.ID, Title: c.Title, Duration: time.Since(start)}, obs: run.obs}
	switch {
	case err != nil && (IsEnvironmentError(err) || cctx.Err() != nil):
		res.Status = result.Error
		res.Detail = err.Error()
		if cctx.Err() != nil && ctx.Err() == nil {
			res.Detail = fmt.Sprintf("timed out after %s: %v", timeout, err)
		}
	case err != nil:
		res.Status = result.Error
		res.Detail = err.Error()
	case pass:
		res.Status = result.Pass
	default:
		res.Status = result.Fail
		res.Message = c.Message
		res.Detail = detail
		res.needs = run.obs.needs(detail)
	}
	return res
}

// eval dispatches to the check kind. It returns pass, a detail for a
// failure, or an error (an environment problem).
func (ev *evaluation) eval(ctx context.Context, c *lessons.Check) (bool, string, error) {
	pass, detail, err := ev.evalKind(ctx, c)
	var fe *failError
	if errors.As(err, &fe) {
		return false, fe.msg, nil
	}
	return pass, detail, err
}

// childDetail describes a failed child of allOf/anyOf.
func childDetail(c *lessons.Check, detail string) string {
	switch {
	case c.Message != "" && detail != "":
		return c.Message + " (" + detail + ")"
	case c.Message != "":
		return c.Message
	}
	return detail
}

func (ev *evaluation) evalAllOf(ctx context.Context, children lessons.AllOfSpec) (bool, string, error) {
	type out struct {
		pass   bool
		detail string
		err    error
	}
	results := make([]out, len(children))
	var wg sync.WaitGroup
	for i := range children {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p, d, err := ev.eval(ctx, &children[i])
			results[i] = out{p, d, err}
		}(i)
	}
	wg.Wait()
	// A wrong answer is more useful to show than an environment error in
	// another child, but an error means the whole check cannot be judged.
	var errs []error
	for i, r := range results {
		if r.err == nil && !r.pass {
			return false, childDetail(&children[i], r.detail), nil
		}
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if len(errs) > 0 {
		return false, "", errs[0]
	}
	return true, "", nil
}

func (ev *evaluation) evalAnyOf(ctx context.Context, children lessons.AnyOfSpec) (bool, string, error) {
	var details []string
	var firstErr error
	for i := range children {
		p, d, err := ev.eval(ctx, &children[i])
		if err == nil && p {
			return true, "", nil
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if d = childDetail(&children[i], d); d != "" {
			details = append(details, d)
		}
	}
	if len(details) == 0 && firstErr != nil {
		return false, "", firstErr
	}
	return false, strings.Join(details, "; or "), nil
}

// settleQuiet is how long after a change Converge was told about (the
// reference solution, applied just before) the objects a failing check
// reads must have been left alone before it stops waiting for it;
// unseenQuiet how long a check that also consults state no read shows (a
// command's output) must moreover have failed the same way after such a
// change, or after a change seen while waiting.
const (
	settleQuiet = 10 * time.Second
	unseenQuiet = 10 * time.Second
)

// Waiting is what Converge waits for: the IDs of the checks that may still
// converge, what each waits for, and the longest it waits for them.
type Waiting struct {
	Checks []string
	UpTo   time.Duration
	// Why says, for each check in Checks, what it waits for ("pod web is
	// starting").
	Why []string
}

// WithWaiting makes Converge call fn whenever the set of checks it waits
// for changes (first when it starts to wait), so a person can be told.
func WithWaiting(fn func(Waiting)) Option {
	return func(o *gradeOptions) { o.waiting = fn }
}

// convergence follows one failing check across Converge's evaluations.
type convergence struct {
	seen                bool
	fingerprint, detail string
	since               time.Time // when this fingerprint and detail were first seen
	// active is when what the check reads last changed as far as Converge
	// knows: when it started after a change (afterChange), or when a
	// change showed between two evaluations; zero when nothing is known
	// to change.
	active time.Time
}

// settled reports whether nothing suggests that the failing result r will
// change by itself, and else what it waits for. A check is waited for
// while something it reads is in progress (a rollout, a starting pod, a
// running Job, a deletion, a pod that has not picked up a fixed ConfigMap,
// a node coming back, a pod about to be scheduled) or changed between two
// evaluations. Not for a missing object. After a change Converge was told
// about (c.active), also while what it reads was changed less than
// settleQuiet ago; and a check that consulted state no read shows (a
// command's output, which a DNS reload or a network policy changes) or
// whose list found nothing (a controller may be about to create it) while
// it has failed the same way for less than unseenQuiet since the change.
// An untouched state a person checks is therefore settled at once.
func (c *convergence) settled(r graded) (bool, string) {
	o := r.obs
	if r.Status != result.Fail || o == nil {
		return false, ""
	}
	print := o.fingerprint()
	moved := c.seen && (print != c.fingerprint || r.Detail != c.detail)
	if !c.seen || moved {
		c.since = time.Now()
	}
	if moved {
		c.active = time.Now()
	}
	c.seen, c.fingerprint, c.detail = true, print, r.Detail
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case moved:
		return false, "what it reads is changing"
	case o.progress != "":
		return false, o.progress
	case r.needs != "":
		return true, ""
	case c.active.IsZero():
		return true, ""
	case o.afterChange && o.now.Sub(o.newest) < settleQuiet:
		return false, "what it reads changed a moment ago"
	case (o.unseen || o.emptyList) && time.Since(latest(c.active, c.since)) < unseenQuiet:
		if o.unseen {
			return false, "a command's output may still change"
		}
		return false, "objects a controller may be about to create"
	}
	return true, ""
}

// Converge evaluates ex until every check passes or each failing check's
// "eventually" window (at least minWait) has passed, evaluating the
// failing checks again whenever an object they read changes (watches) and
// at least every interval (what no watch shows: a command's output, time).
// A failing check is not waited for once nothing it reads converges (see
// convergence.settled): a missing object or an untouched state does not
// hold the report back, a rollout in progress does. minWait > 0 says that
// a change was just made (verify applies the reference solution): what
// changed a moment ago is then given time to settle. It is what headless
// grading and verify use.
func (g *Grader) Converge(ctx context.Context, ex *lessons.Exercise, minWait, interval time.Duration, opts ...Option) result.Report {
	ev := g.newEvaluation(ex, nil, opts)
	ev.afterChange = minWait > 0
	start := time.Now()
	rep := ev.report(ctx, nil, "initial", nil)
	track := make([]convergence, len(rep.results))
	if ev.afterChange {
		for i := range track {
			track[i].active = start
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var changes <-chan struct{}
	var told string
	for {
		pending := map[int]bool{}
		// again holds the failing checks still in their window: while any
		// check is waited for, the settled ones are evaluated again too, so
		// that one which depends on what another waits for (a Service on
		// the pods a rollout starts) reports the final state.
		again := map[int]bool{}
		var wait Waiting
		for i, r := range rep.results {
			c := ev.ex.Checks[i]
			left := max(c.Eventually.Duration, minWait) - time.Since(start)
			if r.Status == result.Pass || left <= 0 {
				continue
			}
			again[i] = true
			done, why := track[i].settled(r)
			if done {
				continue
			}
			pending[i] = true
			wait.Checks = append(wait.Checks, c.ID)
			wait.Why = append(wait.Why, why)
			wait.UpTo = max(wait.UpTo, left)
		}
		if len(pending) == 0 || ctx.Err() != nil {
			return presented(rep)
		}
		if key := strings.Join(wait.Checks, " ") + "\n" + strings.Join(wait.Why, "\n"); ev.waiting != nil && key != told {
			told = key
			ev.waiting(wait)
		}
		if changes == nil {
			// Watch only once something is waited for: a report that
			// fails fast costs no watch.
			changes = g.watchChanges(ctx, ev.ex, again)
		}
		select {
		case <-ctx.Done():
			return presented(rep)
		case <-changes:
		case <-time.After(interval):
		}
		next := ev.report(ctx, again, "retry", rep.results)
		for i := range again {
			rep.results[i] = next.results[i]
		}
		rep.time = next.time
	}
}

// WaitFor blocks until check c of ex passes or timeout expires. It serves
// the "wait" steps of start states. The error says what the check last
// reported.
func (g *Grader) WaitFor(ctx context.Context, ex *lessons.Exercise, c lessons.Check, timeout time.Duration) error {
	ev := g.newEvaluation(ex, nil, nil)
	c = lessons.ExpandCheck(c, g.env.Vars)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last graded
	for {
		last = ev.run(ctx, &c)
		if last.Status == result.Pass {
			return nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("start state did not settle within %s: %s", timeout, strings.TrimSpace(last.Message+" "+last.Detail))
			}
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// Ungraded is the report on ex when it cannot be graded at all: every
// check gets status (an environment error; skipped when the lab cannot
// serve the exercise) with why as its detail, never a wrong answer.
func Ungraded(ex *lessons.Exercise, status result.Status, why error) result.Report {
	r := result.Report{Exercise: ex.ID, Time: time.Now(), Trigger: "initial"}
	for _, c := range ex.Checks {
		r.Results = append(r.Results, result.Result{ID: c.ID, Title: c.Title, Status: status, Detail: why.Error()})
	}
	return r
}
