package session

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lessons"
)

// ClassCluster connects to the class cluster as the instructor: the
// kubeconfig file and context given, else kubectl's ($KUBECONFIG, then
// ~/.kube/config, its current context). It does not contact the cluster.
func ClassCluster(kubeconfig, context string) (class.Cluster, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	rc, err := cc.ClientConfig()
	if err != nil {
		return class.Cluster{}, fmt.Errorf("the class cluster's kubeconfig: %w", err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return class.Cluster{}, fmt.Errorf("the class cluster: %w", err)
	}
	return class.Cluster{Client: cs, Config: rc}, nil
}

// ClassProgress is what a report tells the class board: done when every
// check passes, failing with the first failing check otherwise. A report
// that could not decide (an environment problem, an exercise the lab
// cannot run) tells nothing: ok is false and nothing is reported, so an
// outage never shows a learner as stuck.
func ClassProgress(r result.Report) (ep class.ExerciseProgress, ok bool) {
	c := r.Counts()
	ep = class.ExerciseProgress{Passed: c.Pass, Total: len(r.Results), Updated: r.Time}
	switch r.Outcome() {
	case result.Solved:
		ep.State = class.StateDone
	case result.Unsolved:
		ep.State, ep.FailingSince = class.StateFailing, r.Time
		for _, res := range r.Results {
			if res.Status == result.Fail {
				ep.Check, ep.Message = res.Title, res.Message
				break
			}
		}
	default:
		return ep, false
	}
	return ep, true
}

// Grader is what the TUI grades with.
type Grader interface {
	Evaluate(ctx context.Context, ex *lessons.Exercise) result.Report
	Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report)) error
}

// ReportingGrader grades with Grader and reports every decided report to
// the learner's class record (--report-to); a report that cannot be sent
// goes to Warn and never stops grading.
type ReportingGrader struct {
	Grader
	To   *class.Reporter
	Warn func(error)
}

func (g ReportingGrader) send(ctx context.Context, ex *lessons.Exercise, r result.Report) {
	if ep, ok := ClassProgress(r); ok {
		if err := g.To.Report(ctx, ex.ID, ep); err != nil && g.Warn != nil {
			g.Warn(err)
		}
	}
}

// Evaluate grades once and reports.
func (g ReportingGrader) Evaluate(ctx context.Context, ex *lessons.Exercise) result.Report {
	r := g.Grader.Evaluate(ctx, ex)
	g.send(ctx, ex, r)
	return r
}

// Watch grades on every change and reports each new report.
func (g ReportingGrader) Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report)) error {
	return g.Grader.Watch(ctx, ex, func(r result.Report) {
		g.send(ctx, ex, r)
		onReport(r)
	})
}

// ConnectClass is a class learner's session on the shared cluster,
// through the kubeconfig class create wrote for them: the exercises of
// course that their class holds are renamed to their namespaces
// (class.Learner.MapCourse), setup and reset work only inside those
// namespaces, which the class made (lab.ProvidedNamespaces: nothing is
// created, labelled or deleted outside them and nothing cluster-scoped is
// written), exercises class mode cannot run are unavailable with the
// reason, and every decided grading goes to the learner's progress
// record, which the instructor's board watches. stateDir keeps the
// baselines and the shells' kubeconfigs, under the class's name.
func ConnectClass(ctx context.Context, kubeconfig, stateDir string, course *lessons.Course) (*Session, error) {
	learner, err := class.OpenLearner(ctx, kubeconfig)
	if err != nil {
		return nil, err
	}
	src, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("class kubeconfig %s: %w", kubeconfig, err)
	}
	dir := filepath.Join(stateDir, "classes", learner.Class+"-"+learner.Learner)
	vars := lessons.Vars{Lab: filepath.Join(dir, "lab")}
	shellPath := func(ex *lessons.Exercise) string {
		return filepath.Join(dir, "shells", lab.ExerciseLabelValue(ex.ID)+".kubeconfig")
	}
	shellKubeconfig := func(ex *lessons.Exercise) (string, error) {
		return shellPath(ex), lab.ExerciseKubeconfig(kubeconfig, src.CurrentContext, shellPath(ex), ex.DefaultNamespace())
	}
	env, err := lab.NewEnvironment(learner.Config, lab.EnvOptions{
		Vars: vars, StateDir: stateDir, Foreign: true, Instance: class.InstanceID(learner.Class, learner.Learner),
		Context: "class-" + learner.Class + "-" + learner.Learner, KubeconfigPath: kubeconfig, ExerciseKubeconfig: shellKubeconfig,
		Provided: &lab.ProvidedNamespaces{KeepLabel: class.LabelClass, Missing: learner.MissingNamespace()},
	})
	if err != nil {
		return nil, err
	}
	genv, err := checks.NewEnv(learner.Config)
	if err != nil {
		return nil, err
	}
	genv.Vars = vars
	genv.Kubeconfig = checks.Kubeconfig{Path: kubeconfig, LabContext: src.CurrentContext, ForExercise: shellPath}
	g := checks.NewGrader(genv)
	env.SetWaiter(g.WaitFor)
	genv.Baselines = Baselines(env)
	if course != nil {
		learner.MapCourse(course)
	}
	shell := func(ex *lessons.Exercise) (*exec.Cmd, error) {
		path, err := shellKubeconfig(ex)
		if err != nil {
			return nil, fmt.Errorf("shell for %s: %w", ex.ID, err)
		}
		return lab.ShellCommand(vars.Lab, path, ex)
	}
	return &Session{Grader: g, Env: env, Vars: vars, Class: learner, shell: shell}, nil
}
