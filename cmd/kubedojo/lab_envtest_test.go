package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/session"
)

// envtestOptions select the envtest API server (as a cluster kubedojo may
// use) with a state directory of the test's; flags() gives them as
// command-line flags.
func envtestOptions(t *testing.T) *options {
	t.Helper()
	et := labtest.RequireEnvtest(t)
	dir := t.TempDir()
	path, context, err := et.WriteKubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &options{settings: testSettings(t, "--kubeconfig", path, "--context", context, "--state-dir", filepath.Join(dir, "state"), "--allow-foreign-cluster"),
		stdout: io.Discard, stderr: io.Discard}
}

func (o *options) flags() []string {
	return []string{"--kubeconfig", o.settings.Kubeconfig.V, "--context", o.settings.Context.V, "--allow-foreign-cluster", "--state-dir", o.settings.StateDir.V}
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
	opts := envtestOptions(t)
	flags, state := opts.flags(), opts.settings.StateDir.V
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

	// Another state directory, once the exercise is gone: a lab on which
	// it was never set up.
	cleanupExercise(t, opts, id)
	out, _ := cli(t, envtestOptions(t).flags(), exitOK, "verify", id)
	if !strings.Contains(out, "1 verified") {
		t.Errorf("verify:\n%s", out)
	}
}

// exerciseRecord reads the learner's progress record of a built-in
// exercise.
func exerciseRecord(t *testing.T, state, id string) progress.Exercise {
	t.Helper()
	store, err := progress.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	return store.Course("cka").Exercise(id)
}

// TestCLIAttemptIsRecordedAndTheTUIKeepsIt is the README's command-line
// flow: lab reset, solve with kubectl in lab shell, check. Progress
// records the attempt as started and then done, and the TUI's back end,
// opening the exercise afterwards, sets nothing up again: the solution
// stays and grades as passing.
func TestCLIAttemptIsRecordedAndTheTUIKeepsIt(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl is not on the PATH")
	}
	opts := envtestOptions(t)
	flags := opts.flags()
	const id = "kubectl-objects/namespace-labels"
	cli(t, flags, exitOK, "lab", "reset", id)
	t.Cleanup(func() { cleanupExercise(t, opts, id) })
	if rec := exerciseRecord(t, opts.settings.StateDir.V, id); rec.Status != progress.InProgress || rec.StartedAt == nil {
		t.Fatalf("after lab reset: %+v, want the attempt started", rec)
	}
	learnerShell(t, `kubectl create namespace team-blue
kubectl label namespace team-blue team=blue
kubectl -n team-blue create configmap settings --from-literal=mode=dev
kubectl -n team-blue annotate configmap settings owner=alice
`)
	cli(t, flags, exitOK, "lab", "shell", id)
	out, _ := cli(t, flags, exitOK, "check", id)
	if !strings.Contains(out, "solved") {
		t.Errorf("check:\n%s", out)
	}
	if rec := exerciseRecord(t, opts.settings.StateDir.V, id); rec.Status != progress.Done || rec.DoneAt == nil {
		t.Fatalf("after a passing check: %+v, want done", rec)
	}

	// The TUI opens it: set up (what its first open asks), then graded
	// live. Nothing is reset; the first report passes.
	course, err := opts.loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	ex := course.Exercise(id)
	b := tuiLab(t, opts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.SetUp(ctx, ex); err != nil {
		t.Fatalf("SetUp of a solved exercise: %v", err)
	}
	// The watch reports progress (checks still running) before the first
	// complete report; the first complete one must pass.
	var first result.Report
	err = b.Watch(ctx, ex, func(r result.Report) {
		if first.Results == nil && settled(r) {
			first = r
			cancel()
		}
	})
	if err != nil || !first.Passed() {
		t.Fatalf("live grading after opening: %v, report %+v", err, first)
	}
}

// TestTUINeverResetsAnAttemptImplicitly: an exercise set up and changed
// from the command line keeps the learner's work when the TUI opens it,
// even when its progress does not say so (a damaged or other progress
// file); a lab holding it without this state directory's record is
// partly set up: opening it is refused with the offer to reset, and the
// work stays.
func TestTUINeverResetsAnAttemptImplicitly(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl is not on the PATH")
	}
	opts := envtestOptions(t)
	const id = "deployments/strategy"
	cli(t, opts.flags(), exitOK, "lab", "reset", id)
	t.Cleanup(func() { cleanupExercise(t, opts, id) })
	learnerShell(t, `kubectl patch deployment api -p '{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}}}'
kubectl annotate deployment api kubernetes.io/change-cause="tighten rollout"
`)
	cli(t, opts.flags(), exitOK, "lab", "shell", id)
	if err := os.Remove(filepath.Join(opts.settings.StateDir.V, progress.FileName)); err != nil {
		t.Fatal(err)
	}
	course, err := opts.loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	ex := course.Exercise(id)
	ctx := context.Background()
	b := tuiLab(t, opts)
	if err := b.SetUp(ctx, ex); err != nil {
		t.Fatalf("SetUp of an exercise in progress: %v", err)
	}
	if r := b.Evaluate(ctx, ex); !r.Passed() {
		t.Errorf("after opening, the learner's change is gone: %+v", r.Results)
	}

	other := envtestOptions(t)
	other.settings.Kubeconfig.V, other.settings.Context.V = opts.settings.Kubeconfig.V, opts.settings.Context.V
	err = tuiLab(t, other).SetUp(ctx, ex)
	if !errors.Is(err, lab.ErrPartial) || !strings.Contains(err.Error(), "kubedojo lab reset "+id) {
		t.Errorf("SetUp of a lab holding the exercise without a record: %v", err)
	}
	if r := b.Evaluate(ctx, ex); !r.Passed() {
		t.Errorf("after a refused set-up, the learner's change is gone: %+v", r.Results)
	}
}

// tuiLab is the TUI's lab back end for the options, connected.
func tuiLab(t *testing.T, opts *options) labBackend {
	t.Helper()
	course, err := opts.loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	bs, err := newTUIBackends(context.Background(), opts, course)
	if err != nil {
		t.Fatal(err)
	}
	b := bs.lab.(labBackend)
	// What Start does once the lab is up (envtest has no nodes to wait for).
	if err := b.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return b
}

// connectedSession loads the course and connects to the lab, as a command does.
func connectedSession(t *testing.T, opts *options) (*lessons.Course, *session.Session) {
	t.Helper()
	course, err := opts.loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	s, err := opts.labSession(context.Background(), course)
	if err != nil {
		t.Fatal(err)
	}
	return course, s
}

// cleanupExercise removes an exercise from the envtest API server, which
// the tests of this package share.
func cleanupExercise(t *testing.T, opts *options, id string) {
	t.Helper()
	course, s := connectedSession(t, opts)
	ctx, ex := context.Background(), course.Exercise(id)
	// On a cluster it did not create kubedojo deletes only what its own
	// instance labelled: label what the test made by hand, so that it goes
	// too (the next test of this package makes the same namespace by hand).
	instance, err := lab.InstanceID(opts.settings.StateDir.V)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range ex.Namespaces {
		patch := []byte(`{"metadata":{"labels":{"` + lab.LabelExercise + `":"` + lab.ExerciseLabelValue(id) +
			`","` + lab.LabelInstance + `":"` + instance + `"}}}`)
		_, err := s.Grader.Env().Kube.CoreV1().Namespaces().Patch(ctx, ns.Name, types.MergePatchType, patch, metav1.PatchOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("label namespace %s: %v", ns.Name, err)
		}
	}
	if err := s.Env.Cleanup(ctx, ex); err != nil && !errors.Is(err, lab.ErrKept) {
		t.Errorf("clean up %s: %v", id, err)
	}
}

// TestVerifyRefusesToDeleteAnAttempt: verify sets exercises up from
// scratch and deletes them afterwards, so on a lab where one has an
// attempt (set up, or a namespace the learner made for it) it refuses,
// naming the exercises and --force, and deletes nothing; with --force it
// runs.
func TestVerifyRefusesToDeleteAnAttempt(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl is not on the PATH")
	}
	opts := envtestOptions(t)
	flags := opts.flags()
	const solved, started = "kubectl-objects/namespace-labels", "deployments/strategy"
	t.Cleanup(func() { cleanupExercise(t, opts, solved); cleanupExercise(t, opts, started) })
	// Made by hand, without lab reset: still the learner's work.
	learnerShell(t, `kubectl create namespace team-blue
kubectl -n team-blue create configmap settings --from-literal=mode=dev
`)
	cli(t, flags, exitOK, "lab", "shell")
	cli(t, flags, exitOK, "lab", "reset", started)

	_, errOut := cli(t, flags, exitUsage, "verify", solved, started, "kubectl-objects/declarative")
	for _, want := range []string{solved, started, "--force"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("refusal lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "kubectl-objects/declarative") {
		t.Errorf("refusal names an exercise without an attempt:\n%s", errOut)
	}
	_, s := connectedSession(t, opts)
	if _, err := s.Grader.Env().Kube.CoreV1().ConfigMaps("team-blue").Get(context.Background(), "settings", metav1.GetOptions{}); err != nil {
		t.Fatalf("the learner's ConfigMap is gone after a refused verify: %v", err)
	}
	// (On a cluster kubedojo did not create, the unlabelled team-blue is
	// kept even then; the exercise it set up goes.)
	out, _ := cli(t, flags, exitOK, "verify", "--force", started)
	if !strings.Contains(out, "1 verified") {
		t.Errorf("verify --force:\n%s", out)
	}
}

// settled reports whether no check of the report is still running.
func settled(r result.Report) bool {
	for _, res := range r.Results {
		if res.Status == result.Running {
			return false
		}
	}
	return true
}
