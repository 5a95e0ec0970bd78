package lab_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestExerciseNamespacesEnforcePodSecurity: the API server (envtest runs
// the PodSecurity admission plugin, as every cluster does) rejects a pod
// with the node's root filesystem in an ordinary exercise's namespace,
// and admits it in the namespace of an exercise that declares privileged.
func TestExerciseNamespacesEnforcePodSecurity(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{Vars: lessons.Vars{Node: "n", Lab: t.TempDir()}, StateDir: t.TempDir(), Context: "envtest"})
	if err != nil {
		t.Fatal(err)
	}
	rootPod := func(ns string) error {
		_, err := c.kube.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "root"},
			Spec: corev1.PodSpec{
				Volumes:    []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
				Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36", SecurityContext: &corev1.SecurityContext{Privileged: new(true)}}},
			},
		}, metav1.CreateOptions{})
		return err
	}
	ordinary := decodeExercise(t, "security/ordinary", `
title: Ordinary
tier: api
namespaces: [psa-ordinary]
task: t
checks: [{id: c, title: c, message: m, exists: Namespace/psa-ordinary}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	declared := decodeExercise(t, "security/declared", `
title: Declared
tier: api
namespaces: [psa-declared]
podSecurity: {level: privileged, reason: the task mounts the node's filesystem}
task: t
checks: [{id: c, title: c, message: m, exists: Namespace/psa-declared}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	for _, ex := range []*lessons.Exercise{ordinary, declared} {
		if err := env.Setup(ctx, ex); err != nil {
			t.Fatalf("Setup %s: %v", ex.ID, err)
		}
		t.Cleanup(func() { _ = env.Cleanup(context.Background(), ex) })
		// envtest runs no controller that would make it.
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
		if _, err := c.kube.CoreV1().ServiceAccounts(ex.DefaultNamespace()).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	err = rootPod("psa-ordinary")
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `violates PodSecurity "baseline:latest"`) {
		t.Errorf("a privileged hostPath pod in an ordinary exercise's namespace: %v, want Forbidden by Pod Security", err)
	}
	if err := rootPod("psa-declared"); err != nil {
		t.Errorf("the same pod in the namespace of an exercise that declares privileged: %v", err)
	}
	ns, err := c.kube.CoreV1().Namespaces().Get(ctx, "psa-ordinary", metav1.GetOptions{})
	if err != nil || ns.Labels[lessons.PodSecurityLabel] != "baseline" {
		t.Errorf("namespace psa-ordinary labels %v (%v)", ns.Labels, err)
	}
}
