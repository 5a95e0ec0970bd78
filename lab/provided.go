package lab

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedojo/kubedojo/lessons"
)

// requireProvided checks that the exercise's provided namespaces exist
// (setup never makes them): a missing one, or one the credentials may
// not read, is an environment error that says what to do.
func (e *Environment) requireProvided(ctx context.Context, ex *lessons.Exercise) error {
	for _, ns := range ex.Namespaces {
		cur, err := e.namespaces().Get(ctx, ns.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err) || err == nil && cur.GetDeletionTimestamp() != nil:
			return fmt.Errorf("namespace %s does not exist; %s", ns.Name, e.opts.Provided.Missing)
		case apierrors.IsForbidden(err):
			return fmt.Errorf("your credentials may not read namespace %s (%v); %s", ns.Name, apierrors.ReasonForError(err), e.opts.Provided.Missing)
		case err != nil:
			return apiError(fmt.Sprintf("namespace %s", ns.Name), err)
		}
	}
	return nil
}

// madeInEveryNamespace are the objects the cluster's controllers make in
// each namespace, which a reset of a provided namespace leaves alone.
var madeInEveryNamespace = map[schema.GroupResource]string{
	{Resource: "serviceaccounts"}: "default",
	{Resource: "configmaps"}:      "kube-root-ca.crt",
}

// emptyProvided deletes every object in a provided namespace — the start
// state's and the learner's — except those labelled KeepLabel and those
// the cluster makes in every namespace. Kinds the credentials may not
// list are not the learner's to reset and are skipped.
func (e *Environment) emptyProvided(ctx context.Context, ns string) error {
	gvrs, err := e.resources(true)
	if err != nil {
		return err
	}
	selector := "!" + e.opts.Provided.KeepLabel
	var mu sync.Mutex
	var deleted []deletedObject
	err = forEach(gvrs, func(gvr schema.GroupVersionResource) error {
		switch gvr.Resource {
		case "events", "endpoints", "endpointslices":
			return nil // records of the cluster, not work: they follow what they describe
		}
		ri := e.dyn.Resource(gvr).Namespace(ns)
		list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			if apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) || apierrors.IsForbidden(err) {
				return nil
			}
			return apiError("list "+gvr.Resource+" in "+ns, err)
		}
		for _, o := range list.Items {
			if madeInEveryNamespace[gvr.GroupResource()] == o.GetName() || len(o.GetOwnerReferences()) > 0 {
				continue // the garbage collector deletes what an owner made
			}
			if err := ri.Delete(ctx, o.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return apiError(fmt.Sprintf("delete %s %s/%s", o.GetKind(), ns, o.GetName()), err)
			}
			mu.Lock()
			deleted = append(deleted, deletedObject{gvr: gvr, ns: ns, name: o.GetName(), uid: o.GetUID()})
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return e.waitDeleted(ctx, deleted)
}

type deletedObject struct {
	gvr      schema.GroupVersionResource
	ns, name string
	uid      types.UID
}

// waitDeleted waits (bounded) until deleted objects are gone, as a
// reset on a lab waits for its namespaces: a pod still terminating would
// otherwise be graded, or collide with the start state set up next.
func (e *Environment) waitDeleted(ctx context.Context, objs []deletedObject) error {
	deadline := e.now().Add(namespaceGoneWait)
	for _, o := range objs {
		for {
			cur, err := e.dyn.Resource(o.gvr).Namespace(o.ns).Get(ctx, o.name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) || err == nil && cur.GetUID() != o.uid {
				break
			}
			if err != nil {
				return apiError(fmt.Sprintf("wait for %s %s/%s to go", o.gvr.Resource, o.ns, o.name), err)
			}
			if e.now().After(deadline) {
				return fmt.Errorf("%s %s/%s is still being deleted after %s (finalizers: %v)", o.gvr.Resource, o.ns, o.name, namespaceGoneWait, cur.GetFinalizers())
			}
			if err := sleep(ctx, e.poll); err != nil {
				return err
			}
		}
	}
	return nil
}

// cleanupProvided ends a cleanup in provided namespaces: they are
// emptied, not deleted, and nothing outside them is touched.
func (e *Environment) cleanupProvided(ctx context.Context, ex *lessons.Exercise, stepErrs []error) error {
	errs := make([]error, len(ex.Namespaces))
	var wg sync.WaitGroup
	for i, ns := range ex.Namespaces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.emptyProvided(ctx, ns.Name)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		stepErrs = append(stepErrs, fmt.Errorf("clean up %s: %w", ex.ID, err))
	}
	if len(stepErrs) > 0 {
		return errors.Join(stepErrs...)
	}
	return e.removeBaseline(ex)
}
