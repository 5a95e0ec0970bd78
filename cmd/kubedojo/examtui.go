package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/session/examrun"
	"github.com/kubedojo/kubedojo/tui"
	"github.com/kubedojo/kubedojo/tui/common"
)

// examSession adapts the exam runner to the TUI's exam screen.
type examSession struct {
	r     *examrun.Runner
	st    *exam.State
	tasks []*lessons.Exercise
}

func newExamSession(ctx context.Context, r *examrun.Runner, st *exam.State) (*examSession, error) {
	tasks, err := r.Tasks(ctx, st)
	if err != nil {
		return nil, err
	}
	return &examSession{r: r, st: st, tasks: tasks}, nil
}

func (s *examSession) State() *exam.State         { return s.st }
func (s *examSession) Tasks() []*lessons.Exercise { return s.tasks }
func (s *examSession) Save(st *exam.State) error  { return s.r.Save(st) }
func (s *examSession) ReportPath(id string) string {
	return s.r.Store().ReportPath(id, "md")
}

func (s *examSession) SetUp(ctx context.Context, st *exam.State, progress func(exam.SetupEvent)) error {
	return s.r.SetUp(ctx, st, progress)
}

func (s *examSession) Grade(ctx context.Context, st *exam.State, progress func(done, total int)) (*exam.Result, error) {
	return s.r.Grade(ctx, st, progress)
}

func (s *examSession) Shell(st *exam.State, task int) (*exec.Cmd, error) { return s.r.Shell(st, task) }

func (s *examSession) NodeShell(ctx context.Context) (*exec.Cmd, error) { return s.r.NodeShell(ctx) }

func (s *examSession) Check(ctx context.Context, task int) result.Report {
	return s.r.Check(ctx, s.tasks[task])
}

func (s *examSession) Watch(ctx context.Context, task int, onReport func(result.Report)) error {
	return s.r.Watch(ctx, s.tasks[task], onReport)
}

func (s *examSession) Reset(ctx context.Context, task int) error {
	return s.r.Reset(ctx, s.tasks[task])
}

// newExamTUI opens the exam screen of kubedojo exam on a drawn exam; the
// screen sets the tasks up with its own progress. When the TUI ends, a
// graded exam's summary is printed (and the JUnit file written); an exam
// left running says how to resume it.
func newExamTUI(ctx context.Context, opts *options, r *examrun.Runner, st *exam.State, junit string) error {
	sess, err := newExamSession(ctx, r, st)
	if err != nil {
		return withCode(exitEnv, err)
	}
	store, notice, err := openProgress(opts.settings.StateDir.V)
	if err != nil {
		return withCode(exitEnv, err)
	}
	log, closeLog, err := openLog(opts.settings.StateDir.V, tuiLogName)
	if err != nil {
		return err
	}
	defer closeLog()
	err = tui.Run(ctx, tui.Options{
		Course: r.Pool(), Progress: store, Notice: notice, Log: log, Exam: sess,
		Terminal: tui.DetectTerminal(os.Getenv, exec.LookPath),
	})
	if err != nil {
		return withCode(exitEnv, fmt.Errorf("terminal interface: %w", err))
	}
	if active, _ := r.Store().Active(); active != nil && active.ID == st.ID {
		fmt.Fprintf(opts.stdout, "Exam %s goes on (%s left): kubedojo exam --resume, or kubedojo exam end to grade it.\n",
			st.ID, exam.FormatClock(active.Clock().Remaining(time.Now())))
		return nil
	}
	res, err := r.Store().Result(st.ID)
	if err != nil {
		return withCode(exitEnv, err)
	}
	return finishReport(opts.stdout, r.Store(), res, junit)
}

// Open is the course map's mock exam: the exam in progress, or a new one
// drawn from the built-in pool with its defaults.
func (b labBackend) Open(ctx context.Context, clean bool) (common.ExamSession, error) {
	s, err := b.Session()
	if err != nil {
		return nil, err
	}
	pool, err := loadPool("")
	if err != nil {
		return nil, err
	}
	r := examrun.FromLab(s, pool, "", exam.NewStore(b.Lab().StateDir()))
	st, err := exam.NewStore(b.Lab().StateDir()).Active()
	if err != nil {
		return nil, err
	}
	if st != nil && st.Pool.ID != pool.ID {
		return nil, fmt.Errorf("exam %s of pool %s is in progress: resume it with kubedojo exam --resume", st.ID, st.Pool.ID)
	}
	if st == nil {
		st, err = r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: rand.Uint64N(1_000_000), Clean: clean})
		var left *examrun.LeftoversError
		if errors.As(err, &left) {
			return nil, &common.LeftoversError{Tasks: left.Tasks, Err: err}
		}
		if err != nil {
			return nil, err
		}
	} else if err := r.RefreshKubeconfigs(st); err != nil {
		return nil, err
	}
	return newExamSession(ctx, r, st)
}
