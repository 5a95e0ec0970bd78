package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui"
)

// envNoLab disables the lab like --no-lab does: KUBEDOJO_NO_LAB=1.
const envNoLab = "KUBEDOJO_NO_LAB"

// tuiFlags are the TUI's flags, on the root command and on "tui".
type tuiFlags struct {
	noLab bool
}

func addTUIFlags(cmd *cobra.Command, f *tuiFlags) {
	noLab, _ := strconv.ParseBool(os.Getenv(envNoLab))
	cmd.Flags().BoolVar(&f.noLab, "no-lab", noLab,
		"run without a cluster: read lessons and take quizzes, no exercise set-up or grading (also "+envNoLab+"=1)")
}

// tuiBackends are what the TUI drives besides the course: the lab, the
// grader and the lab's template values. The zero value runs the TUI
// without a lab.
type tuiBackends struct {
	lab    tui.Lab
	grader tui.Grader
	vars   func(ctx context.Context) (lessons.Vars, error)
}

// backendsFunc builds the lab back ends from the global flags; it is not
// called with --no-lab. Nil runs every TUI without a lab.
type backendsFunc func(ctx context.Context, opts *options, course *lessons.Course) (tuiBackends, error)

const tuiLong = `Open the course in the terminal: the course map, the lessons, exercises graded
live on the lab cluster, and quizzes. The lab starts in the background while you
read. Progress is saved in the state directory after every change, and the next
start resumes where you left off. This is what "kubedojo" alone runs.

Keys: ? shows all keys, esc goes back, q quits (progress is already saved).
With --no-lab (or KUBEDOJO_NO_LAB=1) no cluster is created or used.`

func newTUICmd(opts *options, newBackends backendsFunc) *cobra.Command {
	var f tuiFlags
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the course in the terminal (the default command)",
		Long:  tuiLong,
		Args:  cobra.NoArgs,
		RunE:  tuiRunE(opts, &f, newBackends),
	}
	addTUIFlags(cmd, &f)
	return cmd
}

// tuiRunE runs the TUI; the root command and "tui" share it.
func tuiRunE(opts *options, f *tuiFlags, newBackends backendsFunc) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		course, err := opts.loadCourse()
		if err != nil {
			return err
		}
		store, notice, err := openProgress(opts.stateDir)
		if err != nil {
			return withCode(exitEnv, err)
		}
		logFile, err := os.OpenFile(filepath.Join(opts.stateDir, "tui.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return withCode(exitEnv, fmt.Errorf("open the TUI log: %w", err))
		}
		defer logFile.Close()

		var b tuiBackends
		if !f.noLab && newBackends != nil {
			if b, err = newBackends(ctx, opts, course); err != nil {
				return withCode(exitEnv, err)
			}
		}
		err = tui.Run(ctx, tui.Options{
			Course:   course,
			Progress: store,
			Lab:      b.lab,
			Grader:   b.grader,
			Vars:     b.vars,
			Notice:   notice,
			Log:      slog.New(slog.NewTextHandler(logFile, nil)),
		})
		if err != nil {
			return withCode(exitEnv, fmt.Errorf("terminal interface: %w", err))
		}
		return nil
	}
}

// openProgress opens the progress store. A damaged file was set aside:
// that is a notice for the learner, not a failure.
func openProgress(stateDir string) (*progress.Store, string, error) {
	store, err := progress.Open(stateDir)
	var corrupt *progress.CorruptError
	if errors.As(err, &corrupt) {
		return store, corrupt.Error(), nil
	}
	return store, "", err
}
