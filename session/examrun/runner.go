// Package examrun takes mock exams on a live cluster: it draws an exam from
// a pool for the tiers the cluster serves, sets every task up before the
// clock starts, gives each task its own kubeconfig context, keeps the exam
// in the state directory so that it resumes after a crash, and grades
// every task once at the end with the checks engine.
package examrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/session"
)

// ErrInProgress means an exam is already under way: resume it or end it
// before starting another.
var ErrInProgress = errors.New("an exam is in progress")

// ErrLeftovers means tasks of an earlier exam are still on the lab, with
// whatever the learner did there: a new exam does not delete them without
// being asked (StartOptions.Clean, kubedojo exam clean).
var ErrLeftovers = errors.New("tasks of an earlier exam are still on the lab")

// ErrNoExam means there is no exam in progress.
var ErrNoExam = errors.New("no exam is in progress")

// Config wires a runner to a cluster.
type Config struct {
	Pool *lessons.Course
	// PoolDir is the pool's directory ("" for the built-in pool), recorded
	// so that a resumed exam loads the same pool.
	PoolDir string
	Store   *exam.Store
	Env     *lab.Environment
	Grader  *checks.Grader
	// Kubeconfig and Context are the lab's kubeconfig file and context;
	// the exam's contexts copy its cluster and user.
	Kubeconfig, Context string
	// Preload copies images into the nodes; nil when the cluster pulls
	// its own.
	Preload func(ctx context.Context, images []string) error
	// Shell prepares the learner's shell outside any exercise ($SHELL in
	// the lab directory); nil when there is none.
	Shell func() (*exec.Cmd, error)
	// NodeShell prepares a root shell inside the control-plane node; nil
	// when the cluster gives none.
	NodeShell func(ctx context.Context) (*exec.Cmd, error)
	// Parallel is how many tasks are set up or graded at once (4 when 0).
	Parallel int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Runner runs the exams of one pool on one cluster.
type Runner struct{ cfg Config }

// New builds a runner. Kubeconfig checks of exam tasks read the task's own
// kubeconfig, so the grader's Env is pointed at it.
func New(cfg Config) *Runner {
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Runner{cfg: cfg}
	genv := cfg.Grader.Env()
	// The grader may be shared with the course's exercises (the TUI opens
	// exams next to lessons): only the tasks of the exam in progress read
	// the exam's files.
	lessonsKubeconfig := genv.Kubeconfig
	genv.Kubeconfig.ForExercise = func(ex *lessons.Exercise) string {
		if st, err := cfg.Store.Active(); err == nil && st != nil && slices.ContainsFunc(st.Tasks, func(t exam.TaskState) bool { return t.ID == ex.ID }) {
			return r.TaskKubeconfig(st, exam.TaskContext(ex))
		}
		return lessonsKubeconfig.PathFor(ex)
	}
	return r
}

// FromLab builds a runner on a kubedojo lab session.
func FromLab(s *session.Session, pool *lessons.Course, poolDir string, store *exam.Store) *Runner {
	cfg := Config{
		Pool: pool, PoolDir: poolDir, Store: store, Env: s.Env, Grader: s.Grader,
		Kubeconfig: s.Lab.KubeconfigPath(), Context: s.Lab.ContextName(),
		Shell: func() (*exec.Cmd, error) { return s.Lab.ShellCommand(nil) },
		NodeShell: func(ctx context.Context) (*exec.Cmd, error) {
			sh, err := s.Lab.NodeShellCommand(ctx, "", true)
			return sh.Cmd, err
		},
	}
	if !s.Lab.Foreign() {
		cfg.Preload = func(ctx context.Context, images []string) error { return s.Lab.Preload(ctx, images, nil) }
	}
	return New(cfg)
}

// Pool is the runner's pool.
func (r *Runner) Pool() *lessons.Course { return r.cfg.Pool }

// Store is where the runner keeps exams.
func (r *Runner) Store() *exam.Store { return r.cfg.Store }

// StartOptions shape a new exam.
type StartOptions struct {
	Mode exam.Mode
	Seed uint64
	// Duration of the exam (the pool's when 0); training is untimed.
	Duration time.Duration
	// Tasks is how many tasks to draw (the pool's when 0).
	Tasks int
	// IgnoreHistory draws as if the learner had taken no exam, so that a
	// given seed always draws the same tasks (kubedojo exam --seed).
	IgnoreHistory bool
	// Clean removes the tasks earlier exams left on the lab first (the
	// learner asked for it); without it they make Start fail with
	// ErrLeftovers.
	Clean bool
	// Eligible narrows the pool further, after the cluster's capabilities
	// (the e2e test keeps to non-breaking tasks on a shared lab).
	Eligible func(*lessons.Exercise) bool
}

// Start draws a new exam from the tasks this cluster can serve and records
// it; nothing is set up yet. An exam already in progress is ErrInProgress.
func (r *Runner) Start(ctx context.Context, opts StartOptions) (*exam.State, error) {
	if st, err := r.cfg.Store.Active(); err != nil {
		return nil, err
	} else if st != nil {
		return nil, fmt.Errorf("%w: exam %s (%s) started %s; resume it (kubedojo exam --resume) or end it (kubedojo exam end)",
			ErrInProgress, st.ID, st.Mode, st.Created.Local().Format("2006-01-02 15:04"))
	}
	left, err := r.Leftovers(ctx)
	if err != nil {
		return nil, err
	}
	if len(left) > 0 && !opts.Clean {
		return nil, leftoversError(left)
	}
	if err := r.CleanTasks(ctx, left); err != nil {
		return nil, err
	}
	caps, err := r.cfg.Env.Capabilities(ctx)
	if err != nil {
		return nil, fmt.Errorf("find what the cluster serves: %w", err)
	}
	// A new exam avoids the tasks of the learner's earlier exams of this
	// pool while the pool allows.
	var seen map[string]time.Time
	if !opts.IgnoreHistory {
		if seen, err = r.cfg.Store.Seen(r.cfg.Pool.ID); err != nil {
			return nil, err
		}
	}
	drawn, err := exam.Draw(r.cfg.Pool, exam.DrawOptions{Seed: opts.Seed, Tasks: opts.Tasks, Seen: seen, Eligible: func(ex *lessons.Exercise) bool {
		ok, _ := caps.Serves(ex)
		return ok && (opts.Eligible == nil || opts.Eligible(ex))
	}})
	if err != nil {
		return nil, err
	}
	duration := opts.Duration
	if duration <= 0 {
		duration = r.cfg.Pool.Exam.Duration.Duration
	}
	st := exam.NewState(r.cfg.Pool, r.cfg.PoolDir, drawn, opts.Mode, opts.Seed, duration, r.cfg.Now())
	if err := r.writeKubeconfigs(st, drawn); err != nil {
		return nil, err
	}
	if err := r.cfg.Store.Save(st); err != nil {
		return nil, err
	}
	return st, nil
}

// Active returns the exam in progress; ErrNoExam when there is none.
func (r *Runner) Active() (*exam.State, error) {
	st, err := r.cfg.Store.Active()
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("%w (start one with kubedojo exam)", ErrNoExam)
	}
	if st.Pool.ID != r.cfg.Pool.ID {
		return nil, fmt.Errorf("exam %s was drawn from pool %s, not %s: resume it with --pool %s", st.ID, st.Pool.ID, r.cfg.Pool.ID, st.Pool.Dir)
	}
	return st, nil
}

// Tasks are the exam's tasks, with the cluster's template values filled
// in, in exam order.
func (r *Runner) Tasks(ctx context.Context, st *exam.State) ([]*lessons.Exercise, error) {
	exs, err := st.Exercises(r.cfg.Pool)
	if err != nil {
		return nil, err
	}
	vars, err := r.cfg.Env.Vars(ctx)
	if err != nil {
		return nil, err
	}
	for i := range exs {
		exs[i] = exs[i].Expand(vars)
	}
	return exs, nil
}

// SetUp sets up every task of the exam not yet set up, then starts the
// clock. Tasks that break a shared component go last and one at a time,
// so the others set up on a healthy cluster. A task whose namespaces are
// still there (a setup that was interrupted) is reset: Start refused, or
// was asked to remove, what earlier exams left, so nothing reset here
// holds the learner's work. The state is saved after each task, so an
// interrupted setup continues where it stopped.
func (r *Runner) SetUp(ctx context.Context, st *exam.State, progress func(exam.SetupEvent)) error {
	if progress == nil {
		progress = func(exam.SetupEvent) {}
	}
	exs, err := st.Exercises(r.cfg.Pool)
	if err != nil {
		return err
	}
	total := len(exs)
	ready := 0
	for _, t := range st.Tasks {
		if t.SetUp {
			ready++
		}
	}
	if r.cfg.Preload != nil && len(r.cfg.Pool.Images) > 0 && ready < total {
		progress(exam.SetupEvent{Task: -1, Phase: "images", Ready: ready, Total: total})
		err := r.cfg.Preload(ctx, r.cfg.Pool.Images)
		if errors.Is(err, lab.ErrImagesMissing) {
			// The nodes may still pull them; a task whose pods cannot start
			// says so in its setup error.
			progress(exam.SetupEvent{Task: -1, Phase: "images", Done: true, Err: err, Ready: ready, Total: total})
		} else if err != nil {
			return fmt.Errorf("preload the pool's images: %w", err)
		} else {
			progress(exam.SetupEvent{Task: -1, Phase: "images", Done: true, Ready: ready, Total: total})
		}
	}
	var mu sync.Mutex
	setUp := func(i int) error {
		ex := exs[i]
		progress(exam.SetupEvent{Task: i, ID: ex.ID, Phase: "setup", Ready: ready, Total: total})
		err := r.cfg.Env.Reset(ctx, ex)
		var kept *lab.KeptError
		if errors.As(err, &kept) {
			err = nil
		}
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			st.Tasks[i].SetUp = true
			ready++
			err = r.cfg.Store.Save(st)
		}
		progress(exam.SetupEvent{Task: i, ID: ex.ID, Phase: "setup", Done: true, Err: err, Ready: ready, Total: total})
		if err != nil {
			return fmt.Errorf("set up task %d (%s): %w", i+1, ex.ID, err)
		}
		return nil
	}
	var plain, breaking []int
	for i, ex := range exs {
		switch {
		case st.Tasks[i].SetUp:
		case ex.Breaking():
			breaking = append(breaking, i)
		default:
			plain = append(plain, i)
		}
	}
	if err := r.parallel(ctx, plain, setUp); err != nil {
		return err
	}
	for _, i := range breaking {
		if err := setUp(i); err != nil {
			return err
		}
	}
	if st.Started.IsZero() {
		st.Started = r.cfg.Now().UTC()
		if err := r.cfg.Store.Save(st); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs fn for each index, up to Parallel at once, and returns the
// first error after all have ended.
func (r *Runner) parallel(ctx context.Context, idx []int, fn func(int) error) error {
	sem := make(chan struct{}, r.cfg.Parallel)
	errs := make([]error, len(idx))
	var wg sync.WaitGroup
	for k, i := range idx {
		if ctx.Err() != nil {
			errs[k] = ctx.Err()
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[k] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Save records a change of the exam (a flag, the current task).
func (r *Runner) Save(st *exam.State) error { return r.cfg.Store.Save(st) }

// Grade grades every task once on the live cluster, waiting for checks
// still converging (a rollout under way) as headless grading does, then
// saves the report and the history and ends the exam. The exam's
// namespaces stay as they are, for the learner to look at; Clean removes
// them.
func (r *Runner) Grade(ctx context.Context, st *exam.State, progress func(done, total int)) (*exam.Result, error) {
	exs, err := st.Exercises(r.cfg.Pool)
	if err != nil {
		return nil, err
	}
	graded := r.cfg.Now()
	results := make([]exam.TaskResult, len(exs))
	var mu sync.Mutex
	done := 0
	idx := make([]int, len(exs))
	for i := range idx {
		idx[i] = i
	}
	err = r.parallel(ctx, idx, func(i int) error {
		rep := r.cfg.Grader.Converge(ctx, exs[i], 0, 2*time.Second)
		results[i] = TaskResult(i+1, exs[i], st.Tasks[i], rep)
		mu.Lock()
		done++
		if progress != nil {
			progress(done, len(exs))
		}
		mu.Unlock()
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("grade exam %s: %w", st.ID, err)
	}
	res := exam.NewResult(st, results, graded)
	if err := r.cfg.Store.Finish(res); err != nil {
		return nil, err
	}
	return res, nil
}

// TaskResult turns a task's report into its exam result: each top-level
// check with its points, and the reference solution.
func TaskResult(n int, ex *lessons.Exercise, t exam.TaskState, rep result.Report) exam.TaskResult {
	tr := exam.TaskResultFor(n, ex, t)
	for i, c := range ex.Checks {
		cr := exam.CheckResult{ID: c.ID, Title: c.Title, Points: c.PointsWorth(), Status: exam.CheckError, Detail: "not graded"}
		if i < len(rep.Results) {
			res := rep.Results[i]
			cr.Title, cr.Status, cr.Message, cr.Detail = res.Title, exam.CheckStatus(res.Status), res.Message, res.Detail
			if res.Status == result.Pending || res.Status == result.Running {
				cr.Status = exam.CheckError
			}
		}
		tr.Checks = append(tr.Checks, cr)
	}
	sol := ex.Solution
	tr.Solution = &sol
	return tr
}

// NodeShell prepares a root shell inside the control-plane node, for the
// node-level tasks.
func (r *Runner) NodeShell(ctx context.Context) (*exec.Cmd, error) {
	if r.cfg.NodeShell == nil {
		return nil, fmt.Errorf("%w: this cluster gives no shell inside its nodes", lab.ErrNoNodeAccess)
	}
	return r.cfg.NodeShell(ctx)
}

// Check grades one task now (training mode: the checks on demand).
func (r *Runner) Check(ctx context.Context, ex *lessons.Exercise) result.Report {
	return r.cfg.Grader.Evaluate(ctx, ex)
}

// Watch grades one task whenever the objects its checks read change, until
// ctx ends (training mode: live checks).
func (r *Runner) Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report)) error {
	return r.cfg.Grader.Watch(ctx, ex, onReport)
}

// Reset puts one task back to its start state (training mode, after the
// learner confirmed it).
func (r *Runner) Reset(ctx context.Context, ex *lessons.Exercise) error {
	err := r.cfg.Env.Reset(ctx, ex)
	var kept *lab.KeptError
	if errors.As(err, &kept) {
		return nil
	}
	return err
}

// Leftovers are the pool's tasks that are on the cluster, fully or
// partly, outside the exam in progress: what earlier exams left there,
// with the learner's work. Exercises of other packs are never among them.
func (r *Runner) Leftovers(ctx context.Context) ([]*lessons.Exercise, error) {
	active, err := r.cfg.Store.Active()
	if err != nil {
		return nil, err
	}
	var out []*lessons.Exercise
	for _, ex := range r.cfg.Pool.Exercises() {
		if active != nil && slices.ContainsFunc(active.Tasks, func(t exam.TaskState) bool { return t.ID == ex.ID }) {
			continue
		}
		st, err := r.cfg.Env.State(ctx, ex)
		if err != nil {
			return nil, fmt.Errorf("look for tasks of earlier exams: %w", err)
		}
		if st.Attempt() {
			out = append(out, ex)
		}
	}
	return out, nil
}

// leftoversError names the tasks still on the lab and the two ways on.
func leftoversError(left []*lessons.Exercise) error {
	names := make([]string, 0, len(left))
	for _, ex := range left {
		names = append(names, ex.Name())
	}
	if len(names) > 6 {
		names = append(names[:6], fmt.Sprintf("and %d more", len(left)-6))
	}
	return &LeftoversError{Tasks: len(left), names: strings.Join(names, ", ")}
}

// LeftoversError is ErrLeftovers with how many tasks are on the lab.
type LeftoversError struct {
	Tasks int
	names string
}

func (e *LeftoversError) Error() string {
	return fmt.Sprintf("%v: %d task(s) (%s) keep what you did in them. Look at them if you want, then remove them with kubedojo exam clean, "+
		"or start the new exam with kubedojo exam --clean, which removes them first", ErrLeftovers, e.Tasks, e.names)
}

// Is makes errors.Is(err, ErrLeftovers) hold.
func (e *LeftoversError) Is(target error) bool { return target == ErrLeftovers }

// Clean removes the tasks exams left on the lab (Leftovers) and those of
// a finished exam (res, nil for none) that are still recorded as set up
// (their namespaces may be gone while what they broke is not), putting
// back what they broke, and returns the tasks it cleaned: none once an
// earlier clean has removed them, whatever res lists.
func (r *Runner) Clean(ctx context.Context, res *exam.Result) ([]*lessons.Exercise, error) {
	exs, err := r.Leftovers(ctx)
	if err != nil {
		return nil, err
	}
	if res != nil {
		for _, t := range res.Tasks {
			ex := r.cfg.Pool.Exercise(t.ID)
			if ex == nil || slices.Contains(exs, ex) {
				continue
			}
			st, err := r.cfg.Env.State(ctx, ex)
			if err != nil {
				return nil, fmt.Errorf("look for the tasks of exam %s: %w", res.ID, err)
			}
			if st.Recorded {
				exs = append(exs, ex)
			}
		}
	}
	return exs, r.CleanTasks(ctx, exs)
}

// CleanTasks removes exam tasks from the cluster, putting back what they
// broke: the tasks that break shared components first, one at a time, so
// the others clean up on a healthy cluster, several at once.
func (r *Runner) CleanTasks(ctx context.Context, tasks []*lessons.Exercise) error {
	var plain []int
	var errs []error
	clean := func(ex *lessons.Exercise) error {
		if err := r.cfg.Env.Cleanup(ctx, ex); err != nil && !errors.Is(err, lab.ErrKept) {
			return fmt.Errorf("clean up %s: %w", ex.ID, err)
		}
		return nil
	}
	for i, ex := range tasks {
		if ex.Breaking() {
			errs = append(errs, clean(ex))
		} else {
			plain = append(plain, i)
		}
	}
	errs = append(errs, r.parallel(ctx, plain, func(i int) error { return clean(tasks[i]) }))
	return errors.Join(errs...)
}

// Shell prepares the learner's shell for a task: $SHELL with KUBECONFIG
// set to the task's kubeconfig, whose current context is the task's.
func (r *Runner) Shell(st *exam.State, i int) (*exec.Cmd, error) {
	if r.cfg.Shell == nil {
		return nil, errors.New("this cluster gives no shell; use the exam's kubeconfig in a terminal of your own")
	}
	cmd, err := r.cfg.Shell()
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(withoutKubeconfig(cmd.Env), "KUBECONFIG="+r.TaskKubeconfig(st, st.Tasks[i].Context))
	return cmd, nil
}
