package checks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// labBaselines reads the baselines a lab environment recorded at setup.
type labBaselines struct{ env *lab.Environment }

// LabBaselines adapts a lab environment's recorded start states to the
// grader's Baselines.
func LabBaselines(env *lab.Environment) Baselines { return labBaselines{env: env} }

func (b labBaselines) ObjectBaseline(ex *lessons.Exercise, ref lessons.ObjectRef) (ObjectBaseline, error) {
	base, err := b.env.Baseline(ex)
	if err != nil {
		if errors.Is(err, lab.ErrNotSetUp) {
			return ObjectBaseline{}, fmt.Errorf("%s was not set up by kubedojo on this cluster, so its start state is unknown; run kubedojo lab reset %s", ex.ID, ex.ID)
		}
		return ObjectBaseline{}, err
	}
	key := lab.ObjectKey(ref, ex.DefaultNamespace())
	o, ok := base.Objects[key]
	if !ok {
		return ObjectBaseline{}, fmt.Errorf("no record of %s from the start of %s; reset the exercise (kubedojo lab reset %s)", key, ex.ID, ex.ID)
	}
	return ObjectBaseline{UID: o.UID, Generation: o.Generation, Paths: o.Paths}, nil
}

// Waiter returns the function lab environments call for the "wait" steps
// of start states.
func (g *Grader) Waiter() lab.Waiter {
	return func(ctx context.Context, c lessons.Check, timeout time.Duration) error {
		ex, ok := lab.ExerciseFromContext(ctx)
		if !ok {
			return errors.New("wait step outside an exercise")
		}
		return g.WaitFor(ctx, ex, c, timeout)
	}
}
