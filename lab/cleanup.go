package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"

	"github.com/kubedojo/kubedojo/lessons"
)

// namespaceGoneWait bounds the wait for a namespace to disappear.
const namespaceGoneWait = 2 * time.Minute

// controllerFinalizeWait is how long a terminating namespace is left to a
// running namespace controller to finalize before kubedojo finalizes it
// itself (the controller may be stuck, or broken by an exercise).
const controllerFinalizeWait = 45 * time.Second

// Cleanup removes an exercise from the cluster: it runs the exercise's
// cleanup steps (delete, restore, node, nodeLabel, nodeTaint, kubeconfig
// restore), deletes the learner's cluster-scoped work for the exercise
// (clusterwork.go: never what existed before setup), every cluster-scoped
// object labelled with the exercise and the exercise's namespaces, and
// forgets the baseline. A deleted namespace is emptied, not waited for
// while the cluster's namespace controller finalizes it (deleteNamespace):
// the setup that creates it again waits. On the own lab that includes namespaces the learner
// created; on a foreign cluster namespaces and objects without kubedojo's
// labels stay, reported in a *KeptError (errors.Is(err, ErrKept)).
func (e *Environment) Cleanup(ctx context.Context, ex *lessons.Exercise) error {
	return environmentError(e.cleanup(ctx, ex))
}

func (e *Environment) cleanup(ctx context.Context, ex *lessons.Exercise) error {
	vars, err := e.Vars(ctx)
	if err != nil {
		return fmt.Errorf("clean up %s: %w", ex.ID, err)
	}
	raw := ex.Cleanup
	ex = ex.Expand(vars)
	b, err := e.loadBaseline(ex)
	if err != nil && !errors.Is(err, ErrNotSetUp) {
		return fmt.Errorf("clean up %s: %w", ex.ID, err)
	}
	kept := &KeptError{Exercise: ex.ID}
	// A failed step does not stop the others: the more of the exercise is
	// gone, the better the next setup works.
	var stepErrs []error
	for i, c := range ex.Cleanup {
		var err error
		if unresolvedNode(raw[i].OnNode, vars) {
			// Never on {{NODE}} instead of the missing worker.
			err = fmt.Errorf("%w: it runs on %s, and the cluster has no such node (no worker)", ErrNoNodeAccess, raw[i].OnNode)
		} else {
			err = e.cleanupStep(ctx, ex, vars, b, c, kept)
		}
		if err != nil {
			stepErrs = append(stepErrs, &StepError{Exercise: ex.ID, File: ex.File, Line: c.Line(), Phase: "cleanup", Index: i + 1, Action: c.Action(), Err: err})
		}
	}
	// After the steps, so that a nodeTaint cleanup of a key the node had
	// before the start state does not have the last word.
	if err := e.restoreNodes(ctx, b); err != nil {
		stepErrs = append(stepErrs, fmt.Errorf("clean up %s: %w", ex.ID, err))
	}
	// Objects that existed before get their fields back and are never
	// deleted below, even when putting them back failed.
	if err := e.restoreAdopted(ctx, b); err != nil {
		stepErrs = append(stepErrs, fmt.Errorf("clean up %s: %w", ex.ID, err))
	}
	adopted := adoptedUIDs(b)
	work, err := e.learnerClusterWork(ctx, ex, b, kept)
	if err == nil {
		err = e.deleteClusterWork(ctx, work)
	}
	if err != nil {
		return errors.Join(append(stepErrs, fmt.Errorf("clean up %s: %w", ex.ID, environmentError(err)))...)
	}
	if e.opts.Provided != nil {
		return e.cleanupProvided(ctx, ex, stepErrs)
	}
	namespaces, keptNamespaces, err := e.namespacesToDelete(ctx, ex, adopted, kept)
	if err != nil {
		return errors.Join(append(stepErrs, fmt.Errorf("clean up %s: %w", ex.ID, err))...)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(namespaces)+len(keptNamespaces)+1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs[0] = e.deleteLabelled(ctx, ex, adopted)
	}()
	for i, ns := range namespaces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i+1] = e.deleteNamespace(ctx, ns)
		}()
	}
	for i, ns := range keptNamespaces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[len(namespaces)+i+1] = e.deleteLabelledIn(ctx, ex, ns, adopted)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		stepErrs = append(stepErrs, fmt.Errorf("clean up %s: %w", ex.ID, err))
	}
	if len(stepErrs) > 0 {
		return errors.Join(stepErrs...)
	}
	if err := e.removeBaseline(ex); err != nil {
		return err
	}
	if len(kept.Items) > 0 {
		return kept
	}
	return nil
}

// Reset puts an exercise back to its start state: Cleanup, then Setup. A
// *KeptError from the cleanup (foreign clusters) is returned after a
// successful setup.
func (e *Environment) Reset(ctx context.Context, ex *lessons.Exercise) error {
	var kept *KeptError
	if err := e.Cleanup(ctx, ex); err != nil && !errors.As(err, &kept) {
		return err
	}
	if err := e.Setup(ctx, ex); err != nil {
		return err
	}
	if kept != nil {
		return kept
	}
	return nil
}

// cleanupStep runs one cleanup step. On a foreign cluster steps that would
// change what kubedojo does not own are listed in kept instead.
func (e *Environment) cleanupStep(ctx context.Context, ex *lessons.Exercise, vars lessons.Vars, b *Baseline, c lessons.CleanupStep, kept *KeptError) error {
	switch {
	case c.Delete != nil:
		ref := *c.Delete
		err := e.deleteRef(ctx, ex, ref)
		if errors.Is(err, ErrForeignObject) {
			kept.Items = append(kept.Items, fmt.Sprintf("%s (not labelled by kubedojo)", ref))
			return nil
		}
		return err
	case c.Restore != nil:
		ref := *c.Restore
		if e.opts.Foreign {
			kept.Items = append(kept.Items, fmt.Sprintf("%s (not restored: kubedojo does not change it in a cluster it did not create)", ref))
			return nil
		}
		if b == nil || b.Snapshots[ObjectKey(ref, ex.DefaultNamespace())] == nil {
			return nil // never snapshotted: the exercise was not set up
		}
		return e.restore(ctx, b.Snapshots[ObjectKey(ref, ex.DefaultNamespace())])
	case c.Node != "":
		if e.opts.Node == nil {
			kept.Items = append(kept.Items, fmt.Sprintf("node command %q (no node access)", c.Node))
			return nil
		}
		return e.nodeScript(ctx, vars, c.OnNode, c.Node)
	case c.NodeLabel != nil, c.NodeTaint != nil:
		keys := c.NodeLabel
		if keys == nil {
			keys = c.NodeTaint
		}
		node := keys.Node
		if e.opts.Foreign {
			kept.Items = append(kept.Items, fmt.Sprintf("node %s %v (kubedojo does not change nodes of a cluster it did not create)", node, keys.Keys))
			return nil
		}
		if c.NodeLabel != nil {
			return e.removeNodeLabels(ctx, node, keys.Keys)
		}
		return e.removeNodeTaints(ctx, node, keys.Keys)
	case c.Kubeconfig == "restore":
		path, err := e.kubeconfigFor(ex)
		if err != nil || path == "" {
			return err
		}
		target := e.opts.Context
		if b != nil && b.KubeContext != "" {
			target = b.KubeContext
		}
		return setCurrentContext(path, target)
	}
	return nil
}

// restore puts a snapshot back: the object is replaced as a whole (server-
// side apply would keep fields the learner added), or recreated if it was
// deleted.
func (e *Environment) restore(ctx context.Context, snapshot json.RawMessage) error {
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(snapshot); err != nil {
		return fmt.Errorf("read snapshot: %w", err)
	}
	m, err := e.mapping(ctx, obj.GroupVersionKind())
	if err != nil {
		return err
	}
	ri := e.resource(m, obj.GetNamespace())
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = ri.Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
			return err
		}
		if err != nil {
			return err
		}
		next := obj.DeepCopy()
		next.SetResourceVersion(cur.GetResourceVersion())
		_, err = ri.Update(ctx, next, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
}

func (e *Environment) removeNodeLabels(ctx context.Context, node string, keys []string) error {
	labels := map[string]any{}
	for _, k := range keys {
		labels[k] = nil
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
	_, err := e.kube.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (e *Environment) removeNodeTaints(ctx context.Context, node string, keys []string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := e.kube.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		taints := slices.DeleteFunc(slices.Clone(n.Spec.Taints), func(t corev1.Taint) bool { return slices.Contains(keys, t.Key) })
		if len(taints) == len(n.Spec.Taints) {
			return nil
		}
		n.Spec.Taints = taints
		_, err = e.kube.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
}

// namespacesToDelete lists the exercise's namespaces that exist, plus any
// namespace labelled with the exercise (left by an older version of it).
// On a foreign cluster unlabelled ones go to kept instead. Exercise
// namespaces that existed before the exercise (adopted) are kept: of
// them only the start state's objects go (the second list).
func (e *Environment) namespacesToDelete(ctx context.Context, ex *lessons.Exercise, adopted map[types.UID]bool, kept *KeptError) (del, emptied []string, err error) {
	set := map[string]bool{}
	for _, ns := range ex.Namespaces {
		cur, err := e.namespaces().Get(ctx, ns.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, nil, apiError(fmt.Sprintf("namespace %s", ns.Name), err)
		}
		if adopted[cur.GetUID()] {
			emptied = append(emptied, ns.Name)
			continue
		}
		if e.opts.Foreign && !e.owns(cur, ex) {
			kept.Items = append(kept.Items, fmt.Sprintf("namespace %s (not labelled by this kubedojo%s)", ns.Name, e.ownerNote(cur, ex)))
			continue
		}
		set[ns.Name] = true
	}
	list, err := e.namespaces().List(ctx, metav1.ListOptions{LabelSelector: e.exerciseSelector(ex)})
	if err != nil {
		return nil, nil, apiError("list namespaces", err)
	}
	for _, ns := range list.Items {
		if !adopted[ns.GetUID()] {
			set[ns.GetName()] = true
		}
	}
	del = make([]string, 0, len(set))
	for ns := range set {
		del = append(del, ns)
	}
	sort.Strings(del)
	return del, emptied, nil
}

// deleteLabelled deletes the cluster-scoped objects labelled with the
// exercise (namespaces are deleted separately and waited for), except
// adopted ones.
func (e *Environment) deleteLabelled(ctx context.Context, ex *lessons.Exercise, adopted map[types.UID]bool) error {
	return e.deleteLabelledIn(ctx, ex, "", adopted)
}

// deleteLabelledIn deletes the objects labelled with the exercise in
// namespace ns, or the cluster-scoped ones but namespaces when ns is "",
// except adopted ones.
func (e *Environment) deleteLabelledIn(ctx context.Context, ex *lessons.Exercise, ns string, adopted map[types.UID]bool) error {
	gvrs, err := e.resources(ns != "")
	if err != nil {
		return err
	}
	selector := e.exerciseSelector(ex)
	return forEach(gvrs, func(gvr schema.GroupVersionResource) error {
		if gvr.GroupResource() == namespaceGVR.GroupResource() {
			return nil
		}
		var ri dynamic.ResourceInterface = e.dyn.Resource(gvr)
		if ns != "" {
			ri = e.dyn.Resource(gvr).Namespace(ns)
		}
		list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) || apierrors.IsForbidden(err) {
				return nil
			}
			return fmt.Errorf("list %s: %w", gvr.Resource, err)
		}
		for _, o := range list.Items {
			if adopted[o.GetUID()] {
				continue
			}
			if err := ri.Delete(ctx, o.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("delete %s %s: %w", o.GetKind(), o.GetName(), err)
			}
		}
		return nil
	})
}

// deleteNamespace deletes a namespace and empties it. While the cluster's
// namespace controller runs, the namespace is then left to it: the
// controller waits 5 s after a deletion before its first pass
// (kube-controller-manager's namespaceDeletionGracePeriod), and nothing
// needs the namespace gone but the next setup of it, which waits
// (ensureNamespaces). Without a controller, or when it has not finalized the
// namespace in controllerFinalizeWait, kubedojo finalizes it and waits until
// it is gone (waitNamespaceGone).
func (e *Environment) deleteNamespace(ctx context.Context, ns string) error {
	// Background, not foreground: the namespace controller, not the garbage
	// collector, removes a namespace's objects, and a foregroundDeletion
	// finalizer would only add the collector's delay.
	policy := metav1.DeletePropagationBackground
	err := e.namespaces().Delete(ctx, ns, metav1.DeleteOptions{PropagationPolicy: &policy})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	cur, err := e.namespaces().Get(ctx, ns, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return apiError(fmt.Sprintf("namespace %s", ns), err)
	}
	if e.finalizesItself(ctx, cur) {
		return e.waitNamespaceGone(ctx, ns)
	}
	return e.purgeNamespace(ctx, cur, false)
}

// finalizesItself says whether kubedojo finalizes a terminating namespace
// itself: when no namespace controller runs, or it has left the namespace
// unfinalized for controllerFinalizeWait (stuck, or broken by an exercise).
func (e *Environment) finalizesItself(ctx context.Context, ns *unstructured.Unstructured) bool {
	deleted := ns.GetDeletionTimestamp()
	if deleted != nil && e.now().Sub(deleted.Time) > controllerFinalizeWait {
		return true
	}
	return e.leaseHeld(ctx, "kube-controller-manager") != ""
}

// waitNamespaceGone waits until a terminating namespace has disappeared,
// helping the namespace controller meanwhile: the controller queues it and
// took 5-7 s for an empty namespace on kind, and an object held by a
// finalizer (a start state may hold one on purpose) would keep the
// namespace forever. The last step, finalizing the emptied namespace, is
// the controller's while it runs: it deletes a namespace's content by the
// namespace's name, so a pass still under way when the namespace is gone
// early deletes what a setup creates in the namespace made again. Without
// a controller (envtest, or one an exercise broke), or when it has not
// finalized it after controllerFinalizeWait, kubedojo finalizes it.
func (e *Environment) waitNamespaceGone(ctx context.Context, ns string) error {
	start := e.now()
	controller := e.leaseHeld(ctx, "kube-controller-manager") == ""
	for {
		cur, err := e.namespaces().Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return apiError(fmt.Sprintf("namespace %s", ns), err)
		}
		if deleted := cur.GetDeletionTimestamp(); deleted != nil {
			finalize := !controller || e.now().Sub(deleted.Time) > controllerFinalizeWait
			if err := e.purgeNamespace(ctx, cur, finalize); err != nil {
				return err
			}
		}
		if e.now().Sub(start) > namespaceGoneWait {
			return fmt.Errorf("namespace %s is still terminating after %s: %s", ns, namespaceGoneWait, namespaceBlockers(cur))
		}
		if err := sleep(ctx, e.poll); err != nil {
			return err
		}
	}
}

// namespaceBlockers reads why a namespace is still terminating from its
// status conditions.
func namespaceBlockers(ns *unstructured.Unstructured) string {
	conds, _, _ := unstructured.NestedSlice(ns.Object, "status", "conditions")
	for _, c := range conds {
		cm, _ := c.(map[string]any)
		if msg, _ := cm["message"].(string); cm["status"] == "True" && msg != "" {
			return msg
		}
	}
	return "no reason given"
}

// purgeNamespace empties a terminating namespace (no object can be created
// in it any more): it deletes the objects of every type, pods without grace
// period, releases the finalizers that still hold any, and, with finalize,
// finalizes the namespace once a fresh listing finds it empty.
func (e *Environment) purgeNamespace(ctx context.Context, ns *unstructured.Unstructured, finalize bool) error {
	gvrs, err := e.resources(true)
	if err != nil {
		return err
	}
	name := ns.GetName()
	var mu sync.Mutex
	remaining := 0
	err = forEach(gvrs, func(gvr schema.GroupVersionResource) error {
		ri := e.dyn.Resource(gvr).Namespace(name)
		list, err := ri.List(ctx, metav1.ListOptions{})
		if err != nil {
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) {
				return nil
			}
			return fmt.Errorf("list %s in namespace %s: %w", gvr.Resource, name, err)
		}
		zero := int64(0)
		for _, o := range list.Items {
			if o.GetDeletionTimestamp() == nil {
				err := ri.Delete(ctx, o.GetName(), metav1.DeleteOptions{GracePeriodSeconds: &zero})
				if err != nil && !apierrors.IsNotFound(err) {
					return fmt.Errorf("delete %s %s in namespace %s: %w", o.GetKind(), o.GetName(), name, err)
				}
			}
			if len(o.GetFinalizers()) > 0 {
				patch := []byte(`{"metadata":{"finalizers":null}}`)
				_, err := ri.Patch(ctx, o.GetName(), types.MergePatchType, patch, metav1.PatchOptions{})
				if err != nil && !apierrors.IsNotFound(err) {
					return fmt.Errorf("release %s %s in namespace %s: %w", o.GetKind(), o.GetName(), name, err)
				}
			}
		}
		if len(list.Items) > 0 {
			mu.Lock()
			remaining += len(list.Items)
			mu.Unlock()
		}
		return nil
	})
	if err != nil || remaining > 0 || !finalize {
		// Deleted now; the next round's listing confirms it.
		return err
	}
	unstructured.RemoveNestedField(ns.Object, "spec", "finalizers")
	if _, err := e.namespaces().Update(ctx, ns, metav1.UpdateOptions{}, "finalize"); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("finalize namespace %s: %w", name, err)
	}
	return nil
}

// resources lists the resource types the server can list and delete,
// namespaced or cluster-scoped.
func (e *Environment) resources(inNamespaces bool) ([]schema.GroupVersionResource, error) {
	lists, err := e.disc.ServerPreferredResources()
	if err != nil && len(lists) == 0 {
		return nil, apiError("discover resource types", err)
	}
	var out []schema.GroupVersionResource
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			if r.Namespaced != inNamespaces || !slices.Contains(r.Verbs, "list") || !slices.Contains(r.Verbs, "delete") {
				continue
			}
			out = append(out, gv.WithResource(r.Name))
		}
	}
	return out, nil
}

// forEach runs f for every item, a few at a time, and joins the errors.
func forEach[T any](items []T, f func(T) error) error {
	sem := make(chan struct{}, 8)
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(it)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
