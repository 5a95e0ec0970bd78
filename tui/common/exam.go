package common

import (
	"context"
	"os/exec"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
)

// ExamSession is the exam in progress, as the exam screen drives it; cmd
// adapts the exam runner, tests use a fake. The screen calls every method
// from a tea.Cmd.
type ExamSession interface {
	// State is the exam as it was opened; the screen keeps its own copy
	// from then on and hands it to SetUp, Save and Grade.
	State() *exam.State
	// Tasks are the exam's tasks in exam order, with the lab's template
	// values filled in.
	Tasks() []*lessons.Exercise
	// SetUp sets up the tasks not yet set up and starts the clock,
	// reporting each task; it updates st.
	SetUp(ctx context.Context, st *exam.State, progress func(exam.SetupEvent)) error
	// Save records a change (a flag, the current task).
	Save(st *exam.State) error
	// Grade grades every task, saves the report and ends the exam.
	Grade(ctx context.Context, st *exam.State, progress func(done, total int)) (*exam.Result, error)
	// ReportPath is the Markdown report of a graded exam.
	ReportPath(id string) string
	// Shell is the learner's shell for a task, in the task's context.
	Shell(st *exam.State, task int) (*exec.Cmd, error)
	// NodeShell is a root shell inside the lab's control-plane node, for
	// the node-level tasks.
	NodeShell(ctx context.Context) (*exec.Cmd, error)
	// Check grades one task now and Reset starts it over (training).
	Check(ctx context.Context, task int) result.Report
	// Watch grades a task whenever the objects its checks read change,
	// until ctx ends (training's live checks).
	Watch(ctx context.Context, task int, onReport func(result.Report)) error
	Reset(ctx context.Context, task int) error
}

// Exams opens mock exams from the course map: the exam in progress, or a
// new one drawn from the built-in pool with its defaults. Nil when there is
// no lab.
type Exams interface {
	// Open fails with a *LeftoversError when tasks of earlier exams are
	// on the lab, unless clean removes them first.
	Open(ctx context.Context, clean bool) (ExamSession, error)
}

// LeftoversError is Open's refusal to start a new exam over the Tasks
// tasks earlier exams left on the lab, with the learner's work.
type LeftoversError struct {
	Tasks int
	Err   error
}

func (e *LeftoversError) Error() string { return e.Err.Error() }

// Unwrap is the runner's error.
func (e *LeftoversError) Unwrap() error { return e.Err }
