package lab_test

import (
	"context"
	"errors"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestTwoInstancesOnOneForeignClusterKeepEachOthersWork: two learners
// (two state directories) on one cluster kubedojo did not create. The
// second cannot take over the first one's exercise namespace, and its
// cleanup and reset delete nothing of the first one's; the first one's
// cleanup still removes all of its own.
func TestTwoInstancesOnOneForeignClusterKeepEachOthersWork(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	newEnv := func() *lab.Environment {
		env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{
			Vars: lessons.Vars{Node: "n", Lab: t.TempDir()}, StateDir: t.TempDir(), Context: "shared", Foreign: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	ana, ben := newEnv(), newEnv()
	ex := decodeExercise(t, "rbac/instances", `
title: Two learners
tier: api
namespaces: [inst-1]
task: t
setup:
  - apply: |
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: inst-reader}
      rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: work}
      data: {by: ana}
checks: [{id: c, title: c, message: m, exists: ConfigMap/work}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := ana.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup by the first instance: %v", err)
	}
	t.Cleanup(func() { _ = ana.Cleanup(context.Background(), ex) })
	ns, err := c.kube.CoreV1().Namespaces().Get(ctx, "inst-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ns.Labels[lab.LabelInstance] == "" {
		t.Errorf("namespace inst-1 has no %s label: %v", lab.LabelInstance, ns.Labels)
	}
	if err := ben.Setup(ctx, ex); !errors.Is(err, lab.ErrForeignObject) {
		t.Errorf("Setup by the second instance = %v, want ErrForeignObject (the namespace is the first one's)", err)
	}
	if err := ben.Reset(ctx, ex); err == nil {
		t.Errorf("Reset by the second instance succeeded")
	}
	if err := ben.Cleanup(ctx, ex); err != nil && !errors.Is(err, lab.ErrKept) {
		t.Errorf("Cleanup by the second instance: %v", err)
	}
	cm, err := c.kube.CoreV1().ConfigMaps("inst-1").Get(ctx, "work", metav1.GetOptions{})
	if err != nil || cm.Data["by"] != "ana" {
		t.Fatalf("the first instance's ConfigMap after the second one's reset and cleanup: %v %v", cm.Data, err)
	}
	if _, err := c.kube.RbacV1().ClusterRoles().Get(ctx, "inst-reader", metav1.GetOptions{}); err != nil {
		t.Fatalf("the first instance's ClusterRole after the second one's cleanup: %v", err)
	}
	if err := ana.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup by the first instance: %v", err)
	}
	if _, err := c.kube.RbacV1().ClusterRoles().Get(ctx, "inst-reader", metav1.GetOptions{}); err == nil {
		t.Errorf("the first instance's cleanup left its ClusterRole")
	}
	if _, err := c.kube.CoreV1().Namespaces().Get(ctx, "inst-1", metav1.GetOptions{}); err == nil {
		t.Errorf("the first instance's cleanup left its namespace")
	}
}
