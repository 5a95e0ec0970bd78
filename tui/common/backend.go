package common

import (
	"context"
	"os/exec"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// Grader grades exercises on the live cluster. The TUI only calls these two
// methods, so tests use a fake and cmd adapts the checks engine. It calls
// them only once Lab.Start has returned nil and Lab.Status reported Ready,
// so an adapter may connect to the cluster at the end of Start.
type Grader interface {
	// Evaluate grades the exercise once.
	Evaluate(ctx context.Context, ex *lessons.Exercise) result.Report
	// Watch grades the exercise whenever the objects its checks read
	// change, calling onReport (from another goroutine) with each new
	// report, until ctx is done.
	Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report)) error
}

// Lab is the cluster the exercises run on. Status is called after Start
// returned nil; Reset and Shell only once Status reported Ready.
type Lab interface {
	// Start creates or reuses the lab cluster, reporting its phases; it
	// returns when the cluster is usable or has failed.
	Start(ctx context.Context, progress func(LabProgress)) error
	// Status describes the lab as it is now.
	Status(ctx context.Context) (LabStatus, error)
	// SetUp makes an exercise ready when it is opened: it sets the start
	// state up where the lab holds none of it and leaves an existing
	// attempt alone (a lab holding part of it is an error that offers a
	// reset). It never deletes anything.
	SetUp(ctx context.Context, ex *lessons.Exercise) error
	// Reset sets up an exercise's start state, removing what the learner
	// changed; only after the learner confirmed it.
	Reset(ctx context.Context, ex *lessons.Exercise) error
	// Shell returns the learner's shell, set up for the exercise
	// (KUBECONFIG, namespace), to run with tea.ExecProcess.
	Shell(ex *lessons.Exercise) (*exec.Cmd, error)
	// NodeShell returns a root shell inside a lab node ("" is the control
	// plane), to run with tea.ExecProcess; an error says why there is none
	// (an existing cluster gives no node access).
	NodeShell(ctx context.Context, node string) (*exec.Cmd, error)
}

// LabProgress is one progress event while the lab starts: a phase such as
// kind's "Preparing nodes", its 1-based position among Total phases, and a
// message. Done marks the end of a phase, with Err when it failed. The
// fields match lab.Progress, so one converts to the other.
type LabProgress struct {
	Phase       string
	Step, Total int
	Message     string
	Done        bool
	Err         error
}

// LabStatus describes a lab: ready or not, a one-line summary and detail
// (nodes, version, what to do when it is not ready).
type LabStatus struct {
	Ready   bool
	Summary string
	Detail  string
	// NodeAccess is true when NodeShell can open shells inside the nodes
	// (kubedojo's own kind lab).
	NodeAccess bool
}

// LabState is what the TUI knows about the lab at a moment.
type LabState struct {
	// Disabled means there is no lab (started with --no-lab).
	Disabled bool
	// Starting is true from the start request to its end.
	Starting bool
	// Progress is the last progress event.
	Progress LabProgress
	// Ready is true once Start succeeded and Status reports ready.
	Ready bool
	// Status is the last status read.
	Status LabStatus
	// Err is why the lab could not start or is not usable.
	Err error
	// Unreachable says why the API server stopped answering live grading
	// (a paused or stopped node); "" while it answers. Grading resumes by
	// itself when it answers again.
	Unreachable string
}
