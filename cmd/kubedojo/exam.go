package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/session/examrun"
)

// examFlags are the flags of "kubedojo exam".
type examFlags struct {
	mode     string
	seed     uint64
	duration time.Duration
	tasks    int
	pool     string
	resume   bool
	junit    string
	noTUI    bool
	clean    bool
}

const examLong = `Take a timed mock exam in the style of the CKA on the lab. The exam draws its
tasks from a pool by the CKA domain weights (seeded: --seed repeats an exam),
sets every task up before the clock starts, and gives each task a kubeconfig
context of its own, named in the task: work done in another context's
namespace scores nothing. At the end, or when the time runs out, every task is
graded once on the live cluster with partial credit per check; the report is
saved as Markdown and JSON and added to the history.

Modes: exam (timed; no hints, solutions or check results until the end) and
training (untimed; hints and each task's checks on demand, a task can be reset).

An exam survives a crash or a closed terminal: kubedojo exam --resume continues
it with the time that is left. Without a terminal (or with --no-tui) the exam
is set up and its tasks printed; work in your own shell, then kubedojo exam end.`

func newExamCmd(opts *options, tuiExam examTUIFunc) *cobra.Command {
	var f examFlags
	cmd := &cobra.Command{
		Use:   "exam",
		Short: "Take a timed mock exam (CKA pool built in)",
		Long:  examLong,
		Example: `  kubedojo exam                      # a 2-hour exam of 17 tasks from the built-in CKA pool
  kubedojo exam --seed 7 --tasks 3 --duration 20m
  kubedojo exam --mode training      # hints and checks on demand, no clock
  kubedojo exam --resume             # continue after a crash, with the time left
  kubedojo exam end --junit exam.xml # grade now (headless exams)
  kubedojo exam history              # past attempts, per domain, with the trend`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExam(cmd, opts, &f, tuiExam)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.mode, "mode", string(exam.ModeExam), "exam (timed, nothing revealed until the end) or training (untimed, hints and checks on demand)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed of the draw, to repeat an exam; ignores your exam history (default: a random one, printed, avoiding the tasks of your earlier exams)")
	fl.DurationVar(&f.duration, "duration", 0, "time for the exam (default: the pool's, 2h for the CKA pool)")
	fl.IntVar(&f.tasks, "tasks", 0, "how many tasks to draw (default: the pool's, 17 for the CKA pool)")
	addPoolFlag(cmd, &f.pool)
	fl.BoolVar(&f.resume, "resume", false, "continue the exam in progress with the time it has left")
	fl.StringVar(&f.junit, "junit", "", "also write the report as JUnit XML to this file")
	fl.BoolVar(&f.noTUI, "no-tui", false, "set the exam up and print its tasks instead of opening the exam screen")
	fl.BoolVar(&f.clean, "clean", false, "first remove the tasks earlier exams left on the lab, with your work on them (kubedojo exam clean)")
	cmd.AddCommand(newExamEndCmd(opts), newExamStatusCmd(opts), newExamTaskCmd(opts), newExamHistoryCmd(opts), newExamReportCmd(opts), newExamCleanCmd(opts))
	return cmd
}

func addPoolFlag(cmd *cobra.Command, pool *string) {
	cmd.Flags().StringVar(pool, "pool", "", "exam pool directory (default: the built-in CKA pool)")
}

// examTUIFunc opens the exam screen on a set-up exam; nil when there is no
// terminal interface.
type examTUIFunc func(ctx context.Context, opts *options, r *examrun.Runner, st *exam.State, junit string) error

// loadPool loads an exam pool; a broken pool or a pack that is not a pool
// is an environment error that says what to fix.
func loadPool(dir string) (*lessons.Course, error) {
	if err := packDir(dir); err != nil {
		return nil, err
	}
	var fsys fs.FS = assets.ExamPool()
	name := "built-in exam pool"
	if dir != "" {
		fsys, name = os.DirFS(dir), dir
	}
	pool, err := lessons.Load(fsys)
	if err != nil {
		var ps lessons.Problems
		if errors.As(err, &ps) {
			return nil, withCode(exitEnv, fmt.Errorf("exam pool %s has %d problem(s); run kubedojo lint%s\n%s", name, len(ps), lintArg(dir), ps.Error()))
		}
		return nil, withCode(exitEnv, fmt.Errorf("load %s: %w", name, err))
	}
	if !pool.IsExamPool() {
		return nil, withCode(exitUsage, fmt.Errorf("%s is a lesson pack, not an exam pool (its course.yaml has no exam: block)", name))
	}
	return pool, nil
}

// examLogName is the log of the exam commands in the state directory:
// client-go's messages about exec streams it closed (checks run commands
// in pods) go there instead of the learner's terminal.
const examLogName = "exam.log"

// examRunner connects to the lab and builds the runner of a pool.
func (o *options) examRunner(ctx context.Context, poolDir string) (*examrun.Runner, error) {
	pool, err := loadPool(poolDir)
	if err != nil {
		return nil, err
	}
	if poolDir == "" {
		o.markBuiltin(pool)
	}
	if o.closeLog == nil {
		_, closeLog, err := openLog(o.settings.StateDir.V, examLogName)
		if err != nil {
			return nil, err
		}
		o.closeLog = closeLog
	}
	s, err := o.labSession(ctx, pool)
	if err != nil {
		return nil, err
	}
	return examrun.FromLab(s, pool, poolDir, exam.NewStore(o.settings.StateDir.V)), nil
}

// activePoolDir is the pool directory of the exam in progress, so that the
// subcommands need no --pool.
func (o *options) activePoolDir(flag string) string {
	if flag != "" {
		return flag
	}
	if st, err := exam.NewStore(o.settings.StateDir.V).Active(); err == nil && st != nil {
		return st.Pool.Dir
	}
	return ""
}

func runExam(cmd *cobra.Command, opts *options, f *examFlags, tuiExam examTUIFunc) error {
	ctx := cmd.Context()
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	mode, err := exam.ParseMode(f.mode)
	if err != nil {
		return withCode(exitUsage, err)
	}
	poolDir := f.pool
	if f.resume {
		poolDir = opts.activePoolDir(f.pool)
	}
	r, err := opts.examRunner(ctx, poolDir)
	if err != nil {
		return err
	}
	var st *exam.State
	if f.resume {
		if st, err = r.Active(); err != nil {
			return withCode(exitUsage, err)
		}
		if err := r.RefreshKubeconfigs(st); err != nil {
			return withCode(exitEnv, err)
		}
		fmt.Fprintf(errOut, "Resuming exam %s (%s, seed %d).\n", st.ID, st.Mode, st.Seed)
	} else {
		// A seed given repeats an exam for anyone; a random one draws
		// around the tasks of the learner's earlier exams.
		seed, repeat := f.seed, cmd.Flags().Changed("seed")
		if !repeat {
			seed = rand.Uint64N(1_000_000)
		}
		st, err = r.Start(ctx, examrun.StartOptions{Mode: mode, Seed: seed, Duration: f.duration, Tasks: f.tasks, IgnoreHistory: repeat, Clean: f.clean})
		if errors.Is(err, examrun.ErrInProgress) || errors.Is(err, examrun.ErrLeftovers) {
			return withCode(exitUsage, err)
		}
		if err != nil {
			return withCode(exitEnv, err)
		}
		how := fmt.Sprintf("kubedojo exam --seed %d repeats it", st.Seed)
		if !repeat {
			how = "the tasks of your earlier exams are left out while the pool allows"
		}
		fmt.Fprintf(errOut, "Exam %s: %d tasks from %s, seed %d (%s).\n", st.ID, len(st.Tasks), r.Pool().Title, st.Seed, how)
	}
	if st.Clock().Expired(time.Now()) {
		fmt.Fprintln(errOut, "The time ran out while kubedojo was not running; grading the cluster as it is now.")
		return gradeExam(ctx, out, errOut, r, st, f.junit)
	}
	if tuiExam != nil && !f.noTUI && isTerminal(out) {
		// The exam screen sets the tasks up, with its own progress.
		return tuiExam(ctx, opts, r, st, f.junit)
	}
	if err := setUpExam(ctx, errOut, r, st); err != nil {
		return withCode(exitEnv, err)
	}
	return printExamSheet(ctx, out, r, st)
}

// setUpExam sets every task up, printing progress, before the clock
// starts.
func setUpExam(ctx context.Context, w io.Writer, r *examrun.Runner, st *exam.State) error {
	if st.SetUpDone() && !st.Started.IsZero() {
		return nil
	}
	start := time.Now()
	fmt.Fprintf(w, "Setting up %d tasks before the clock starts.\n", len(st.Tasks))
	err := r.SetUp(ctx, st, func(e exam.SetupEvent) { printSetupEvent(w, e) })
	if err != nil {
		return fmt.Errorf("%w\nThe exam is kept: fix the lab (kubedojo lab status) and run kubedojo exam --resume", err)
	}
	fmt.Fprintf(w, "Every task is ready (%s). The clock started at %s.\n", time.Since(start).Round(time.Second), st.Started.Local().Format("15:04:05"))
	return nil
}

// printSetupEvent prints one line of the headless setup's progress.
func printSetupEvent(w io.Writer, e exam.SetupEvent) {
	switch {
	case e.Phase == "images" && !e.Done:
		fmt.Fprintln(w, "  preloading the pool's images into the nodes")
	case e.Phase == "images" && e.Err != nil:
		fmt.Fprintf(w, "  warning: %v\n", e.Err)
	case e.Phase == "images":
		fmt.Fprintln(w, "  images preloaded")
	case e.Done && e.Err == nil:
		fmt.Fprintf(w, "  [%d/%d] task %d ready (%s)\n", e.Ready, e.Total, e.Task+1, e.ID)
	case e.Done:
		fmt.Fprintf(w, "  task %d (%s) failed: %v\n", e.Task+1, e.ID, e.Err)
	}
}

// printExamSheet prints the tasks of a headless exam and how to go on.
func printExamSheet(ctx context.Context, w io.Writer, r *examrun.Runner, st *exam.State) error {
	exs, err := r.Tasks(ctx, st)
	if err != nil {
		return withCode(exitEnv, err)
	}
	printTimeLeft(w, st)
	for i, ex := range exs {
		printTask(w, st, i, ex)
	}
	fmt.Fprintf(w, "\nWork in your own shell with the exam's contexts:\n  export KUBECONFIG=%s\n", r.ExamKubeconfig(st))
	fmt.Fprintln(w, "Then: kubedojo exam status (time left), kubedojo exam end (grade now).")
	return nil
}

func printTimeLeft(w io.Writer, st *exam.State) {
	c := st.Clock()
	if !st.Mode.Timed() {
		fmt.Fprintf(w, "Training exam %s: untimed, %s so far.\n", st.ID, exam.FormatClock(c.Used(time.Now())))
		return
	}
	fmt.Fprintf(w, "Exam %s: %s left (ends at %s).\n", st.ID, exam.FormatClock(c.Remaining(time.Now())), c.Deadline().Local().Format("15:04"))
}

func printTask(w io.Writer, st *exam.State, i int, ex *lessons.Exercise) {
	t := st.Tasks[i]
	flag := ""
	if t.Flagged {
		flag = " [flagged]"
	}
	fmt.Fprintf(w, "\n## Task %d: %s (weight %d %%, %s)%s\n\n%s\n\n%s\n", i+1, ex.Title, ex.Weight, ex.EffectiveDomain().Short(), flag,
		exam.TaskHeader(t, ex), strings.TrimRight(ex.Task, "\n"))
}

// gradeExam grades the exam in progress and prints the report's summary.
// The exit code says pass (0), fail (1) or undetermined (2).
func gradeExam(ctx context.Context, out, errOut io.Writer, r *examrun.Runner, st *exam.State, junit string) error {
	fmt.Fprintf(errOut, "Grading %d tasks on the cluster...\n", len(st.Tasks))
	res, err := r.Grade(ctx, st, nil)
	if err != nil {
		return withCode(exitEnv, err)
	}
	return finishReport(out, r.Store(), res, junit)
}

// finishReport prints a graded exam's summary and writes the JUnit file.
func finishReport(out io.Writer, store *exam.Store, res *exam.Result, junit string) error {
	printResultSummary(out, res)
	fmt.Fprintf(out, "\nFull report: %s (kubedojo exam report %s)\n", store.ReportPath(res.ID, "md"), res.ID)
	fmt.Fprintln(out, "The exam's tasks stay on the lab for you to look at; kubedojo exam clean removes them and repairs what they broke.")
	if err := writeExamJUnit(res, junit); err != nil {
		return err
	}
	if code := examExit(res); code != exitOK {
		return withCode(code, errSilent)
	}
	return nil
}

// writeExamJUnit writes the report as JUnit XML to path ("" writes
// nothing).
func writeExamJUnit(res *exam.Result, path string) error {
	if path == "" {
		return nil
	}
	data, err := res.JUnit()
	if err != nil {
		return withCode(exitEnv, err)
	}
	if err := writePrivateFile(path, data); err != nil {
		return withCode(exitEnv, fmt.Errorf("write the JUnit report: %w", err))
	}
	return nil
}

func examExit(res *exam.Result) int {
	switch res.Outcome {
	case exam.Passed:
		return exitOK
	case exam.Failed:
		return exitFail
	}
	return exitEnv
}

func printResultSummary(w io.Writer, res *exam.Result) {
	fmt.Fprintf(w, "Exam %s: %s\n", res.ID, res.Verdict())
	used := exam.FormatClock(res.TimeUsed.D())
	if res.TimedOut {
		used += " (time ran out)"
	}
	fmt.Fprintf(w, "Time used: %s\n\nDomains, weakest first:\n", used)
	for _, d := range res.Domains {
		fmt.Fprintf(w, "  %-52s %5.1f %%  (%d task%s)\n", d.Domain.Title(), d.Percent, d.Tasks, plural(d.Tasks))
	}
	fmt.Fprintln(w, "\nTasks:")
	for _, t := range res.Tasks {
		fmt.Fprintf(w, "  %2d. %-50s %2d/%-2d points  weight %2d %%\n", t.Number, t.Title, t.Earned, t.Possible, t.Weight)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newExamEndCmd(opts *options) *cobra.Command {
	var junit, pool string
	cmd := &cobra.Command{
		Use:   "end",
		Short: "Grade the exam in progress now and save its report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := opts.examRunner(cmd.Context(), opts.activePoolDir(pool))
			if err != nil {
				return err
			}
			st, err := r.Active()
			if err != nil {
				return withCode(exitUsage, err)
			}
			return gradeExam(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), r, st, junit)
		},
	}
	cmd.Flags().StringVar(&junit, "junit", "", "also write the report as JUnit XML to this file")
	addPoolFlag(cmd, &pool)
	return cmd
}

func newExamStatusCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the exam in progress: time left and tasks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store := exam.NewStore(opts.settings.StateDir.V)
			st, err := store.Active()
			if err != nil {
				return withCode(exitEnv, err)
			}
			if st == nil {
				return withCode(exitUsage, fmt.Errorf("%w (start one with kubedojo exam)", examrun.ErrNoExam))
			}
			pool, err := loadPool(st.Pool.Dir)
			if err != nil {
				return err
			}
			exs, err := st.Exercises(pool)
			if err != nil {
				return withCode(exitEnv, err)
			}
			w := cmd.OutOrStdout()
			printTimeLeft(w, st)
			if st.Clock().Expired(time.Now()) {
				fmt.Fprintln(w, "The time is up: kubedojo exam end grades it.")
			}
			for i, ex := range exs {
				flag := ""
				if st.Tasks[i].Flagged {
					flag = "  [flagged]"
				}
				fmt.Fprintf(w, "  %2d. %-50s weight %2d %%  %-12s context %s%s\n", i+1, ex.Title, ex.Weight, ex.EffectiveDomain().Short(), st.Tasks[i].Context, flag)
			}
			return nil
		},
	}
}

func newExamTaskCmd(opts *options) *cobra.Command {
	var check, hints, flag bool
	cmd := &cobra.Command{
		Use:   "task N",
		Short: "Show task N of the exam in progress (training: its hints and checks too)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r, err := opts.examRunner(ctx, opts.activePoolDir(""))
			if err != nil {
				return err
			}
			st, err := r.Active()
			if err != nil {
				return withCode(exitUsage, err)
			}
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 || n > len(st.Tasks) {
				return withCode(exitUsage, fmt.Errorf("task %q: give a number from 1 to %d", args[0], len(st.Tasks)))
			}
			if (check || hints) && st.Mode.Timed() {
				return withCode(exitUsage, errors.New("in exam mode hints and check results stay hidden until the end (start with --mode training for them)"))
			}
			exs, err := r.Tasks(ctx, st)
			if err != nil {
				return withCode(exitEnv, err)
			}
			ex, w := exs[n-1], cmd.OutOrStdout()
			if flag {
				st.Tasks[n-1].Flagged = !st.Tasks[n-1].Flagged
				if err := r.Save(st); err != nil {
					return withCode(exitEnv, err)
				}
			}
			printTask(w, st, n-1, ex)
			if hints {
				for i, h := range ex.Hints {
					fmt.Fprintf(w, "\nHint %d: %s\n", i+1, h)
				}
			}
			if check {
				printReport(w, ex, r.Check(ctx, ex))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "grade the task now (training mode)")
	cmd.Flags().BoolVar(&hints, "hints", false, "show the task's hints (training mode)")
	cmd.Flags().BoolVar(&flag, "flag", false, "flag the task for review, or unflag it")
	return cmd
}

func newExamHistoryCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "history",
		Short: "List past exams with the score per domain and the trend",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := exam.NewStore(opts.settings.StateDir.V).History()
			if err != nil {
				return withCode(exitEnv, err)
			}
			w := cmd.OutOrStdout()
			if len(h) == 0 {
				fmt.Fprintln(w, "No exam finished yet. Start one with kubedojo exam.")
				return nil
			}
			printHistory(w, h)
			return nil
		},
	}
}

// printHistory lists attempts oldest first, with the change of the score
// since the previous attempt of the same pool and each domain's score.
func printHistory(w io.Writer, h []exam.Attempt) {
	fmt.Fprintf(w, "%-16s %-9s %-9s %6s %6s  %-12s  %s\n", "EXAM", "MODE", "POOL", "SCORE", "TREND", "OUTCOME", "DOMAINS (weakest first)")
	last := map[string]float64{}
	for _, a := range h {
		trend := "     -"
		if prev, ok := last[a.Pool]; ok {
			trend = fmt.Sprintf("%+6.1f", a.Percent-prev)
		}
		last[a.Pool] = a.Percent
		var doms []string
		for _, d := range a.Domains {
			doms = append(doms, fmt.Sprintf("%s %.0f%%", d.Domain.Short(), d.Percent))
		}
		fmt.Fprintf(w, "%-16s %-9s %-9s %5.1f%% %6s  %-12s  %s\n", a.ID, a.Mode, a.Pool, a.Percent, trend, a.Outcome, strings.Join(doms, ", "))
	}
}

func newExamReportCmd(opts *options) *cobra.Command {
	var asJSON bool
	var junit string
	cmd := &cobra.Command{
		Use:   "report [ID]",
		Short: "Print the report of a finished exam (the latest by default)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store := exam.NewStore(opts.settings.StateDir.V)
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			res, err := store.Result(id)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if err := writeExamJUnit(res, junit); err != nil {
				return err
			}
			path := store.ReportPath(res.ID, "md")
			if asJSON {
				path = store.ReportPath(res.ID, "json")
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return withCode(exitEnv, err)
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the JSON report")
	cmd.Flags().StringVar(&junit, "junit", "", "also write the report as JUnit XML to this file")
	return cmd
}

func newExamCleanCmd(opts *options) *cobra.Command {
	var pool string
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove the tasks exams left on the lab and repair what they broke",
		Long: `Remove the tasks finished or abandoned exams left on the lab: their namespaces,
what they made, and the components they broke are put back. Only the pool's
tasks are touched, never the course's exercises. Your work on them is deleted;
the reports keep the results. A new exam refuses to start over such tasks
until they are cleaned (or kubedojo exam --clean removes them first).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store := exam.NewStore(opts.settings.StateDir.V)
			if st, _ := store.Active(); st != nil {
				return withCode(exitUsage, fmt.Errorf("%w: exam %s; end it first (kubedojo exam end)", examrun.ErrInProgress, st.ID))
			}
			var last *exam.Result
			if h, err := store.History(); err == nil && len(h) > 0 {
				last, _ = store.Result(h[len(h)-1].ID)
			}
			dir := pool
			if dir == "" && last != nil {
				dir = last.Pool.Dir
			}
			r, err := opts.examRunner(cmd.Context(), dir)
			if err != nil {
				return err
			}
			if last != nil && last.Pool.ID != r.Pool().ID {
				last = nil
			}
			cleaned, err := r.Clean(cmd.Context(), last)
			if err != nil {
				return withCode(exitEnv, err)
			}
			if len(cleaned) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No exam task is on the lab.")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed %d exam task(s) from the lab.\n", len(cleaned))
			return nil
		},
	}
	addPoolFlag(cmd, &pool)
	return cmd
}
