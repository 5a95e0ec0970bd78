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
	if !ok && base.SettingUp {
		return ObjectBaseline{}, fmt.Errorf("%s is being set up; its start state is recorded when the setup ends (if no setup or reset is running, reset the exercise: kubedojo lab reset %s)", ex.ID, ex.ID)
	}
	if !ok {
		return ObjectBaseline{}, fmt.Errorf("no record of %s from the start of %s; reset the exercise (kubedojo lab reset %s)", key, ex.ID, ex.ID)
	}
	return ObjectBaseline{UID: o.UID, Generation: o.Generation, Paths: o.Paths}, nil
}

func (b labBaselines) Stamp(ex *lessons.Exercise) string { return b.env.BaselineStamp(ex) }

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

// LabSession is a grader wired to a kubedojo lab and its exercise
// environment: what the CLI, the TUI and the e2e tests grade with.
type LabSession struct {
	Lab    *lab.Lab
	Grader *Grader
	Env    *lab.Environment
	Vars   lessons.Vars
}

// ConnectLab wires a grader and an exercise environment to a running lab.
// Errors are environment errors (the lab is down or unreachable).
func ConnectLab(ctx context.Context, l *lab.Lab) (*LabSession, error) {
	rc, err := l.RESTConfig()
	if err != nil {
		return nil, err
	}
	vars, err := l.Vars(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w (is the lab running? kubedojo lab status)", err)
	}
	genv, err := NewEnv(rc)
	if err != nil {
		return nil, err
	}
	genv.Vars = vars
	if n := l.NodeExec(); n != nil {
		genv.Node = n
	}
	genv.Kubeconfig = Kubeconfig{Path: l.KubeconfigPath(), LabContext: l.ContextName(), ForExercise: l.ExerciseKubeconfigPath}
	g := NewGrader(genv)
	env, err := l.Environment()
	if err != nil {
		return nil, err
	}
	env.SetWaiter(g.Waiter())
	genv.Baselines = LabBaselines(env)
	return &LabSession{Lab: l, Grader: g, Env: env, Vars: vars}, nil
}
