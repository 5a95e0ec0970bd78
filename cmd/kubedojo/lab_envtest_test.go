package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/lab/labtest"
)

// envtestLab returns the global flags that select the envtest API server
// (as a cluster kubedojo may use) with a state directory of the test's.
func envtestLab(t *testing.T) (flags []string, state string) {
	t.Helper()
	et := labtest.RequireEnvtest(t)
	dir := t.TempDir()
	path, context, err := et.WriteKubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	state = filepath.Join(dir, "state")
	return []string{"--kubeconfig", path, "--context", context, "--allow-foreign-cluster", "--state-dir", state}, state
}

// cli runs kubedojo with the lab flags first; it fails the test on an
// unexpected exit code.
func cli(t *testing.T, flags []string, want int, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := runCLI(t, append(append([]string{}, flags...), args...)...)
	if code != want {
		t.Fatalf("kubedojo %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

// learnerShell makes "kubedojo lab shell" run script instead of an
// interactive shell, as a learner typing it would.
func learnerShell(t *testing.T, script string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "learner.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\nset -e\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHELL", path)
}

// TestKubeconfigExerciseInItsOwnShell: the kubeconfig exercise is solved
// in the exercise's shell, whose kubeconfig is its own: check passes, the
// lab kubeconfig (every other terminal) keeps its context and namespace,
// and verify still proves the exercise.
func TestKubeconfigExerciseInItsOwnShell(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl is not on the PATH")
	}
	flags, state := envtestLab(t)
	const id = "api-access/kubeconfig-context"
	cli(t, flags, exitOK, "lab", "reset", id)
	cli(t, flags, exitFail, "check", id, "--no-wait")

	learnerShell(t, `cluster=$(kubectl config view --minify -o jsonpath='{.contexts[0].context.cluster}')
user=$(kubectl config view --minify -o jsonpath='{.contexts[0].context.user}')
kubectl config set-context lab-dev --cluster="$cluster" --user="$user" --namespace=acc-3
kubectl config use-context lab-dev
`)
	cli(t, flags, exitOK, "lab", "shell", id)
	cli(t, flags, exitOK, "check", id, "--no-wait")

	shared, err := filepath.Glob(filepath.Join(state, "contexts", "*.kubeconfig"))
	if err != nil || len(shared) != 1 {
		t.Fatalf("lab kubeconfig: %v %v", shared, err)
	}
	cfg, err := clientcmd.LoadFromFile(shared[0])
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Contexts["lab-dev"] != nil || cfg.Contexts[cfg.CurrentContext].Namespace != "" {
		t.Errorf("the exercise's shell changed the lab kubeconfig: current %q, contexts %v", cfg.CurrentContext, cfg.Contexts)
	}

	// Another state directory: a lab on which the exercise was never set up.
	other, _ := envtestLab(t)
	out, _ := cli(t, other, exitOK, "verify", id)
	if !strings.Contains(out, "1 verified") {
		t.Errorf("verify:\n%s", out)
	}
}
