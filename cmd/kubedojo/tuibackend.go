package main

import (
	"context"
	"fmt"
	"os/exec"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/tui"
	"github.com/kubedojo/kubedojo/tui/prose"
)

// labBackend adapts a background session to the TUI's lab: it converts
// progress and words the lab's status for the lab panel; the rules are the
// session's.
type labBackend struct {
	*session.Background
}

// newTUIBackends builds the TUI's lab back ends from the global flags.
func newTUIBackends(ctx context.Context, opts *options, course *lessons.Course) (tuiBackends, error) {
	if opts.classKubeconfig() != "" {
		if err := opts.trustPack(course); err != nil {
			return tuiBackends{}, err
		}
		return newClassBackends(ctx, opts, course)
	}
	l, err := opts.openLab(course)
	if err != nil {
		return tuiBackends{}, err
	}
	b := labBackend{session.NewBackground(l, func() []*lessons.Exercise { return courseExercises(course) })}
	return tuiBackends{lab: b, grader: b.Background, vars: b.Vars, exams: b}, nil
}

// Start creates or restarts the lab, then connects the grader.
func (b labBackend) Start(ctx context.Context, progress func(tui.LabProgress)) error {
	return b.Background.Start(ctx, func(p lab.Progress) {
		if progress != nil {
			progress(tui.LabProgress{Phase: p.Phase, Step: p.Step, Total: p.Total, Message: p.Message, Done: p.Done, Err: p.Err})
		}
	})
}

// Status summarises the lab for the lab panel.
func (b labBackend) Status(ctx context.Context) (tui.LabStatus, error) {
	st, err := b.Lab().Status(ctx)
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

// Shell returns the learner's shell for the exercise.
func (b labBackend) Shell(ex *lessons.Exercise) (*exec.Cmd, error) {
	return b.Lab().ShellCommand(ex)
}

// NodeShell returns a root shell inside a lab node.
func (b labBackend) NodeShell(ctx context.Context, node string) (*exec.Cmd, error) {
	sh, err := b.Lab().NodeShellCommand(ctx, node, true)
	return sh.Cmd, err
}
