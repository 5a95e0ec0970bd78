package lab_test

import (
	"context"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
)

const clusterWorkExercise = `
title: Cluster-wide work
tier: api
namespaces: [cw-1]
task: t
checks:
  - id: role
    title: t
    message: m
    exists: ClusterRole/cw-reader
  - id: binding
    title: t
    message: m
    field: {object: ClusterRoleBinding/cw-bind, path: .roleRef.name, equals: cw-reader}
  - id: kept
    title: t
    message: m
    exists: ClusterRole/cw-before
  - id: none
    title: t
    message: m
    field: {object: {kind: ClusterRoleBinding}, path: '.subjects[*].name', excludes: [jane]}
hints: [a, b]
solution: {steps: [{run: "true"}]}
`

// TestResetRemovesTheLearnersClusterScopedWork: cluster-scoped objects the
// learner made for the exercise (those its checks name, and
// ClusterRoleBindings for its namespaces only) go on reset; nothing that
// existed before the exercise was set up does.
func TestResetRemovesTheLearnersClusterScopedWork(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: t.TempDir(), Context: "envtest-cw"})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "rbac/cluster-work", clusterWorkExercise)
	rbac := c.kube.RbacV1()
	role := func(name string) *rbacv1.ClusterRole {
		return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}}
	}
	binding := func(name string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
		return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cw-reader"},
			Subjects: subjects}
	}
	sa := func(ns, name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: "ServiceAccount", Namespace: ns, Name: name}
	}
	user := func(name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: name}
	}
	t.Cleanup(func() {
		for _, n := range []string{"cw-reader", "cw-before"} {
			_ = rbac.ClusterRoles().Delete(ctx, n, metav1.DeleteOptions{})
		}
		for _, n := range []string{"cw-bind", "cw-sa-before", "cw-sa-admin", "cw-mixed", "cw-elsewhere", "cw-jane"} {
			_ = rbac.ClusterRoleBindings().Delete(ctx, n, metav1.DeleteOptions{})
		}
	})

	// Before the exercise: a role its checks name and a binding for its
	// namespace, both someone else's.
	if _, err := rbac.ClusterRoles().Create(ctx, role("cw-before"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, binding("cw-sa-before", sa("cw-1", "default")), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}

	// The learner's work.
	if _, err := rbac.ClusterRoles().Create(ctx, role("cw-reader"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, b := range []*rbacv1.ClusterRoleBinding{
		binding("cw-bind", user("jane")),
		binding("cw-sa-admin", sa("cw-1", "default"), sa("cw-1", "ci")),
		binding("cw-mixed", sa("cw-1", "default"), user("bob")),
		binding("cw-elsewhere", sa("kube-system", "default")),
		binding("cw-jane", user("jane")),
	} {
		if _, err := rbac.ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	if err := env.Reset(ctx, ex); err != nil {
		t.Fatal(err)
	}
	gone := func(what string, err error) {
		if !apierrors.IsNotFound(err) {
			t.Errorf("%s survived the reset (%v)", what, err)
		}
	}
	kept := func(what string, err error) {
		if err != nil {
			t.Errorf("%s was removed by the reset: %v", what, err)
		}
	}
	_, err = rbac.ClusterRoles().Get(ctx, "cw-reader", metav1.GetOptions{})
	gone("ClusterRole cw-reader (named by a check, made after setup)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "cw-bind", metav1.GetOptions{})
	gone("ClusterRoleBinding cw-bind (named by a check, made after setup)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "cw-sa-admin", metav1.GetOptions{})
	gone("ClusterRoleBinding cw-sa-admin (subjects only in cw-1, made after setup)", err)
	_, err = rbac.ClusterRoles().Get(ctx, "cw-before", metav1.GetOptions{})
	kept("ClusterRole cw-before (existed before setup)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "cw-sa-before", metav1.GetOptions{})
	kept("ClusterRoleBinding cw-sa-before (existed before setup)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "cw-mixed", metav1.GetOptions{})
	kept("ClusterRoleBinding cw-mixed (also binds a user)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "cw-elsewhere", metav1.GetOptions{})
	kept("ClusterRoleBinding cw-elsewhere (another namespace)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "cw-jane", metav1.GetOptions{})
	kept("ClusterRoleBinding cw-jane (not named, binds a user)", err)
	_, err = rbac.ClusterRoleBindings().Get(ctx, "system:basic-user", metav1.GetOptions{})
	kept("ClusterRoleBinding system:basic-user", err)

	// The reset set the exercise up again: work made in this attempt goes
	// with the next cleanup.
	if _, err := rbac.ClusterRoles().Create(ctx, role("cw-reader"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	_, err = rbac.ClusterRoles().Get(ctx, "cw-reader", metav1.GetOptions{})
	gone("ClusterRole cw-reader (made in the attempt the cleanup ended)", err)

	// Without a baseline (cleaned up already, or never set up) nothing
	// tells the learner's objects from anyone else's: none is removed.
	if _, err := rbac.ClusterRoles().Create(ctx, role("cw-reader"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	_, err = rbac.ClusterRoles().Get(ctx, "cw-reader", metav1.GetOptions{})
	kept("ClusterRole cw-reader (no attempt recorded)", err)
}
