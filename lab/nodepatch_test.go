package lab

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clienttesting "k8s.io/client-go/testing"

	"github.com/kubedojo/kubedojo/lessons"
)

const nodeStepsExercise = `
title: t
tier: kubelet
workers: 1
namespaces: [sched-x]
task: t
setup:
  - nodeLabel: {node: "{{WORKER}}", labels: {disk: ssd, gpu: "true"}}
  - nodeTaint:
      node: "{{WORKER}}"
      taints:
        - {key: maintenance, value: "true", effect: NoSchedule}
        - {key: dedicated, value: ml, effect: NoExecute}
checks: [{id: c, title: c, message: m, exists: Namespace/sched-x}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`

// workerNode is a worker as kind makes it, with a label and taints the
// exercise's steps touch and others they must leave alone.
func workerNode() *corev1.Node {
	added := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "w1", Labels: map[string]string{"disk": "hdd", "kubernetes.io/hostname": "w1"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{
			{Key: "maintenance", Value: "old", Effect: corev1.TaintEffectNoExecute, TimeAdded: &added},
			{Key: "team", Value: "a", Effect: corev1.TaintEffectNoSchedule},
		}},
	}
}

func newNodeCluster(t *testing.T, opts EnvOptions) (*fakeCluster, *corev1.Node) {
	t.Helper()
	f := newFakeCluster(t, opts)
	before := workerNode()
	if _, err := f.kube.CoreV1().Nodes().Create(context.Background(), before.DeepCopy(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return f, before
}

func nodeNow(t *testing.T, f *fakeCluster, name string) *corev1.Node {
	t.Helper()
	n, err := f.kube.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("node %s: %v", name, err)
	}
	return n
}

func taintStrings(ts []corev1.Taint) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ToString()
	}
	return out
}

func requireNodeAsBefore(t *testing.T, got, before *corev1.Node) {
	t.Helper()
	if !reflect.DeepEqual(got.Labels, before.Labels) {
		t.Errorf("labels %v, want %v as before", got.Labels, before.Labels)
	}
	if !reflect.DeepEqual(taintStrings(got.Spec.Taints), taintStrings(before.Spec.Taints)) {
		t.Errorf("taints %v, want %v as before", taintStrings(got.Spec.Taints), taintStrings(before.Spec.Taints))
	}
	for i := range got.Spec.Taints {
		if i < len(before.Spec.Taints) && !got.Spec.Taints[i].TimeAdded.Equal(before.Spec.Taints[i].TimeAdded) {
			t.Errorf("taint %s: timeAdded %v, want %v", got.Spec.Taints[i].ToString(), got.Spec.Taints[i].TimeAdded, before.Spec.Taints[i].TimeAdded)
		}
	}
}

func TestNodeStepsAreUndoneOnCleanup(t *testing.T) {
	state := t.TempDir()
	f, before := newNodeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Worker: "w1", Lab: state}, StateDir: state, Context: "lab"})
	ex := exerciseYAML(t, "sched/x", nodeStepsExercise)
	ctx := context.Background()
	// What the node had must be on disk before the node changes, so that a
	// setup killed half-way can still be undone.
	var recordedFirst []string
	f.kube.PrependReactor("update", "nodes", func(clienttesting.Action) (bool, runtime.Object, error) {
		b, err := f.env.Baseline(ex)
		if err != nil || b.Nodes["w1"] == nil {
			recordedFirst = append(recordedFirst, "node updated before its record was saved")
		}
		return false, nil, nil
	})
	if err := f.env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	if len(recordedFirst) > 0 {
		t.Error(recordedFirst[0])
	}
	n := nodeNow(t, f, "w1")
	if n.Labels["disk"] != "ssd" || n.Labels["gpu"] != "true" || n.Labels["kubernetes.io/hostname"] != "w1" {
		t.Errorf("labels after setup: %v", n.Labels)
	}
	wantTaints := []string{"maintenance=old:NoExecute", "team=a:NoSchedule", "maintenance=true:NoSchedule", "dedicated=ml:NoExecute"}
	if got := taintStrings(n.Spec.Taints); !reflect.DeepEqual(got, wantTaints) {
		t.Errorf("taints after setup: %v, want %v", got, wantTaints)
	}
	if n.Spec.Taints[3].TimeAdded == nil {
		t.Error("a NoExecute taint needs timeAdded, as kubectl taint sets it")
	}
	if _, ok := n.Labels[LabelExercise]; ok {
		t.Error("the node carries the exercise label: cleanup would delete it")
	}

	// The learner removes both maintenance taints and relabels the disk.
	n.Spec.Taints = n.Spec.Taints[1:2]
	n.Labels["disk"] = "nvme"
	if _, err := f.kube.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	requireNodeAsBefore(t, nodeNow(t, f, "w1"), before)
	if _, err := f.env.Baseline(ex); !errors.Is(err, ErrNotSetUp) {
		t.Errorf("baseline after cleanup: %v", err)
	}
	// A second cleanup has nothing left to restore and changes nothing.
	if err := f.env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("second Cleanup: %v", err)
	}
	requireNodeAsBefore(t, nodeNow(t, f, "w1"), before)
}

// TestNodeStepsTwiceKeepTheFirstRecord: a setup run again without a cleanup
// sees the start state's own labels, which must not become "before".
func TestNodeStepsTwiceKeepTheFirstRecord(t *testing.T) {
	state := t.TempDir()
	f, before := newNodeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Worker: "w1", Lab: state}, StateDir: state, Context: "lab"})
	ex := exerciseYAML(t, "sched/x", nodeStepsExercise)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := f.env.Setup(ctx, ex); err != nil {
			t.Fatalf("Setup %d: %v", i+1, err)
		}
	}
	if got := taintStrings(nodeNow(t, f, "w1").Spec.Taints); len(got) != 4 {
		t.Errorf("taints after two setups: %v (a taint with the same key and effect replaces the old one)", got)
	}
	if err := f.env.Reset(ctx, ex); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if err := f.env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	requireNodeAsBefore(t, nodeNow(t, f, "w1"), before)
}

func TestNodeStepErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("foreign cluster", func(t *testing.T) {
		f, before := newNodeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Worker: "w1", Lab: t.TempDir()}, Foreign: true})
		err := f.env.Setup(ctx, exerciseYAML(t, "sched/x", nodeStepsExercise))
		if !errors.Is(err, ErrForeignObject) || !strings.Contains(err.Error(), "setup step 1 (nodeLabel)") {
			t.Errorf("Setup: %v, want ErrForeignObject from the nodeLabel step", err)
		}
		requireNodeAsBefore(t, nodeNow(t, f, "w1"), before)
	})
	t.Run("no worker", func(t *testing.T) {
		f, _ := newNodeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Lab: t.TempDir()}})
		err := f.env.Setup(ctx, exerciseYAML(t, "sched/x", nodeStepsExercise))
		if err == nil || !strings.Contains(err.Error(), "the cluster has no worker node") {
			t.Errorf("Setup: %v", err)
		}
	})
	t.Run("missing node", func(t *testing.T) {
		f, _ := newNodeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Worker: "w2", Lab: t.TempDir()}})
		err := f.env.Setup(ctx, exerciseYAML(t, "sched/x", nodeStepsExercise))
		if err == nil || !strings.Contains(err.Error(), "node w2 does not exist") {
			t.Errorf("Setup: %v", err)
		}
		if _, err := f.kube.CoreV1().Nodes().Get(ctx, "w2", metav1.GetOptions{}); err == nil {
			t.Error("a node step created a node")
		}
	})
	t.Run("in a solution", func(t *testing.T) {
		f, before := newNodeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Worker: "w1", Lab: t.TempDir()}})
		ex := exerciseYAML(t, "sched/x", nodeStepsExercise)
		ex.Solution.Steps = ex.Setup[:1]
		ex.Setup = nil
		if err := f.env.Setup(ctx, ex); err != nil {
			t.Fatal(err)
		}
		err := f.env.ApplySolution(ctx, ex)
		if err == nil || !strings.Contains(err.Error(), "start states only") {
			t.Errorf("ApplySolution: %v", err)
		}
		requireNodeAsBefore(t, nodeNow(t, f, "w1"), before)
	})
}
