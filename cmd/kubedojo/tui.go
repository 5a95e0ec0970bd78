package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lab/config"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/tui"
	"github.com/kubedojo/kubedojo/tui/common"
)

// tuiBackends are what the TUI drives besides the course: the lab, the
// grader and the lab's template values. The zero value runs the TUI
// without a lab.
type tuiBackends struct {
	lab    tui.Lab
	grader tui.Grader
	vars   func(ctx context.Context) (lessons.Vars, error)
	exams  common.Exams
	// unavailable, for a class learner, marks the exercises of the course
	// map their class cannot serve.
	unavailable func(ex *lessons.Exercise) string
}

// backendsFunc builds the lab back ends from the global flags; it is not
// called with --no-lab. Nil runs every TUI without a lab.
type backendsFunc func(ctx context.Context, opts *options, course *lessons.Course) (tuiBackends, error)

const tuiLong = `Open the course in the terminal: the course map, the lessons, exercises graded
live on the lab cluster, and quizzes. The lab starts in the background while you
read. Progress is saved in the state directory after every change, and the next
start resumes where you left off. This is what "kubedojo" alone runs.

Keys: ? shows all keys, esc goes back, q quits (progress is already saved).
With --no-lab (or $KUBEDOJO_NO_LAB=1) no cluster is created or used.`

func newTUICmd(opts *options, newBackends backendsFunc) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the course in the terminal (the default command)",
		Long:  tuiLong,
		Args:  cobra.NoArgs,
		RunE:  tuiRunE(opts, newBackends),
	}
	config.RegisterNoLab(cmd.Flags())
	return cmd
}

// tuiRunE runs the TUI; the root command and "tui" share it.
func tuiRunE(opts *options, newBackends backendsFunc) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		course, err := opts.loadCourseLazily()
		if err != nil {
			return err
		}
		store, notice, err := openProgress(opts.settings.StateDir.V)
		if err != nil {
			return withCode(exitEnv, err)
		}
		logOut, closeLog, unwritable := openTUILog(opts.settings.StateDir.V)
		defer closeLog()
		notice = strings.TrimSpace(unwritable + " " + notice)
		log := slog.New(slog.NewTextHandler(logOut, nil))
		defer routeLibraryLogs(log)()

		noLab, err := config.ChooseNoLab(cmd.Flags(), os.Getenv)
		if err != nil {
			return withCode(exitEnv, err)
		}
		var b tuiBackends
		if !noLab.V && newBackends != nil {
			if b, err = newBackends(ctx, opts, course); err != nil {
				return withCode(exitEnv, err)
			}
		}
		if b.grader != nil && opts.reportTo != "" {
			rep, err := class.OpenReporter(ctx, opts.reportTo)
			if err != nil {
				return withCode(exitEnv, err)
			}
			b.grader = session.ReportingGrader{Grader: b.grader, To: rep, Warn: func(err error) { log.Warn("report to the class", "err", err) }}
		}
		err = tui.Run(ctx, tui.Options{
			Course:   course,
			Progress: store,
			Lab:      b.lab,
			Grader:   b.grader,
			Vars:     b.vars,
			Exams:    b.exams,
			Notice:   notice,

			Unavailable: b.unavailable,
			Log:         log,
			Terminal:    tui.DetectTerminal(os.Getenv, exec.LookPath),

			SecondTerminal: secondTerminal(cmd, opts.settings),
		}, programStreams(cmd)...)
		if err != nil {
			return withCode(exitEnv, fmt.Errorf("terminal interface: %w", err))
		}
		return nil
	}
}

// tuiLogName is the TUI's log file in the state directory, written anew at
// each start.
const tuiLogName = "tui.log"

// openTUILog opens the TUI's log. A state directory kubedojo cannot write
// (read-only, full) still lets the learner read: the log then goes nowhere
// and notice says that this session's progress is not saved.
func openTUILog(stateDir string) (w io.Writer, closeLog func(), notice string) {
	f, err := os.OpenFile(filepath.Join(stateDir, tuiLogName), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return io.Discard, func() {}, fmt.Sprintf("kubedojo cannot write to its state directory %s (%v): you can read, "+
			"but this session's progress is not saved.", stateDir, err)
	}
	return f, func() { f.Close() }, ""
}

// openLog starts a log file of the state directory, written anew, and
// routes the libraries' output into it; closeLog undoes both.
func openLog(stateDir, name string) (log *slog.Logger, closeLog func(), err error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, nil, withCode(exitEnv, fmt.Errorf("open the log %s: %w", name, err))
	}
	logFile, err := os.OpenFile(filepath.Join(stateDir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, nil, withCode(exitEnv, fmt.Errorf("open the log %s: %w", name, err))
	}
	log = slog.New(slog.NewTextHandler(logFile, nil))
	restore := routeLibraryLogs(log)
	return log, func() { restore(); logFile.Close() }, nil
}

// routeLibraryLogs sends what client-go would print to the terminal into
// the TUI's log until restore is called: klog's lines (client-go logs
// through klog, to stderr by default) and the API server's warnings.
// Under the TUI anything that is not Bubble Tea writing to the terminal
// draws over the screen until the next resize.
func routeLibraryLogs(log *slog.Logger) (restore func()) {
	lib := slog.New(closedConnQuiet{log.Handler()}).With("from", "client-go")
	klog.SetSlogLogger(lib)
	rest.SetDefaultWarningHandlerWithContext(serverWarnings{log})
	return func() {
		klog.Flush()
		klog.ClearLogger()
		rest.SetDefaultWarningHandlerWithContext(rest.WarningLogger{})
	}
}

// serverWarnings logs the API server's warning headers (deprecated APIs
// and the like).
type serverWarnings struct{ log *slog.Logger }

func (w serverWarnings) HandleWarningHeaderWithContext(_ context.Context, code int, agent, text string) {
	w.log.Warn("API server warning", "code", code, "agent", agent, "text", text)
}

// closedConnQuiet lowers client-go's errors about a connection that was
// already closed to information. When a check's exec stream is cancelled
// (the learner left the exercise, a newer evaluation superseded it), the
// stream's heartbeat wakes up a few seconds later, finds its connection
// closed and logs "Websocket Ping failed" as an error: expected, not a
// problem anyone must look at.
type closedConnQuiet struct{ slog.Handler }

func (h closedConnQuiet) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		r.Attrs(func(a slog.Attr) bool {
			if err, ok := a.Value.Any().(error); ok && errors.Is(err, net.ErrClosed) {
				r.Level = slog.LevelInfo
				return false
			}
			return true
		})
	}
	return h.Handler.Handle(ctx, r)
}

func (h closedConnQuiet) WithAttrs(attrs []slog.Attr) slog.Handler {
	return closedConnQuiet{h.Handler.WithAttrs(attrs)}
}

func (h closedConnQuiet) WithGroup(name string) slog.Handler {
	return closedConnQuiet{h.Handler.WithGroup(name)}
}

// secondTerminal returns the command that opens an exercise's shell in
// another terminal, with the global flags given to this run and the
// settings its environment chose, so that it
// reaches the same lab and state directory.
func secondTerminal(cmd *cobra.Command, s config.Settings) func(exerciseID string) string {
	words := []string{"kubedojo"}
	global := cmd.Root().PersistentFlags()
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if global.Lookup(f.Name) != nil {
			words = append(words, "--"+f.Name+"="+lessons.ShellQuote(f.Value.String()))
		}
	})
	words = append(words, s.FromEnvironment(lessons.ShellQuote)...)
	prefix := strings.Join(words, " ")
	return func(id string) string { return prefix + " lab shell " + lessons.ShellQuote(id) }
}

// programStreams makes the program read and draw on the command's streams
// when they are not the process's own (tests set them). For the real
// terminal Bubble Tea's defaults stay, which open the TTY when stdin is
// not one.
func programStreams(cmd *cobra.Command) []tea.ProgramOption {
	var out []tea.ProgramOption
	if in := cmd.InOrStdin(); in != os.Stdin {
		out = append(out, tea.WithInput(in))
	}
	if w := cmd.OutOrStdout(); w != os.Stdout {
		out = append(out, tea.WithOutput(w))
	}
	return out
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
