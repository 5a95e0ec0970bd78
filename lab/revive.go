package lab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// reviveTimeout is how long Up waits for an existing lab to answer before
// saying it is slow. A lab that only answers slowly (a busy machine, a
// paused node) is waited for and kept, never recreated on its own.
const reviveTimeout = 3 * time.Minute

// ErrBroken means the own lab is certainly broken (BrokenError says why):
// only recreating it helps, which deletes everything in it, so Up does it
// only with Config.Recreate.
var ErrBroken = errors.New("lab is broken")

// errNoAdminKubeconfig means kind could not read the admin kubeconfig
// from the control plane's container.
var errNoAdminKubeconfig = errors.New("no admin kubeconfig")

// BrokenError is a lab that cannot come back; Reason says why.
type BrokenError struct {
	Lab    string
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("lab %q is broken: %s. Recreating it deletes everything in the cluster (your progress is kept): "+
		"run `kubedojo lab up --recreate`, or `kubedojo lab down` then `kubedojo lab up`", e.Lab, e.Reason)
}

// Unwrap makes errors.Is(err, ErrBroken) work.
func (e *BrokenError) Unwrap() error { return ErrBroken }

func (c nodeContainer) paused() bool { return c.State == "paused" }

// stoppedNodes are the node containers Up starts: those not running and
// not paused. A paused container is someone's choice (docker pause,
// Docker Desktop's pause) that kubedojo waits out instead of undoing;
// `docker start` refuses it anyway.
func stoppedNodes(ctrs []nodeContainer) []string {
	var names []string
	for _, c := range ctrs {
		if !c.running() && !c.paused() {
			names = append(names, c.Name)
		}
	}
	return names
}

func pausedNodes(ctrs []nodeContainer) []string {
	var names []string
	for _, c := range ctrs {
		if c.paused() {
			names = append(names, c.Name)
		}
	}
	return names
}

// brokenLayout says why node containers cannot be a working lab ("" when
// they can): without the control plane's container there is no API
// server to wait for.
func brokenLayout(ctrs []nodeContainer) string {
	for _, c := range ctrs {
		// The role label, or kind's container name when it is missing.
		if c.Role == "control-plane" || (c.Role == "" && strings.Contains(c.Name, "-control-plane")) {
			return ""
		}
	}
	var names []string
	for _, c := range ctrs {
		names = append(names, c.Name)
	}
	return fmt.Sprintf("its control-plane node container is gone (only %s are left)", strings.Join(names, ", "))
}

// unhealthyCause turns a failed revive into what the learner is told:
// a *BrokenError when the lab certainly cannot come back (a node that does
// not start or stopped again, no admin kubeconfig on a running control
// plane), else an ErrUnreachable error for a lab that is paused or only
// slow, which says that nothing was deleted.
func (l *Lab) unhealthyCause(ctx context.Context, eng engine, cause error) error {
	var broken *BrokenError
	if errors.As(cause, &broken) {
		return broken
	}
	ctrs, err := eng.NodeContainers(ctx, l.cfg.Name)
	if err != nil {
		return l.engineFailure(ctx, eng, fmt.Sprintf("list the containers of lab %q", l.cfg.Name), err)
	}
	if len(ctrs) == 0 {
		return &BrokenError{Lab: l.cfg.Name, Reason: "its node containers were removed while kubedojo waited"}
	}
	if why := brokenLayout(ctrs); why != "" {
		return &BrokenError{Lab: l.cfg.Name, Reason: why}
	}
	if paused := pausedNodes(ctrs); len(paused) > 0 {
		return fmt.Errorf("%w: lab %q does not answer because its node container(s) %s are paused; `%s unpause %s` resumes them "+
			"(kubedojo does not undo a pause, and deleted nothing)", ErrUnreachable, l.cfg.Name, strings.Join(paused, ", "),
			eng.Name(), strings.Join(paused, " "))
	}
	for _, c := range ctrs {
		if !c.running() {
			return &BrokenError{Lab: l.cfg.Name, Reason: fmt.Sprintf("its node container %s is %s again right after a start", c.Name, c.State)}
		}
	}
	if errors.Is(cause, errNoAdminKubeconfig) {
		return &BrokenError{Lab: l.cfg.Name, Reason: fmt.Sprintf("its running control plane has no admin kubeconfig (%v)", cause)}
	}
	return fmt.Errorf("%w: %v. The lab was not deleted: a lab this slow usually means a busy machine, so run `kubedojo lab up` "+
		"again to wait longer; if it stays this way, `kubedojo lab up --recreate` deletes it and creates a new one "+
		"(everything in the cluster is lost, your progress is kept)", ErrUnreachable, unwrapUnhealthy(cause))
}

// unwrapUnhealthy drops the internal errUnhealthy prefix from a message.
func unwrapUnhealthy(err error) string {
	return strings.TrimPrefix(err.Error(), errUnhealthy.Error()+": ")
}

// recreateUnhealthy handles a reused lab that did not become ready: with
// Config.Recreate it is deleted and created again (and says why), else the
// learner is told why (unhealthyCause) and nothing changes. It reports
// whether it created a new cluster.
func (l *Lab) recreateUnhealthy(ctx context.Context, eng engine, prov kindProvider, t *tracker, preload bool, cause error) (bool, error) {
	why := l.unhealthyCause(ctx, eng, cause)
	if !l.cfg.Recreate || errors.Is(why, ErrNoRuntime) {
		return false, why
	}
	reason := unwrapUnhealthy(cause)
	var broken *BrokenError
	if errors.As(why, &broken) {
		reason = broken.Reason
	}
	t.setPlan(createPlan(l.cfg.Workers, preload))
	t.start(PhaseDelete, "recreating (--recreate): "+reason)
	if err := prov.Delete(l.cfg.Name, l.kubeconfig); err != nil {
		t.done(PhaseDelete, err)
		return false, fmt.Errorf("delete unhealthy lab %q: %w", l.cfg.Name, err)
	}
	t.done(PhaseDelete, nil)
	return true, l.create(ctx, prov, t)
}

// interrupted is Up's answer when a step after the cluster answered (the
// add-ons, preloading) failed. Cancelled, it removes a cluster this call
// created, as an interrupted creation does; a reused lab stays, and the
// error says exactly that.
func (l *Lab) interrupted(ctx context.Context, created bool, err error) error {
	if ctx.Err() == nil {
		return err
	}
	if !created {
		return fmt.Errorf("%w: interrupted; lab %q is kept as it was and runs, but its add-ons or images may be incomplete: "+
			"`kubedojo lab up` finishes them", err, l.cfg.Name)
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if derr := l.Down(dctx); derr != nil {
		return errors.Join(fmt.Errorf("lab up interrupted: %w", err),
			fmt.Errorf("the lab %q this run created is left behind: %w (remove it with `kubedojo lab down`)", l.cfg.Name, derr))
	}
	return fmt.Errorf("lab up interrupted (%w): the lab %q this run created was deleted again", err, l.cfg.Name)
}

// slowAfter is when a wait for the API server starts saying it is slow.
const slowAfter = 15 * time.Second

// slowWait describes a wait for the API server that takes long: how long
// it has waited, that nothing will be deleted, and, on the own lab, paused
// node containers, checked every 10 s (an engine call).
type slowWait struct {
	l       *Lab
	start   time.Time
	timeout time.Duration
	checked time.Time
	note    string
}

func (w *slowWait) describe(ctx context.Context, msg string) string {
	elapsed := time.Since(w.start)
	if elapsed < slowAfter {
		return msg
	}
	if !w.l.foreign && time.Since(w.checked) >= 10*time.Second {
		w.checked = time.Now()
		w.note = w.l.pausedNote(ctx)
	}
	return fmt.Sprintf("%s · slow: waited %s of up to %s%s; nothing is deleted, Ctrl-C stops waiting",
		msg, elapsed.Truncate(5*time.Second), w.timeout, w.note)
}

// pausedNote names the lab's paused node containers, "" when none is (or
// the engine cannot tell).
func (l *Lab) pausedNote(ctx context.Context) string {
	eng, _, err := l.kind(ctx)
	if err != nil {
		return ""
	}
	ctrs, err := eng.NodeContainers(ctx, l.cfg.Name)
	if err != nil {
		return ""
	}
	if paused := pausedNodes(ctrs); len(paused) > 0 {
		return fmt.Sprintf("; node container %s is paused (`%s unpause %s` resumes it)",
			strings.Join(paused, ", "), eng.Name(), strings.Join(paused, " "))
	}
	return ""
}
