package lab_test

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
)

// TestEnvironmentIsSetUp follows an exercise through set-up, a namespace
// deleted by hand, and a new set-up.
func TestEnvironmentIsSetUp(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: t.TempDir(), Context: "envtest"})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "state/is-set-up", `
title: State
tier: api
namespaces: [state-1]
task: t
checks: [{id: c, title: c, message: m, exists: ConfigMap/cm}]
hints: [a, b]
solution: {steps: [{apply: "{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}"}]}
`)
	if ok, err := env.IsSetUp(ctx, ex); err != nil || ok {
		t.Fatalf("before setup: %v %v", ok, err)
	}
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if ok, err := env.IsSetUp(ctx, ex); err != nil || !ok {
		t.Fatalf("after setup: %v %v", ok, err)
	}
	if err := c.kube.CoreV1().Namespaces().Delete(ctx, "state-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := env.IsSetUp(ctx, ex); err != nil || ok {
		t.Fatalf("after deleting the namespace: %v %v", ok, err)
	}
	if err := env.Reset(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if ok, err := env.IsSetUp(ctx, ex); err != nil || !ok {
		t.Fatalf("after reset: %v %v", ok, err)
	}
}
