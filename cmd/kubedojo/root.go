package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lab/config"
	"github.com/kubedojo/kubedojo/lessons"
)

// Exit codes shared by every command.
const (
	exitOK   = 0
	exitFail = 1 // a check failed, or lint found problems
	exitEnv  = 2 // the environment is broken: no cluster, no Docker, an unloadable pack
	// exitUsage is a mistake in the command line (an unknown flag or
	// exercise), apart from environment errors so that scripts can tell
	// them apart (64 is sysexits' EX_USAGE).
	exitUsage = 64
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errSilent ends a command with its exit code and no further message (the
// output already said everything).
var errSilent = errors.New("")

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// options are the global flags.
type options struct {
	coursePath string
	// settings are the global settings as lab/config chose them from the
	// flags, the environment and the config file (before every command).
	settings config.Settings
	// reportTo is a class kubeconfig: graded exercises are reported to
	// the learner's record on the class cluster.
	reportTo string
	// classKC is --class-kubeconfig: a class learner's kubeconfig, for
	// working on the class cluster (classlearner.go).
	classKC string
	// exportKubeconfig is set by "lab up --export-kubeconfig".
	exportKubeconfig bool
	// recreate is set by "lab up --recreate", or when the learner agreed
	// to recreate a broken lab.
	recreate bool
	// loaded is the course loadCourse loaded, for recording progress.
	loaded *lessons.Course
	stdout io.Writer
	stderr io.Writer
	// closeLog ends the log a command opened (exam commands), if any.
	closeLog func()
	// stdin is where questions are answered (nil: nobody answers).
	stdin io.Reader
	// builtin holds the built-in course and exam pool as loaded, which
	// are trusted (trust.go).
	builtin map[*lessons.Course]bool
	// trustPackFlag is --trust-pack.
	trustPackFlag bool
}

// markBuiltin records that c is the built-in course or exam pool.
func (o *options) markBuiltin(c *lessons.Course) {
	if o.builtin == nil {
		o.builtin = map[*lessons.Course]bool{}
	}
	o.builtin[c] = true
}

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := &options{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin}
	root := newRootCmd(opts)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if opts.closeLog != nil {
		opts.closeLog()
	}
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(opts.stderr, "kubedojo:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(opts.stderr, "kubedojo:", err)
	return exitUsage
}

func newRootCmd(opts *options) *cobra.Command {
	root := &cobra.Command{
		Use:   "kubedojo",
		Short: "A terminal learning lab for Kubernetes",
		Long: `kubedojo teaches Kubernetes on a real cluster. Read a short lesson, solve its
exercises with kubectl in a shell, and watch every check turn green as the
cluster changes. The lab is a local kind cluster that kubedojo creates for you.`,
		Example: `  # Start learning (opens the course map; the lab starts in the background)
  kubedojo

  # Use a lesson pack from a directory instead of the built-in course
  kubedojo --course ./my-workshop

  # Grade an exercise from a script
  kubedojo check pods-basics/first-pod --json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noSubcommand,
	}
	root.SetOut(opts.stdout)
	root.SetErr(opts.stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&opts.coursePath, "course", "", "lesson pack directory to use instead of the built-in course")
	config.RegisterFlags(pf)
	pf.StringVar(&opts.classKC, "class-kubeconfig", "", "your kubeconfig from a kubedojo class (NAME.kubeconfig): work on the class cluster, in your own namespaces")
	pf.StringVar(&opts.reportTo, "report-to", "", "class kubeconfig (from kubedojo class create): report each graded exercise to your class's board")
	pf.BoolVar(&opts.trustPackFlag, "trust-pack", false, "run a lesson pack's exercises that reach past their namespaces (privileged pods, node commands, powerful bindings) without asking")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Name() == "help" {
			return nil // help must work with a broken config file: it says how to fix it
		}
		s, err := config.Load(cmd.Flags(), os.Getenv)
		if err != nil {
			return withCode(exitEnv, err)
		}
		opts.settings = s
		return nil
	}

	config.RegisterNoLab(root.Flags())
	root.RunE = tuiRunE(opts, newTUIBackends)
	root.AddCommand(
		newLintCmd(opts),
		newListCmd(opts),
		newVersionCmd(opts),
		newTUICmd(opts, newTUIBackends),
		newProgressCmd(opts),
		newLabCmd(opts),
		newCheckCmd(opts),
		newVerifyCmd(opts),
		newExamCmd(opts, newExamTUI),
		newClassCmd(opts),
	)
	return root
}

// courseFS returns the pack the flags select.
func (o *options) courseFS() (fs.FS, string) {
	if o.coursePath == "" {
		return assets.Course(), "built-in course"
	}
	return os.DirFS(o.coursePath), o.coursePath
}

// loadCourse loads the selected pack; a broken pack is an environment error
// that names every problem.
func (o *options) loadCourse() (*lessons.Course, error) {
	return o.loadPack(lessons.LoadValidated)
}

// loadCourseLazily is loadCourse for the TUI, which shows the course map
// before it needs an exercise: the built-in course's exercises decode when
// a page first asks for them (lessons.LoadValidatedLazily). A --course
// pack is validated whole, as by loadCourse.
func (o *options) loadCourseLazily() (*lessons.Course, error) {
	return o.loadPack(lessons.LoadValidatedLazily)
}

// loadPack loads the selected pack: a --course pack with lessons.Load, the
// built-in course with builtin, which does not validate (the tests that
// build it do: TestBuiltinCourseLoadsValidated).
func (o *options) loadPack(builtin func(fs.FS) (*lessons.Course, error)) (*lessons.Course, error) {
	if err := packDir(o.coursePath); err != nil {
		return nil, err
	}
	fsys, name := o.courseFS()
	load := lessons.Load
	if o.coursePath == "" {
		load = builtin
	}
	c, err := load(fsys)
	if err != nil {
		var ps lessons.Problems
		if errors.As(err, &ps) {
			return nil, withCode(exitEnv, fmt.Errorf("lesson pack %s has %d problem(s); run kubedojo lint%s\n%s", name, len(ps), lintArg(o.coursePath), ps.Error()))
		}
		return nil, withCode(exitEnv, fmt.Errorf("load %s: %w", name, err))
	}
	o.loaded = c
	if o.coursePath == "" {
		o.markBuiltin(c)
	}
	return c, nil
}

// loadExercise reads only the lesson of exercise id from the built-in
// course, so that a command about one exercise does not decode all of
// them. It returns a nil exercise when that does not find it (a --course
// pack, a mistyped id: the whole course is loaded then, for suggestions).
func (o *options) loadExercise(id string) (*lessons.Course, *lessons.Exercise) {
	lesson, _, ok := strings.Cut(id, "/")
	if o.coursePath != "" || !ok {
		return nil, nil
	}
	c, err := lessons.LoadValidatedLesson(assets.Course(), lesson)
	if err != nil || c.Exercise(id) == nil {
		return nil, nil
	}
	o.loaded = c
	o.markBuiltin(c)
	return c, c.Exercise(id)
}

// packDir checks that a --course path is a directory ("" is the built-in
// course): a usage error that says what is wrong with the path, rather
// than a pack that lacks course.yaml.
func packDir(path string) error {
	if path == "" {
		return nil
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return withCode(exitUsage, fmt.Errorf("lesson pack %s: not found (give the directory that holds course.yaml)", path))
	case err != nil:
		return withCode(exitUsage, fmt.Errorf("lesson pack %s: %w", path, err))
	case !st.IsDir():
		return withCode(exitUsage, fmt.Errorf("lesson pack %s is a file, not a directory (give the directory that holds course.yaml)", path))
	}
	return nil
}

func lintArg(p string) string {
	if p == "" {
		return ""
	}
	return " " + p
}
