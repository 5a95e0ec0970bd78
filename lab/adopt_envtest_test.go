package lab_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestEnvironmentNeverDeletesWhatExistedBefore applies, in a start state, a
// Node, a StorageClass and a Namespace that existed before kubedojo touched
// them (as an author who writes `apply: Node {{NODE}}` to add a label
// would), resets twice and cleans up: each survives with its identity and
// with every field the start state changed put back; an object the start
// state made itself is deleted as before.
func TestEnvironmentNeverDeletesWhatExistedBefore(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	nodes := c.kube.CoreV1().Nodes()
	node, err := nodes.Create(ctx, &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "adopt-control-plane", Labels: map[string]string{
			"node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "adopt-control-plane", "disk": "hdd"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nodes.Delete(context.Background(), node.Name, metav1.DeleteOptions{}) })
	classes := c.kube.StorageV1().StorageClasses()
	sc, err := classes.Create(ctx, &storagev1.StorageClass{
		ObjectMeta:  metav1.ObjectMeta{Name: "adopt-standard", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "rancher.io/local-path",
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = classes.Delete(context.Background(), sc.Name, metav1.DeleteOptions{}) })
	namespaces := c.kube.CoreV1().Namespaces()
	ns, err := namespaces.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "adopt-storage", Labels: map[string]string{"team": "storage"}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = namespaces.Delete(context.Background(), ns.Name, metav1.DeleteOptions{}) })

	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{
		Vars: lessons.Vars{Node: node.Name, Lab: t.TempDir()}, StateDir: t.TempDir(), Context: "envtest",
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "sched/adopt", `
title: Takes over
tier: api
namespaces: [adopt-1]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: Node
      metadata:
        name: "{{NODE}}"
        labels: {disk: ssd, color: blue}
      ---
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: adopt-standard
        annotations: {storageclass.kubernetes.io/is-default-class: "false"}
      provisioner: rancher.io/local-path
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: adopt-storage
        labels: {team: exercise}
      ---
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: adopt-fast
      provisioner: example.com/fast
checks: [{id: c, title: c, message: m, exists: Namespace/adopt-1}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	n, err := nodes.Get(ctx, node.Name, metav1.GetOptions{})
	if err != nil || n.Labels["color"] != "blue" || n.Labels["disk"] != "ssd" {
		t.Fatalf("after setup the node has labels %v (%v)", n.Labels, err)
	}
	for i := range 2 {
		if err := env.Reset(ctx, ex); err != nil {
			t.Fatalf("Reset %d: %v", i+1, err)
		}
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	n, err = nodes.Get(ctx, node.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the node is gone after two resets and a cleanup: %v", err)
	}
	if n.UID != node.UID {
		t.Errorf("the node was deleted and made again")
	}
	if _, ok := n.Labels["node-role.kubernetes.io/control-plane"]; !ok || n.Labels["disk"] != "hdd" || n.Labels["color"] != "" || n.Labels[lab.LabelExercise] != "" || n.Labels[lab.LabelManagedBy] != "" {
		t.Errorf("node labels %v, want those it had before", n.Labels)
	}
	if len(n.Spec.Taints) == 0 || n.Spec.Taints[0].Key != "node-role.kubernetes.io/control-plane" {
		t.Errorf("node taints %v, want the control-plane taint", n.Spec.Taints)
	}
	gotSC, err := classes.Get(ctx, sc.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("StorageClass %s is gone: %v", sc.Name, err)
	}
	if gotSC.UID != sc.UID || gotSC.Annotations["storageclass.kubernetes.io/is-default-class"] != "true" || gotSC.Labels[lab.LabelExercise] != "" {
		t.Errorf("StorageClass %s is not as before: uid changed %v, annotations %v, labels %v", sc.Name, gotSC.UID != sc.UID, gotSC.Annotations, gotSC.Labels)
	}
	gotNS, err := namespaces.Get(ctx, ns.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("namespace %s is gone: %v", ns.Name, err)
	}
	if gotNS.UID != ns.UID || gotNS.DeletionTimestamp != nil || gotNS.Labels["team"] != "storage" || gotNS.Labels[lab.LabelExercise] != "" {
		t.Errorf("namespace %s is not as before: labels %v, terminating %v", ns.Name, gotNS.Labels, gotNS.DeletionTimestamp != nil)
	}
	if _, err := classes.Get(ctx, "adopt-fast", metav1.GetOptions{}); err == nil {
		t.Errorf("StorageClass adopt-fast, which the start state made, was not deleted")
	}
}
