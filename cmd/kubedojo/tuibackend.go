package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui"
	"github.com/kubedojo/kubedojo/tui/prose"
)

// errLabNotReady is what grading says before the lab has started.
var errLabNotReady = errors.New("the lab is not ready yet; it is starting in the background")

// labBackend adapts the kind lab and the grader to the TUI. The grader
// exists only once the lab is up, so the TUI can open (and the learner
// read) while the cluster starts.
type labBackend struct {
	lab    *lab.Lab
	course *lessons.Course

	mu   sync.Mutex
	sess *checks.LabSession
}

// newTUIBackends builds the TUI's lab back ends from the global flags.
func newTUIBackends(_ context.Context, opts *options, course *lessons.Course) (tuiBackends, error) {
	l, err := opts.openLab(course)
	if err != nil {
		return tuiBackends{}, err
	}
	b := &labBackend{lab: l, course: course}
	return tuiBackends{lab: b, grader: b, vars: b.vars, exams: b}, nil
}

func (b *labBackend) session() (*checks.LabSession, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sess == nil {
		return nil, errLabNotReady
	}
	return b.sess, nil
}

// Start creates or restarts the lab, then connects the grader.
func (b *labBackend) Start(ctx context.Context, progress func(tui.LabProgress)) error {
	if !b.lab.Foreign() {
		pf, err := b.lab.Preflight(ctx)
		if err != nil {
			return err
		}
		if !pf.OK() {
			return errors.New(strings.Join(pf.Problems, "\n"))
		}
	}
	report := func(p lab.Progress) {
		if progress != nil {
			progress(tui.LabProgress{Phase: p.Phase, Step: p.Step, Total: p.Total, Message: p.Message, Done: p.Done, Err: p.Err})
		}
	}
	repairs, err := b.lab.UpRepairing(ctx, courseExercises(b.course), report)
	for _, line := range repairs.Lines() {
		report(lab.Progress{Phase: lab.PhaseRepair, Message: line})
	}
	if err != nil {
		return err
	}
	s, err := checks.ConnectLab(ctx, b.lab)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.sess = s
	b.mu.Unlock()
	return nil
}

// Status summarises the lab for the lab panel.
func (b *labBackend) Status(ctx context.Context) (tui.LabStatus, error) {
	st, err := b.lab.Status(ctx)
	if err != nil {
		return tui.LabStatus{}, err
	}
	out := tui.LabStatus{Ready: st.Ready(), NodeAccess: !st.Foreign}
	if st.Ready() {
		out.Summary = fmt.Sprintf("%s ready · %s · Kubernetes %s", st.Name, prose.Plural(st.Nodes, "node", "nodes"), st.KubernetesVersion)
		out.Detail = "KUBECONFIG=" + st.KubeconfigPath
		return out, nil
	}
	out.Summary = st.Name + " is not ready"
	out.Detail = st.Problem
	return out, nil
}

// Reset sets the exercise up from scratch, after the learner confirmed
// it. Objects kubedojo kept on a foreign cluster are not an error: the
// exercise is still set up.
func (b *labBackend) Reset(ctx context.Context, ex *lessons.Exercise) error {
	s, err := b.session()
	if err != nil {
		return err
	}
	if err := s.Env.Reset(ctx, ex); err != nil && !errors.Is(err, lab.ErrKept) {
		return err
	}
	return nil
}

// SetUp makes an exercise ready when the TUI opens it: see prepare. One
// the lab cannot serve is no failed set-up: its watch shows every check
// skipped, with the reason.
func (b *labBackend) SetUp(ctx context.Context, ex *lessons.Exercise) error {
	s, err := b.session()
	if err != nil {
		return err
	}
	if err := prepare(ctx, s, ex); err != nil && !errors.Is(err, lab.ErrUnavailable) {
		return err
	}
	return nil
}

// prepare is what opening an exercise does to the lab: refuse one the lab
// cannot serve (with the reason: a missing helm, no node access), then
// lab.Environment.Prepare, which sets the start state up only where the
// lab holds none of it and never deletes an attempt, whoever set it up.
func prepare(ctx context.Context, s *checks.LabSession, ex *lessons.Exercise) error {
	if err := unavailable(ctx, s, ex); err != nil {
		return err
	}
	_, err := s.Env.Prepare(ctx, ex)
	return err
}

// Shell returns the learner's shell for the exercise.
func (b *labBackend) Shell(ex *lessons.Exercise) (*exec.Cmd, error) {
	return b.lab.ShellCommand(ex)
}

// NodeShell returns a root shell inside a lab node.
func (b *labBackend) NodeShell(ctx context.Context, node string) (*exec.Cmd, error) {
	sh, err := b.lab.NodeShellCommand(ctx, node, true)
	return sh.Cmd, err
}

// Evaluate grades once; before the lab is up every check is an
// environment error, never a wrong answer.
func (b *labBackend) Evaluate(ctx context.Context, ex *lessons.Exercise) checks.Report {
	s, err := b.session()
	if err != nil {
		return errorReport(ex, err)
	}
	if err := unavailable(ctx, s, ex); err != nil {
		return errorReport(ex, err)
	}
	return s.Grader.Evaluate(ctx, ex)
}

// Watch streams re-evaluations until ctx ends. The exercise is prepared
// first, so one resumed on a lab that no longer holds any of it (recreated
// since) is set up again; one the lab holds only partly is reported, not
// reset.
func (b *labBackend) Watch(ctx context.Context, ex *lessons.Exercise, onReport func(checks.Report)) error {
	s, err := b.session()
	if err != nil {
		onReport(errorReport(ex, err))
		return err
	}
	if err := prepare(ctx, s, ex); err != nil {
		onReport(errorReport(ex, err))
		if errors.Is(err, lab.ErrUnavailable) {
			// Nothing to grade here, which is no reason to stop: the
			// report stays until the page closes.
			<-ctx.Done()
			return ctx.Err()
		}
		return err
	}
	// Progressive reports let a fast check turn green while a slow one
	// (exec, http) is still running.
	return s.Grader.Watch(ctx, ex, onReport, checks.WithProgress(onReport))
}

func (b *labBackend) vars(context.Context) (lessons.Vars, error) {
	s, err := b.session()
	if err != nil {
		return lessons.Vars{}, err
	}
	return s.Vars, nil
}
