package checks

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// A watch reads from informer caches, which keep the last state they saw
// when the API server stops answering: a stopped API server makes the
// informers retry quietly, a paused one leaves their connections hanging.
// So when a request of the watch fails (a broken watch, a failed list: the
// Env's apiTrouble, liveness.go), the watch probes the API server itself,
// and while it does not answer it reports every check as an environment
// error (never the last pass or fail) until it answers again; then it
// starts over with fresh informers, since the caches missed whatever
// changed meanwhile. An idle watch whose requests do not fail asks nothing.
const (
	probeTimeout = 3 * time.Second
	// probeFailures in a row mean the API server is gone: one slow answer
	// on a busy machine, or one broken connection, is not an outage.
	probeFailures = 2
	// probeRetry is the pause before asking again after a failed probe.
	probeRetry = 500 * time.Millisecond
	// answerEvery is how often an outage asks whether the API server is
	// back.
	answerEvery = 2 * time.Second
)

// TriggerAPIBack is the trigger of the first report after an outage.
const TriggerAPIBack = "the API server answers again"

// probeAPI reports nil when the API server answers: /readyz, or the
// version for clients that cannot send raw requests (fakes). An answer
// that refuses (401, 403, 404) is an answer; only no answer, a timeout or
// a server error is an outage.
func (g *Grader) probeAPI(ctx context.Context) error {
	if g.env.Kube == nil {
		return nil // nothing to ask (graders of objects in memory)
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var err error
	if rc := g.env.Kube.Discovery().RESTClient(); rc != nil {
		err = rc.Get().AbsPath("/readyz").Do(ctx).Error()
	} else {
		_, err = g.env.Kube.Discovery().ServerVersion()
	}
	if err == nil {
		return nil
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Code > 0 && status.Status().Code < 500 {
		return nil
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s", probeTimeout)
	}
	return err
}

// watchThroughOutages runs watch until ctx ends, restarting it after each
// outage of the API server (see above).
func (g *Grader) watchThroughOutages(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report), opts ...Option) error {
	var last result.Report
	trigger := ""
	for {
		wctx, cancel := context.WithCancel(ctx)
		lost := make(chan error, 1)
		monitored := make(chan struct{})
		go func() {
			defer close(monitored)
			if err := g.awaitOutage(wctx); err != nil {
				lost <- err
				cancel()
			}
		}()
		report := func(r result.Report) {
			if trigger != "" && r.Trigger == "initial" {
				r.Trigger = trigger
			}
			last = r
			onReport(r)
		}
		_, err := g.watch(wctx, ex, report, opts...)
		cancel()
		<-monitored
		if ctx.Err() != nil {
			return nil
		}
		var outage error
		select {
		case outage = <-lost:
		default:
			return err
		}
		onReport(outageReport(ex, last, outage))
		if g.awaitAnswer(ctx) != nil {
			return nil
		}
		trigger = TriggerAPIBack
	}
}

// awaitOutage waits for a failed request and then probes until the API
// server answers (back to waiting: failures before that answer are over)
// or has failed probeFailures probes in a row (the error); it returns nil
// when ctx ends.
func (g *Grader) awaitOutage(ctx context.Context) error {
	trouble := g.env.trouble()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-trouble.wait():
		}
		for failures := 0; ; {
			err := g.probeAPI(ctx)
			if ctx.Err() != nil {
				return nil
			}
			if err == nil {
				break
			}
			if failures++; failures >= probeFailures {
				return err
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(probeRetry):
			}
		}
	}
}

// awaitAnswer probes until the API server answers (nil) or ctx ends.
func (g *Grader) awaitAnswer(ctx context.Context) error {
	tick := time.NewTicker(answerEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if g.probeAPI(ctx) == nil && ctx.Err() == nil {
			return nil
		}
	}
}

// outageReport marks every check of the last report (or of ex, before the
// first one) as an environment error that says why.
func outageReport(ex *lessons.Exercise, last result.Report, cause error) result.Report {
	why := fmt.Sprintf("the cluster's API server is not answering (%v)", cause)
	detail := why + ": this is the lab, not your answer; grading resumes by itself when it answers"
	r := result.Report{Exercise: ex.ID, Time: time.Now(), Trigger: "the API server stopped answering", Unreachable: why}
	if len(last.Results) == len(ex.Checks) {
		for _, res := range last.Results {
			r.Results = append(r.Results, result.Result{ID: res.ID, Title: res.Title, Status: result.Error, Detail: detail})
		}
		return r
	}
	for _, c := range ex.Checks {
		r.Results = append(r.Results, result.Result{ID: c.ID, Title: c.Title, Status: result.Error, Detail: detail})
	}
	return r
}
