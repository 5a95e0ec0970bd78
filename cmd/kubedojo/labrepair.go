package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// printRepairs says what a repair did and which attempts it left broken on
// purpose, one line each.
func printRepairs(w io.Writer, r *lab.RepairReport) {
	if r == nil {
		return
	}
	for _, line := range r.Lines() {
		fmt.Fprintln(w, line)
	}
}

// repairLab is `kubedojo lab reset` without an exercise: it repairs what
// every exercise left broken on the lab (the control plane, a kubelet), in
// progress or not, because the learner asked for it.
func repairLab(ctx context.Context, cmd *cobra.Command, opts *options) error {
	course, l, err := opts.courseAndLab()
	if err != nil {
		return err
	}
	start := time.Now()
	pp := newProgressPrinter(cmd.ErrOrStderr())
	r, err := l.Repair(ctx, course.Exercises(), true, pp.Update)
	pp.Close()
	if err != nil {
		return withCode(exitEnv, fmt.Errorf("repair the lab: %w", err))
	}
	printRepairs(cmd.OutOrStdout(), r)
	if err := r.Err(); err != nil {
		return withCode(exitEnv, err)
	}
	if len(r.Items) == 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "nothing to repair: no exercise left the control plane or a kubelet of lab %q broken\n", l.Name())
		return nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "lab %q repaired (%s)\n", l.Name(), time.Since(start).Round(100*time.Millisecond))
	return nil
}

// courseExercises is every exercise of the course, for the repair of what
// they left on the lab (none without a course).
func courseExercises(c *lessons.Course) []*lessons.Exercise {
	if c == nil {
		return nil
	}
	return c.Exercises()
}
