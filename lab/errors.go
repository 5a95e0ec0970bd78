package lab

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers branch on with errors.Is. The errors returned
// wrap them with the details and what to do.
var (
	// ErrNoRuntime means no container engine (Docker, Podman) is installed
	// or answering, so kubedojo cannot run its kind lab.
	ErrNoRuntime = errors.New("no container engine")
	// ErrForeignCluster means the cluster was not created by kubedojo and
	// the learner did not opt in with --allow-foreign-cluster, or an
	// operation (delete, preload) that kubedojo only does on its own lab.
	ErrForeignCluster = errors.New("cluster not created by kubedojo")
	// ErrForeignObject means a foreign cluster holds a namespace or object
	// kubedojo would have to change although it does not carry kubedojo's
	// labels for the exercise.
	ErrForeignObject = errors.New("object not managed by kubedojo")
	// ErrNotSetUp means an exercise has no recorded start state on this
	// cluster.
	ErrNotSetUp = errors.New("exercise not set up")
	// ErrNoCluster means kubedojo's own lab does not exist (yet).
	ErrNoCluster = errors.New("lab cluster does not exist")
	// ErrUnreachable means the cluster's API server does not answer: an
	// environment error, never a failed check.
	ErrUnreachable = errors.New("cluster unreachable")
	// ErrNoNodeAccess means the cluster gives no shell inside its nodes
	// (foreign clusters, envtest).
	ErrNoNodeAccess = errors.New("no node access")
	// ErrImagesMissing means images to preload are not in the local image
	// store.
	ErrImagesMissing = errors.New("images missing locally")
	// ErrPartial means part of an exercise's environment is on the
	// cluster (Environment.State): kubedojo does not set it up over what is
	// there, and resetting it, which deletes what is there, is the
	// learner's choice.
	ErrPartial = errors.New("exercise partly set up")
	// ErrKept means Cleanup left objects in place because they do not
	// belong to kubedojo (foreign clusters only). Reset still sets the
	// exercise up: treat it as a warning.
	ErrKept = errors.New("objects kept")
)

// KeptError lists what Cleanup did not delete or restore on a foreign
// cluster, and why. errors.Is(err, ErrKept) is true.
type KeptError struct {
	Exercise string
	Items    []string
}

func (e *KeptError) Error() string {
	return fmt.Sprintf("exercise %s: kubedojo left these in place because it does not own them in this cluster: %s",
		e.Exercise, strings.Join(e.Items, "; "))
}

// Unwrap makes errors.Is(err, ErrKept) work.
func (e *KeptError) Unwrap() error { return ErrKept }

// StepError is a failed setup or cleanup step, with the exercise file and
// line it comes from.
type StepError struct {
	Exercise string
	// File is the exercise file inside the pack; Line the step's line there
	// (0 when unknown).
	File string
	Line int
	// Phase is "setup" or "cleanup"; Index is 1-based within it.
	Phase  string
	Index  int
	Action string
	Err    error
}

func (e *StepError) Error() string {
	where := e.File
	if where == "" {
		where = "exercise " + e.Exercise
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Line)
	}
	return fmt.Sprintf("%s: %s step %d (%s) of %s: %v", where, e.Phase, e.Index, e.Action, e.Exercise, e.Err)
}

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }
