package lab_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestEnvironmentNodeStepsPutTheNodeBack sets up a start state that labels
// and taints a real API server's node, lets the "learner" change the same
// keys, resets and cleans up, and compares the node with how it was.
func TestEnvironmentNodeStepsPutTheNodeBack(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	nodes := c.kube.CoreV1().Nodes()
	added := metav1.NewTime(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	created, err := nodes.Create(ctx, &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "np-worker", Labels: map[string]string{"disk": "hdd", "kubernetes.io/hostname": "np-worker"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{
			{Key: "team", Value: "a", Effect: corev1.TaintEffectNoSchedule},
			{Key: "maintenance", Value: "old", Effect: corev1.TaintEffectNoExecute, TimeAdded: &added},
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nodes.Delete(context.Background(), "np-worker", metav1.DeleteOptions{}) })

	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{
		Vars: lessons.Vars{Node: "np-control-plane", Worker: "np-worker", Lab: t.TempDir()}, StateDir: t.TempDir(), Context: "envtest",
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "sched/node-steps", `
title: Node steps
tier: api
workers: 1
namespaces: [np-1]
task: t
setup:
  - nodeLabel: {node: "{{WORKER}}", labels: {disk: ssd, accelerator: nvidia-h100}}
  - nodeTaint: {node: "{{WORKER}}", taints: [{key: maintenance, value: "true", effect: NoSchedule}]}
checks: [{id: c, title: c, message: m, exists: Namespace/np-1}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
cleanup:
  - nodeLabel: {node: "{{WORKER}}", keys: [zone]}
`)
	started := func(step string) {
		t.Helper()
		n, err := nodes.Get(ctx, "np-worker", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if n.UID != created.UID {
			t.Fatalf("%s: the node was recreated", step)
		}
		if n.Labels["disk"] != "ssd" || n.Labels["accelerator"] != "nvidia-h100" || n.Labels[lab.LabelExercise] != "" {
			t.Errorf("%s: labels %v", step, n.Labels)
		}
		// The API server's own admission may have added taints (not-ready)
		// when the node was created: they stay, in their places.
		var got, want []string
		for _, tt := range n.Spec.Taints {
			got = append(got, tt.ToString())
		}
		for _, tt := range created.Spec.Taints {
			want = append(want, tt.ToString())
		}
		want = append(want, "maintenance=true:NoSchedule")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: taints %v, want %v", step, got, want)
		}
	}
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	started("setup")

	// The learner removes both maintenance taints, relabels and adds a
	// label of their own.
	n, _ := nodes.Get(ctx, "np-worker", metav1.GetOptions{})
	n.Spec.Taints = slices.DeleteFunc(n.Spec.Taints, func(t corev1.Taint) bool { return t.Key == "maintenance" })
	n.Labels["disk"] = "nvme"
	n.Labels["zone"] = "b"
	if _, err := nodes.Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.Reset(ctx, ex); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	started("reset")

	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	after, err := nodes.Get(ctx, "np-worker", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the node is gone after cleanup: %v", err)
	}
	if after.UID != created.UID {
		t.Error("the node was recreated")
	}
	if !reflect.DeepEqual(after.Labels, created.Labels) {
		t.Errorf("labels after cleanup %v, want %v", after.Labels, created.Labels)
	}
	if !reflect.DeepEqual(after.Spec.Taints, created.Spec.Taints) {
		t.Errorf("taints after cleanup %v, want %v", after.Spec.Taints, created.Spec.Taints)
	}
}
