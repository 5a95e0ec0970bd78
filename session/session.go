// Package session wires a lab, its exercise environment and a grader
// together: what the command line and the TUI grade with. It owns the
// rules that span them: the lab starts only after the machine's preflight,
// opening an exercise never resets an attempt, and grading before the lab
// is up reports environment errors, never wrong answers.
package session

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// labBaselines reads the baselines a lab environment recorded at setup.
type labBaselines struct{ env *lab.Environment }

// Baselines adapts a lab environment's recorded start states to the
// grader's Baselines.
func Baselines(env *lab.Environment) checks.Baselines { return labBaselines{env: env} }

func (b labBaselines) ObjectBaseline(ex *lessons.Exercise, ref lessons.ObjectRef) (checks.ObjectBaseline, error) {
	base, err := b.env.Baseline(ex)
	if err != nil {
		if errors.Is(err, lab.ErrNotSetUp) {
			return checks.ObjectBaseline{}, fmt.Errorf("%s was not set up by kubedojo on this cluster, so its start state is unknown; run kubedojo lab reset %s", ex.ID, ex.ID)
		}
		return checks.ObjectBaseline{}, err
	}
	key := lab.ObjectKey(ref, ex.DefaultNamespace())
	o, ok := base.Objects[key]
	if !ok && base.SettingUp {
		return checks.ObjectBaseline{}, fmt.Errorf("%s is being set up; its start state is recorded when the setup ends (if no setup or reset is running, reset the exercise: kubedojo lab reset %s)", ex.ID, ex.ID)
	}
	if !ok {
		return checks.ObjectBaseline{}, fmt.Errorf("no record of %s from the start of %s; reset the exercise (kubedojo lab reset %s)", key, ex.ID, ex.ID)
	}
	return checks.ObjectBaseline{UID: o.UID, Generation: o.Generation, Paths: o.Paths}, nil
}

func (b labBaselines) Stamp(ex *lessons.Exercise) string { return b.env.BaselineStamp(ex) }

// Session is a grader wired to a kubedojo lab and its exercise
// environment.
type Session struct {
	Lab    *lab.Lab
	Grader *checks.Grader
	Env    *lab.Environment
	Vars   lessons.Vars
}

// Connect wires a grader and an exercise environment to a running lab,
// on one client stack. Errors are environment errors (the lab is down or
// unreachable).
func Connect(ctx context.Context, l *lab.Lab) (*Session, error) {
	rc, err := l.RESTConfig()
	if err != nil {
		return nil, err
	}
	return connect(ctx, l, rc)
}

func connect(ctx context.Context, l *lab.Lab, rc *rest.Config) (*Session, error) {
	vars, err := l.Vars(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w (is the lab running? kubedojo lab status)", err)
	}
	c, err := newClients(rc)
	if err != nil {
		return nil, err
	}
	genv := c.grader
	genv.Vars = vars
	if n := l.NodeExec(); n != nil {
		genv.Node = n
	}
	genv.Kubeconfig = checks.Kubeconfig{Path: l.KubeconfigPath(), LabContext: l.ContextName(), ForExercise: l.ExerciseKubeconfigPath}
	g := checks.NewGrader(genv)
	env, err := l.EnvironmentOn(c.env)
	if err != nil {
		return nil, err
	}
	env.SetWaiter(g.WaitFor)
	genv.Baselines = Baselines(env)
	return &Session{Lab: l, Grader: g, Env: env, Vars: vars}, nil
}

// Unavailable is nil when the lab serves the exercise, else a
// lab.ErrUnavailable error that says why (a tier, an add-on, a worker or a
// node tool is missing) and, on kubedojo's own lab, how to get it.
func (s *Session) Unavailable(ctx context.Context, ex *lessons.Exercise) error {
	caps, err := s.Env.Capabilities(ctx)
	if err != nil {
		return err
	}
	if err := caps.Unavailable(ex); err != nil {
		return fmt.Errorf("%s: %w", ex.ID, err)
	}
	return nil
}

// Prepare is what opening an exercise does to the lab: refuse one the lab
// cannot serve (see Unavailable), then lab.Environment.Prepare, which sets
// the start state up only where the lab holds none of it and never
// deletes an attempt, whoever set it up.
func (s *Session) Prepare(ctx context.Context, ex *lessons.Exercise) error {
	if err := s.Unavailable(ctx, ex); err != nil {
		return err
	}
	_, err := s.Env.Prepare(ctx, ex)
	return err
}

// ErrorReport is the report on an exercise kubedojo could not grade:
// every check skipped when the lab cannot serve it, else environment
// errors.
func ErrorReport(ex *lessons.Exercise, err error) result.Report {
	if errors.Is(err, lab.ErrUnavailable) {
		return checks.Ungraded(ex, result.Skipped, err)
	}
	return checks.Ungraded(ex, result.Error, err)
}

// PreflightError lists why the lab cannot start on this machine yet.
type PreflightError struct{ Problems []string }

func (e *PreflightError) Error() string { return strings.Join(e.Problems, "\n") }

// Up creates or restarts the lab, after the machine's preflight (which a
// foreign cluster skips): its warnings go to warn (nil drops them), its
// problems are a *PreflightError. It repairs what the exercises left
// broken in the control plane or a kubelet (lab.Lab.UpRepairing) and
// reports what it repaired and kept.
func Up(ctx context.Context, l *lab.Lab, exercises []*lessons.Exercise, warn func(string), progress func(lab.Progress)) (*lab.RepairReport, error) {
	if !l.Foreign() {
		pf, err := l.Preflight(ctx)
		if err != nil {
			return &lab.RepairReport{}, err
		}
		if warn != nil {
			for _, w := range pf.Warnings {
				warn(w)
			}
		}
		if !pf.OK() {
			return &lab.RepairReport{}, &PreflightError{Problems: pf.Problems}
		}
	}
	return l.UpRepairing(ctx, exercises, progress)
}
