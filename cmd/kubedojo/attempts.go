package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/session"
)

// attempts records the command line's part of the learner's progress with
// the rule the TUI follows (lessons/progress): an exercise that lab reset
// set up is started, one whose checks all pass in check (or check
// --watch) is done. A progress file that cannot be written is a warning:
// it never fails the command, and what the learner did on the cluster is
// not lost for it.
type attempts struct {
	stateDir string
	course   *lessons.Course
	warn     io.Writer
	// class, with --report-to, receives every decided grading.
	class *class.Reporter
}

// attempts records progress for the course this command loaded (and,
// with --report-to, to the learner's class record: a class kubeconfig
// that does not work is a warning, like an unwritable progress file).
func (o *options) attempts(ctx context.Context, warn io.Writer) *attempts {
	a := &attempts{stateDir: o.settings.StateDir.V, course: o.loaded, warn: warn}
	if o.reportTo != "" {
		rep, err := class.OpenReporter(ctx, o.reportTo)
		if err != nil {
			fmt.Fprintf(warn, "warning: nothing will be reported to your class: %v\n", err)
		}
		a.class = rep
	}
	return a
}

// started records that the exercise was set up for an attempt.
func (a *attempts) started(ex *lessons.Exercise) {
	a.record(func(t *progress.Tracker) bool { return t.StartExercise(ex.ID) })
}

// graded records a grading: done when every check passed.
func (a *attempts) graded(ctx context.Context, ex *lessons.Exercise, r result.Report) {
	if r.Passed() {
		a.record(func(t *progress.Tracker) bool { return t.MarkDone(ex.ID) })
	}
	if ep, ok := session.ClassProgress(r); ok && a.class != nil {
		if err := a.class.Report(ctx, ex.ID, ep); err != nil {
			fmt.Fprintf(a.warn, "warning: not reported to your class: %v\n", err)
		}
	}
}

func (a *attempts) record(change func(*progress.Tracker) bool) {
	if a.course == nil {
		return
	}
	store, notice, err := openProgress(a.stateDir)
	if notice != "" {
		fmt.Fprintln(a.warn, "kubedojo:", notice)
	}
	if err == nil && change(store.Course(a.course.ID)) {
		err = store.Save()
	}
	if err != nil {
		var corrupt *progress.CorruptError
		if !errors.As(err, &corrupt) {
			fmt.Fprintf(a.warn, "warning: your progress was not recorded: %v\n", err)
		}
	}
}
