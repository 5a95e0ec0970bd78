package lab

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedojo/kubedojo/lessons"
)

// What a learner makes outside the exercise's namespaces is not deleted
// with them, and often carries no label that says whose it is. Cleanup
// removes such cluster-scoped objects when they are certainly the
// learner's work for this exercise, and never one that existed before the
// exercise was set up:
//
//   - an object the exercise's checks name (ClusterRole/x, a CSR, a PV)
//     that did not exist at setup: the task asked the learner to make it;
//   - a ClusterRoleBinding made since setup whose subjects are all
//     ServiceAccounts of the exercise's namespaces: it can serve nothing
//     else, and those namespaces are deleted with it.
//
// Setup records what existed (ClusterBefore); without that record (an
// exercise never set up, or set up by an older kubedojo) nothing is
// removed.

var clusterRoleBindingGVR = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}

// ClusterBefore is what existed outside the exercise's namespaces before
// Setup, so that Cleanup can tell the learner's cluster-scoped work from
// everything else.
type ClusterBefore struct {
	// Named lists, by ObjectKey, the cluster-scoped objects named by the
	// exercise's checks that existed.
	Named []string `json:"named"`
	// Bindings lists the ClusterRoleBindings that existed.
	Bindings []string `json:"bindings"`
}

// namedClusterObject is a cluster-scoped object that the checks name.
type namedClusterObject struct {
	key string
	gvr schema.GroupVersionResource
	ref lessons.ObjectRef
}

// namedClusterObjects returns the cluster-scoped objects the exercise's
// checks name one by one (nested checks too), besides namespaces and
// nodes, which are never the learner's to lose. A kind the cluster does
// not serve (yet) is left out.
func (e *Environment) namedClusterObjects(ex *lessons.Exercise) []namedClusterObject {
	var out []namedClusterObject
	for _, ref := range lessons.CheckRefs(ex.Checks) {
		if ref.Name == "" || ref.Selector != "" || ref.Kind == "Namespace" || ref.Kind == "Node" {
			continue
		}
		gvk, ok := ref.ResolveGVK()
		if !ok {
			continue
		}
		var versions []string
		if ref.APIVersion != "" {
			versions = []string{gvk.Version}
		}
		m, err := e.mapper.RESTMapping(gvk.GroupKind(), versions...)
		if err != nil || m.Scope.Name() != meta.RESTScopeNameRoot {
			continue
		}
		key := ObjectKey(ref, "")
		if !slices.ContainsFunc(out, func(o namedClusterObject) bool { return o.key == key }) {
			out = append(out, namedClusterObject{key: key, gvr: m.Resource, ref: ref})
		}
	}
	return out
}

// recordClusterBefore records what existed outside the namespaces before
// the setup steps. A record of an earlier setup that was never cleaned up
// is kept: what the learner made since is theirs, not "before".
func (e *Environment) recordClusterBefore(ctx context.Context, ex *lessons.Exercise, prev, b *Baseline) error {
	if prev != nil && prev.Cluster != nil {
		b.Cluster = prev.Cluster
		return nil
	}
	before := &ClusterBefore{Named: []string{}, Bindings: []string{}}
	for _, o := range e.namedClusterObjects(ex) {
		_, err := e.dyn.Resource(o.gvr).Get(ctx, o.ref.Name, metav1.GetOptions{})
		switch {
		case err == nil:
			before.Named = append(before.Named, o.key)
		case !apierrors.IsNotFound(err):
			return fmt.Errorf("look for %s before setup: %w", o.ref, err)
		}
	}
	list, err := e.dyn.Resource(clusterRoleBindingGVR).List(ctx, metav1.ListOptions{})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
		return fmt.Errorf("list ClusterRoleBindings before setup: %w", err)
	}
	if list != nil {
		for _, o := range list.Items {
			before.Bindings = append(before.Bindings, o.GetName())
		}
	}
	b.Cluster = before
	return nil
}

// clusterWork is one object Cleanup removes as the learner's work.
type clusterWork struct {
	gvr  schema.GroupVersionResource
	obj  *unstructured.Unstructured
	what string
}

// learnerClusterWork finds the learner's cluster-scoped work for the
// exercise (the rule above). On a foreign cluster objects without
// kubedojo's label for the exercise go to kept instead.
func (e *Environment) learnerClusterWork(ctx context.Context, ex *lessons.Exercise, b *Baseline, kept *KeptError) ([]clusterWork, error) {
	if b == nil || b.Cluster == nil {
		return nil, nil
	}
	var out []clusterWork
	add := func(w clusterWork) {
		if e.opts.Foreign && !e.owns(w.obj, ex) {
			kept.Items = append(kept.Items, fmt.Sprintf("%s (made during the exercise, but not labelled by kubedojo)", w.what))
			return
		}
		out = append(out, w)
	}
	for _, o := range e.namedClusterObjects(ex) {
		if slices.Contains(b.Cluster.Named, o.key) {
			continue
		}
		obj, err := e.dyn.Resource(o.gvr).Get(ctx, o.ref.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look for %s: %w", o.ref, err)
		}
		add(clusterWork{gvr: o.gvr, obj: obj, what: o.ref.String()})
	}
	list, err := e.dyn.Resource(clusterRoleBindingGVR).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list ClusterRoleBindings: %w", err)
	}
	for i := range list.Items {
		crb := &list.Items[i]
		if slices.Contains(b.Cluster.Bindings, crb.GetName()) || !bindsOnlyServiceAccountsIn(crb, ex) {
			continue
		}
		if slices.ContainsFunc(out, func(w clusterWork) bool { return w.gvr == clusterRoleBindingGVR && w.obj.GetName() == crb.GetName() }) {
			continue
		}
		add(clusterWork{gvr: clusterRoleBindingGVR, obj: crb, what: "ClusterRoleBinding/" + crb.GetName()})
	}
	return out, nil
}

// bindsOnlyServiceAccountsIn reports whether a ClusterRoleBinding has
// subjects and all of them are ServiceAccounts of the exercise's
// namespaces.
func bindsOnlyServiceAccountsIn(crb *unstructured.Unstructured, ex *lessons.Exercise) bool {
	subjects, _, _ := unstructured.NestedSlice(crb.Object, "subjects")
	if len(subjects) == 0 {
		return false
	}
	for _, s := range subjects {
		m, _ := s.(map[string]any)
		kind, _ := m["kind"].(string)
		ns, _ := m["namespace"].(string)
		if kind != "ServiceAccount" || !slices.ContainsFunc(ex.Namespaces, func(n lessons.Namespace) bool { return n.Name == ns }) {
			return false
		}
	}
	return true
}

// deleteClusterWork deletes the learner's cluster-scoped work.
func (e *Environment) deleteClusterWork(ctx context.Context, work []clusterWork) error {
	for _, w := range work {
		uid := w.obj.GetUID()
		// The precondition spares an object deleted and made again by
		// someone else since it was looked at.
		err := e.dyn.Resource(w.gvr).Delete(ctx, w.obj.GetName(), metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete %s: %w", w.what, err)
		}
	}
	return nil
}
