package lab

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lessons"
)

// EnvState is how much of an exercise's environment a cluster holds: the
// one rule that decides whether opening an exercise (in the TUI, or
// before grading) may set it up. Only Reset, which the learner asks for,
// deletes an attempt.
type EnvState int

// Environment states.
const (
	// NotSetUp: none of the namespaces the start state creates exists, so
	// setting it up cannot replace anything (a new lab, or namespaces
	// deleted by hand). Namespaces the learner creates are never touched
	// by a set-up.
	NotSetUp EnvState = iota
	// SetUp: set up on this cluster (recorded here) and every namespace of
	// the start state exists: an attempt lives there.
	SetUp
	// Partial: some of it is there (a namespace deleted by hand, or
	// namespaces this state directory has no record of setting up).
	Partial
)

func (s EnvState) String() string {
	switch s {
	case NotSetUp:
		return "not set up"
	case SetUp:
		return "set up"
	}
	return "partly set up"
}

// EnvStatus is an exercise's EnvState with what was found, in words.
type EnvStatus struct {
	State EnvState
	// Detail says what is missing or unrecorded when State is Partial.
	Detail string
	// LearnerNamespaces are the namespaces the learner creates for the
	// exercise that exist (a set-up leaves them alone; a cleanup deletes
	// them).
	LearnerNamespaces []string
	// Recorded is true while this state directory holds the record of a
	// set-up that no cleanup has finished: what the exercise changed
	// outside its namespaces may still need putting back, even when the
	// namespaces are gone (State NotSetUp).
	Recorded bool
}

// Attempt reports whether an attempt may live on the cluster: the
// exercise is set up, fully or partly, or a namespace the learner makes
// for it exists. Deleting the exercise (a cleanup, a reset, verify) would
// lose it.
func (s EnvStatus) Attempt() bool { return s.State != NotSetUp || len(s.LearnerNamespaces) > 0 }

// State looks at how much of the exercise's environment is on the
// cluster, without changing anything. A namespace that is being deleted
// counts as gone.
func (e *Environment) State(ctx context.Context, ex *lessons.Exercise) (EnvStatus, error) {
	_, err := e.loadBaseline(ex)
	recorded := err == nil
	if err != nil && !errors.Is(err, ErrNotSetUp) {
		return EnvStatus{}, err
	}
	var present, missing, learners []string
	for _, ns := range ex.Namespaces {
		obj, err := e.namespaces().Get(ctx, ns.Name, metav1.GetOptions{})
		exists := err == nil && obj.GetDeletionTimestamp() == nil
		if err != nil && !apierrors.IsNotFound(err) {
			return EnvStatus{}, environmentError(fmt.Errorf("namespace %s: %w", ns.Name, err))
		}
		switch {
		case ns.LearnerCreates && exists:
			learners = append(learners, ns.Name)
		case ns.LearnerCreates:
		case exists:
			present = append(present, ns.Name)
		default:
			missing = append(missing, ns.Name)
		}
	}
	st := EnvStatus{State: Partial, LearnerNamespaces: learners, Recorded: recorded}
	switch {
	case len(present) == 0 && (len(missing) > 0 || !recorded):
		st.State = NotSetUp
	case recorded && len(missing) == 0:
		st.State = SetUp
	case !recorded:
		st.Detail = fmt.Sprintf("namespace(s) %s exist, but this lab has no record of setting the exercise up (set up from another state directory?)",
			strings.Join(present, ", "))
	default:
		st.Detail = fmt.Sprintf("namespace(s) %s are gone while %s are still there", strings.Join(missing, ", "), strings.Join(present, ", "))
	}
	return st, nil
}

// Prepare makes an exercise ready to work on without ever destroying an
// attempt: it sets the start state up when the cluster holds none of it
// (NotSetUp), leaves a set-up exercise as it is (SetUp), and refuses a
// partial one with an error wrapping ErrPartial that says what is there
// and that a reset (which deletes it) starts over. It reports whether it
// set the exercise up.
func (e *Environment) Prepare(ctx context.Context, ex *lessons.Exercise) (bool, error) {
	st, err := e.State(ctx, ex)
	if err != nil {
		return false, err
	}
	switch st.State {
	case SetUp:
		return false, nil
	case Partial:
		return false, fmt.Errorf("%w: %s is only partly on this lab: %s. kubedojo does not set it up over what is there; "+
			"reset it to start over (this deletes what it made and what you made for it: kubedojo lab reset %s, or r in the exercise)",
			ErrPartial, ex.ID, st.Detail, ex.ID)
	}
	if err := e.Setup(ctx, ex); err != nil {
		return false, err
	}
	return true, nil
}
