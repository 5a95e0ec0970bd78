package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
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
}

// attempts records progress for the course this command loaded.
func (o *options) attempts(warn io.Writer) *attempts {
	return &attempts{stateDir: o.stateDir, course: o.loaded, warn: warn}
}

// started records that the exercise was set up for an attempt.
func (a *attempts) started(ex *lessons.Exercise) {
	a.record(func(t *progress.Tracker) bool { return t.StartExercise(ex.ID) })
}

// graded records a grading: done when every check passed.
func (a *attempts) graded(ex *lessons.Exercise, r result.Report) {
	if r.Passed() {
		a.record(func(t *progress.Tracker) bool { return t.MarkDone(ex.ID) })
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
