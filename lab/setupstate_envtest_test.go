package lab_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
)

// TestPrepareNeverDestroysAnAttempt follows an exercise through a first
// set-up, the learner's work, reopening, another state directory (a lab
// that holds the namespace but no record of the set-up), and a namespace
// deleted by hand: Prepare sets up only what is certainly absent and
// never deletes anything.
func TestPrepareNeverDestroysAnAttempt(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	newEnv := func() *lab.Environment {
		env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: t.TempDir(), Context: "envtest"})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	env := newEnv()
	ex := decodeExercise(t, "state/prepare", `
title: State
tier: api
namespaces: [state-1, state-2]
task: t
setup:
  - apply: "{apiVersion: v1, kind: ConfigMap, metadata: {name: start}}"
checks: [{id: c, title: c, message: m, exists: ConfigMap/cm}]
hints: [a, b]
solution: {steps: [{apply: "{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}"}]}
`)
	state := func(env *lab.Environment) lab.EnvState {
		t.Helper()
		st, err := env.State(ctx, ex)
		if err != nil {
			t.Fatal(err)
		}
		return st.State
	}
	if s := state(env); s != lab.NotSetUp {
		t.Fatalf("before set-up: %v", s)
	}
	if set, err := env.Prepare(ctx, ex); err != nil || !set {
		t.Fatalf("first Prepare: set up %v, %v", set, err)
	}
	if s := state(env); s != lab.SetUp {
		t.Fatalf("after set-up: %v", s)
	}
	work := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "state-1"}}
	if _, err := c.kube.CoreV1().ConfigMaps("state-1").Create(ctx, work, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	stillThere := func(when string) {
		t.Helper()
		if _, err := c.kube.CoreV1().ConfigMaps("state-1").Get(ctx, "cm", metav1.GetOptions{}); err != nil {
			t.Fatalf("%s: the learner's ConfigMap is gone: %v", when, err)
		}
	}
	if set, err := env.Prepare(ctx, ex); err != nil || set {
		t.Fatalf("Prepare of a set-up exercise: set up %v, %v", set, err)
	}
	stillThere("reopened")

	// Another state directory: the namespaces exist, the record does not.
	other := newEnv()
	if s := state(other); s != lab.Partial {
		t.Fatalf("namespaces without a record: %v", s)
	}
	_, err := other.Prepare(ctx, ex)
	if !errors.Is(err, lab.ErrPartial) || !strings.Contains(err.Error(), "reset") {
		t.Fatalf("Prepare without a record: %v", err)
	}
	stillThere("without a record")

	// One of two namespaces deleted by hand: partial, offered, not forced.
	if err := c.kube.CoreV1().Namespaces().Delete(ctx, "state-2", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := env.State(ctx, ex)
	if err != nil || st.State != lab.Partial || !strings.Contains(st.Detail, "state-2") {
		t.Fatalf("one namespace gone: %+v %v", st, err)
	}
	if _, err := env.Prepare(ctx, ex); !errors.Is(err, lab.ErrPartial) {
		t.Fatalf("Prepare with a namespace gone: %v", err)
	}
	stillThere("one namespace gone")

	// Every namespace gone (say, deleted with kubectl): nothing of the
	// start state is left, so it is set up again.
	if err := c.kube.CoreV1().Namespaces().Delete(ctx, "state-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Not set up, but still recorded: what the set-up changed outside the
	// namespaces is not put back yet (exam clean relies on it).
	if st, err := env.State(ctx, ex); err != nil || st.State != lab.NotSetUp || !st.Recorded {
		t.Fatalf("every namespace gone: %+v %v", st, err)
	}
	if st, err := other.State(ctx, ex); err != nil || st.Recorded {
		t.Fatalf("another state directory: %+v %v", st, err)
	}
	if set, err := env.Prepare(ctx, ex); err != nil || !set {
		t.Fatalf("Prepare with every namespace gone: set up %v, %v", set, err)
	}
	if s := state(env); s != lab.SetUp {
		t.Fatalf("after setting up again: %v", s)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if st, err := env.State(ctx, ex); err != nil || st.Recorded {
		t.Fatalf("after the cleanup: %+v %v", st, err)
	}
}
