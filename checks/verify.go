package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// VerifyStatus is the outcome of verifying one exercise.
type VerifyStatus string

const (
	// Verified: the checks fail on the start state and all pass after the
	// reference solution.
	Verified VerifyStatus = "verified"
	// VerifyFailed: the exercise is broken (a check passes on the start
	// state when all do, or the solution does not make them pass).
	VerifyFailed VerifyStatus = "failed"
	// NotVerified: this cluster cannot serve the exercise's tier or add-on.
	NotVerified VerifyStatus = "not-verified"
	// VerifyError: the environment broke during verification.
	VerifyError VerifyStatus = "error"
)

// Exerciser sets up, solves and cleans up exercises on a cluster (the lab's
// Environment).
type Exerciser interface {
	Reset(ctx context.Context, ex *lessons.Exercise) error
	ApplySolution(ctx context.Context, ex *lessons.Exercise) error
	Cleanup(ctx context.Context, ex *lessons.Exercise) error
}

// Claimer is an Exerciser that can reserve an exercise for one verify run,
// so that two runs on one cluster (two terminals, two CI jobs) do not
// undo each other's start state; a claim that fails is an environment
// error.
type Claimer interface {
	Claim(ex *lessons.Exercise) (release func(), err error)
}

// VerifyResult is the outcome of verifying one exercise.
type VerifyResult struct {
	Exercise string       `json:"exercise"`
	Tier     lessons.Tier `json:"tier"`
	Status   VerifyStatus `json:"status"`
	// Reason explains a failure, an error or why the exercise was not
	// verified.
	Reason string `json:"reason,omitempty"`
	// Start is the report on the start state; Solved after the solution.
	Start    *result.Report `json:"start,omitempty"`
	Solved   *result.Report `json:"solved,omitempty"`
	Duration time.Duration  `json:"-"`
}

// MarshalJSON writes Duration as whole milliseconds.
func (r VerifyResult) MarshalJSON() ([]byte, error) {
	type plain VerifyResult
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"durationMs"`
	}{plain(r), r.Duration.Milliseconds()})
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Settle is how long the solution may take to converge at least, on top
	// of each check's own "eventually" (default 20 s).
	Settle time.Duration
	// Interval between re-evaluations while converging (default 2 s).
	Interval time.Duration
	// KeepOnFailure leaves a failed exercise's environment in place for
	// inspection.
	KeepOnFailure bool
}

// verifyCleanupTimeout bounds the cleanup after a verification. Undoing an
// etcd restore restarts etcd and waits for the API server, which took 3
// minutes on a busy two-core lab.
const verifyCleanupTimeout = 6 * time.Minute

// Verify proves an exercise: it sets up the start state, asserts that the
// checks do not all pass (and none errors), applies the reference solution,
// waits for the checks to pass, and cleans up. Exercises the cluster cannot
// serve are reported NotVerified by the caller with the reason; serves says
// whether this one can run and why not.
func (g *Grader) Verify(ctx context.Context, env Exerciser, ex *lessons.Exercise, serves func(*lessons.Exercise) (bool, string), opts VerifyOptions) (res VerifyResult) {
	start := time.Now()
	res = VerifyResult{Exercise: ex.ID, Tier: ex.Tier}
	defer func() { res.Duration = time.Since(start) }()
	if ok, why := serves(ex); !ok {
		res.Status, res.Reason = NotVerified, why
		return res
	}
	if c, ok := env.(Claimer); ok {
		release, err := c.Claim(ex)
		if err != nil {
			res.Status, res.Reason = VerifyError, err.Error()
			return res
		}
		defer release() // after the cleanup, deferred below
	}
	if opts.Settle == 0 {
		opts.Settle = 20 * time.Second
	}
	if opts.Interval == 0 {
		opts.Interval = 2 * time.Second
	}
	cleanup := func() {
		if res.Status == VerifyFailed && opts.KeepOnFailure {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), verifyCleanupTimeout)
		defer cancel()
		if err := env.Cleanup(cctx, ex); err != nil && res.Status == Verified {
			res.Status, res.Reason = VerifyError, fmt.Sprintf("clean up: %v", err)
		}
	}
	// Also after a failed setup: what its first steps did (a tainted node)
	// must not stay behind for the exercises verified next.
	defer cleanup()
	if err := env.Reset(ctx, ex); err != nil {
		res.Status, res.Reason = VerifyError, fmt.Sprintf("set up the start state: %v", err)
		return res
	}

	startRep := g.gradeStartState(ctx, ex, opts)
	res.Start = &startRep
	if errs := failing(startRep, result.Error); len(errs) > 0 {
		res.Status, res.Reason = VerifyError, "on the start state, checks could not run: "+strings.Join(errs, "; ")
		return res
	}
	if startRep.Passed() {
		res.Status, res.Reason = VerifyFailed, "every check already passes on the start state: the exercise asks for nothing"
		return res
	}
	if err := env.ApplySolution(ctx, ex); err != nil {
		res.Status, res.Reason = VerifyFailed, fmt.Sprintf("the reference solution failed: %v", err)
		return res
	}
	solved := g.Converge(ctx, ex, opts.Settle, opts.Interval)
	res.Solved = &solved
	switch {
	case solved.Passed():
		res.Status = Verified
	case solved.HasErrors() && len(failing(solved, result.Fail)) == 0:
		res.Status, res.Reason = VerifyError, "after the reference solution, checks could not run: "+strings.Join(failing(solved, result.Error), "; ")
	default:
		res.Status, res.Reason = VerifyFailed, "after the reference solution, checks still fail: "+strings.Join(append(failing(solved, result.Fail), failing(solved, result.Error)...), "; ")
	}
	return res
}

// gradeStartState evaluates the start state; while a check cannot run (a
// command in a pod timed out on a loaded machine, the API server was busy)
// it evaluates again, for up to opts.Settle: an environment error says
// nothing about the exercise, and one that passes proves it.
func (g *Grader) gradeStartState(ctx context.Context, ex *lessons.Exercise, opts VerifyOptions) result.Report {
	deadline := time.Now().Add(opts.Settle)
	for {
		rep := g.Evaluate(ctx, ex)
		if !rep.HasErrors() || time.Now().After(deadline) {
			return rep
		}
		select {
		case <-ctx.Done():
			return rep
		case <-time.After(opts.Interval):
		}
	}
}

// failing lists the results with the given status as "id: detail".
func failing(r result.Report, status result.Status) []string {
	var out []string
	for _, res := range r.Results {
		if res.Status == status {
			out = append(out, fmt.Sprintf("%s: %s", res.ID, strings.TrimSpace(res.Message+" "+res.Detail)))
		}
	}
	return out
}

// VerifyAll verifies exercises, up to parallel at once; exclusive ones
// (cluster-wide changes) run alone afterwards. onResult sees each result as
// it comes; the returned results are in the order of exs.
func (g *Grader) VerifyAll(ctx context.Context, env Exerciser, exs []*lessons.Exercise, serves func(*lessons.Exercise) (bool, string), parallel int, opts VerifyOptions, onResult func(VerifyResult)) ([]VerifyResult, error) {
	parallel = max(parallel, 1)
	results := make([]VerifyResult, len(exs))
	var mu sync.Mutex
	run := func(i int) {
		r := g.Verify(ctx, env, exs[i], serves, opts)
		mu.Lock()
		results[i] = r
		if onResult != nil {
			onResult(r)
		}
		mu.Unlock()
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var exclusive []int
	for i, ex := range exs {
		if ex.Exclusive {
			exclusive = append(exclusive, i)
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			run(i)
		}(i)
	}
	wg.Wait()
	for _, i := range exclusive {
		if ctx.Err() != nil {
			break
		}
		run(i)
	}
	return results, ctx.Err()
}
