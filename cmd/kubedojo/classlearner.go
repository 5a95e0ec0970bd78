package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"

	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/tui"
)

// classKubeconfig is the learner kubeconfig of a class learner on the
// shared cluster: --class-kubeconfig, or a --kubeconfig that class create
// wrote for a learner (class.IsLearnerKubeconfig: its context names a
// class's cluster and a learner's ServiceAccount). "" outside class mode.
func (o *options) classKubeconfig() string {
	if o.classKC != "" {
		return o.classKC
	}
	if kc := o.settings.Kubeconfig.V; kc != "" && class.IsLearnerKubeconfig(kc) {
		return kc
	}
	return ""
}

// errClassNoLab is what lab commands say in class mode.
var errClassNoLab = errors.New("class mode: the class cluster is your instructor's, so there is no lab to start, stop or enter; " +
	"open exercises in kubedojo (or kubedojo lab reset EXERCISE, kubedojo check EXERCISE) and work with kubectl in your namespaces")

// errClassNoExam and errClassNoVerify are what exam and verify say in
// class mode: a mock exam's tasks are not the class's exercises, and
// verify deletes and sets up exercises to run their reference solutions.
var (
	errClassNoExam = errors.New("class mode: mock exams run on a lab of your own (kubedojo exam without --class-kubeconfig); " +
		"your class's exercises are in the course")
	errClassNoVerify = errors.New("class mode: verify runs reference solutions over exercises, which is for a lab of your own; " +
		"in your class, open the exercise or run kubedojo check EXERCISE")
)

// classSession connects a class learner (session.ConnectClass): course's
// class exercises are renamed to the learner's namespaces, and every
// decided grading is reported to the learner's record.
func (o *options) classSession(ctx context.Context, course *lessons.Course) (*session.Session, error) {
	path := o.classKubeconfig()
	s, err := session.ConnectClass(ctx, path, o.settings.StateDir.V, course)
	if err != nil {
		return nil, withCode(exitEnv, err)
	}
	if o.reportTo == "" {
		o.reportTo = path // the learner's own ServiceAccount may update their record
	}
	return s, nil
}

// classBackend is the TUI's lab for a class learner: Start connects to
// the class cluster, the shell works in the learner's namespace, and
// there are no node shells.
type classBackend struct {
	*session.Background
	kubeconfig string
}

// newClassBackends connects before the TUI starts, because connecting
// renames the course's exercises (class.Learner.MapCourse), which the TUI
// reads from then on: two requests, and a class cluster that does not
// answer is an error that says so at once.
func newClassBackends(ctx context.Context, opts *options, course *lessons.Course) (tuiBackends, error) {
	s, err := opts.classSession(ctx, course)
	if err != nil {
		return tuiBackends{}, err
	}
	b := classBackend{kubeconfig: opts.classKubeconfig()}
	b.Background = session.NewClassBackground(func(context.Context) (*session.Session, error) { return s, nil })
	return tuiBackends{lab: b, grader: b.Background, vars: b.Vars, unavailable: s.Class.Unavailable}, nil
}

// Start hands the connected session to the TUI.
func (b classBackend) Start(ctx context.Context, progress func(tui.LabProgress)) error {
	if progress != nil {
		progress(tui.LabProgress{Phase: "Connecting to the class cluster", Step: 1, Total: 1})
	}
	err := b.Background.Start(ctx, nil)
	if progress != nil {
		progress(tui.LabProgress{Phase: "Connecting to the class cluster", Step: 1, Total: 1, Done: true, Err: err})
	}
	return err
}

// Status names the class and the learner.
func (b classBackend) Status(context.Context) (tui.LabStatus, error) {
	s, err := b.Session()
	if err != nil {
		return tui.LabStatus{}, err
	}
	return tui.LabStatus{
		Ready:   true,
		Summary: fmt.Sprintf("class %s · you are %s · %d exercises", s.Class.Class, s.Class.Learner, len(s.Class.Assigned)),
		Detail:  "KUBECONFIG=" + b.kubeconfig + " (your namespaces on the class cluster)",
	}, nil
}

// Shell is the learner's shell in the exercise's namespace.
func (b classBackend) Shell(ex *lessons.Exercise) (*exec.Cmd, error) {
	s, err := b.Session()
	if err != nil {
		return nil, err
	}
	return s.Shell(ex)
}

// NodeShell: learners of a class get no shell in the shared nodes.
func (b classBackend) NodeShell(context.Context, string) (*exec.Cmd, error) {
	return nil, errors.New("learners of a class get no shell inside the class cluster's nodes")
}

// writeClassUnavailable lists the course's exercises the learner cannot
// do in their class, with the reason (kubedojo list in class mode).
func writeClassUnavailable(w io.Writer, s *session.Session, course *lessons.Course) {
	fmt.Fprintf(w, "\nClass %s, learner %s: your exercises work in your own namespaces (such as %s).\nUnavailable in class mode:\n",
		s.Class.Class, s.Class.Learner, s.Class.Namespace("svc-1"))
	for _, ex := range course.Exercises() {
		if why := s.Class.Unavailable(ex); why != "" {
			fmt.Fprintf(w, "  %s: %s\n", ex.ID, why)
		}
	}
}
