package checks_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// builtInExercises are the exercises of the built-in course and the tasks
// of the built-in exam pool: kubedojo ships both, so CI proves both.
func builtInExercises(t *testing.T) []*lessons.Exercise {
	t.Helper()
	var exs []*lessons.Exercise
	for name, fsys := range map[string]fs.FS{"course": assets.Course(), "exam pool": assets.ExamPool()} {
		c, err := lessons.Load(fsys)
		if err != nil {
			t.Fatalf("built-in %s: %v", name, err)
		}
		exs = append(exs, c.Exercises()...)
	}
	return exs
}

// envtestVerifier is a grader and an exercise environment on envtest, as
// kubedojo verify makes them, with the lab and state directories in dir.
func envtestVerifier(t *testing.T, et *labtest.Envtest, dir string) (*checks.Grader, *lab.Environment) {
	t.Helper()
	kubeconfig, kubeContext, err := et.WriteKubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	vars := lessons.Vars{Lab: filepath.Join(dir, "lab")}
	genv, err := checks.NewEnv(et.Config)
	if err != nil {
		t.Fatal(err)
	}
	genv.Vars = vars
	genv.Kubeconfig = checks.Kubeconfig{Path: kubeconfig, LabContext: kubeContext}
	g := checks.NewGrader(genv)
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{
		Vars: vars, StateDir: filepath.Join(dir, "state"), KubeconfigPath: kubeconfig, Context: "envtest", Wait: g.WaitFor,
	})
	if err != nil {
		t.Fatal(err)
	}
	genv.Baselines = session.Baselines(env)
	return g, env
}

// TestVerifyAPIExercisesOnEnvtest proves every built-in exercise (and exam
// task) of tier api on a real API server: its checks fail on the start state and pass
// after the reference solution.
func TestVerifyAPIExercisesOnEnvtest(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	dir := t.TempDir()
	// Reference solutions run kubectl; envtest's assets include one.
	t.Setenv("PATH", os.Getenv("KUBEBUILDER_ASSETS")+string(os.PathListSeparator)+os.Getenv("PATH"))
	g, env := envtestVerifier(t, et, dir)

	var exs []*lessons.Exercise
	for _, ex := range builtInExercises(t) {
		if ex.Tier == lessons.TierAPI {
			exs = append(exs, ex)
		}
	}
	if len(exs) == 0 {
		t.Fatal("the built-in course has no api-tier exercises")
	}
	// envtest is an API server and nothing else: exactly the api tier.
	serves := func(ex *lessons.Exercise) (bool, string) {
		if ex.Tier != lessons.TierAPI {
			return false, "envtest serves only the api tier"
		}
		return true, ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	results, err := g.VerifyAll(ctx, env, exs, serves, 4, checks.VerifyOptions{Settle: 5 * time.Second, Interval: 500 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Status != checks.Verified {
			t.Errorf("%s: %s: %s", r.Exercise, r.Status, r.Reason)
			continue
		}
		t.Logf("%s verified in %s (%d/%d checks fail on the start state)", r.Exercise, r.Duration.Round(time.Millisecond), r.Start.Counts().Fail, len(r.Start.Results))
	}
}
