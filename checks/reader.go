package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kubedojo/kubedojo/lessons"
)

// objectReader reads objects: from the API server (headless grading) or
// from informer caches (watch mode).
type objectReader interface {
	get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string) (*unstructured.Unstructured, error)
	list(ctx context.Context, gvr schema.GroupVersionResource, ns string, sel labels.Selector) ([]*unstructured.Unstructured, error)
}

type liveReader struct{ dyn dynamic.Interface }

func (r liveReader) get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string) (*unstructured.Unstructured, error) {
	return r.dyn.Resource(gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
}

func (r liveReader) list(ctx context.Context, gvr schema.GroupVersionResource, ns string, sel labels.Selector) ([]*unstructured.Unstructured, error) {
	opts := metav1.ListOptions{}
	if sel != nil && !sel.Empty() {
		opts.LabelSelector = sel.String()
	}
	l, err := r.dyn.Resource(gvr).Namespace(ns).List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := make([]*unstructured.Unstructured, len(l.Items))
	for i := range l.Items {
		out[i] = &l.Items[i]
	}
	return out, nil
}

// envError marks an environment problem: the check's status is Error, never
// Fail.
type envError struct{ err error }

func (e *envError) Error() string { return e.err.Error() }
func (e *envError) Unwrap() error { return e.err }

func envErrorf(format string, args ...any) error {
	return &envError{err: fmt.Errorf(format, args...)}
}

// failError is a failed comparison discovered deep inside an evaluation,
// such as a live reference value whose object the learner has not created
// yet. It is a wrong answer, not an environment problem.
type failError struct{ msg string }

func (e *failError) Error() string { return e.msg }

func failf(format string, args ...any) error { return &failError{msg: fmt.Sprintf(format, args...)} }

// IsEnvironmentError reports whether err is an environment problem rather
// than a wrong answer.
func IsEnvironmentError(err error) bool {
	var e *envError
	return errors.As(err, &e)
}

// classifyAPIError turns API and transport errors into environment errors
// with a sentence a learner can act on.
func classifyAPIError(err error, what string) error {
	if err == nil {
		return nil
	}
	var ee *envError
	if errors.As(err, &ee) {
		return err
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err):
		return envErrorf("timed out reading %s; the API server is slow or unreachable", what)
	case errors.Is(err, context.Canceled):
		return envErrorf("cancelled while reading %s", what)
	case apierrors.IsForbidden(err):
		// The grader has the rights of the kubeconfig it was given: all of
		// them on a lab, a class learner's only in their own namespaces.
		return envErrorf("the grader is not allowed to read %s (%v): the kubeconfig kubedojo grades with lacks that right "+
			"(a lab's needs cluster-admin; a class learner's reaches only their own namespaces)", what, apierrors.ReasonForError(err))
	case apierrors.IsUnauthorized(err):
		return envErrorf("the cluster rejected the grader's credentials while reading %s; run kubedojo lab up to refresh the lab kubeconfig", what)
	case meta.IsNoMatchError(err):
		return envErrorf("the cluster does not serve %s (%v); is its CustomResourceDefinition installed?", what, err)
	case errors.As(err, &netErr), strings.Contains(err.Error(), "connection refused"), strings.Contains(err.Error(), "no such host"):
		return envErrorf("cannot reach the API server (%v); check the lab with kubedojo lab status", err)
	case apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) || apierrors.IsTooManyRequests(err):
		return envErrorf("the API server could not answer for %s: %v", what, err)
	}
	return envErrorf("reading %s: %v", what, err)
}

// target is an object reference resolved against the cluster.
type target struct {
	ref        lessons.ObjectRef
	gvr        schema.GroupVersionResource
	gvk        schema.GroupVersionKind
	namespaced bool
	namespace  string
}

func (t target) String() string {
	var b strings.Builder
	b.WriteString(t.gvk.Kind)
	if t.ref.Name != "" {
		b.WriteString(" " + t.ref.Name)
	} else if t.ref.Selector != "" {
		b.WriteString("s matching " + t.ref.Selector)
	} else {
		b.WriteString("s")
	}
	if t.namespaced {
		b.WriteString(" in " + t.namespace)
	}
	return b.String()
}

// resolve maps a reference to a resource, defaulting the namespace.
func (e *Env) resolve(ref lessons.ObjectRef, defaultNS string) (target, error) {
	gvk, ok := ref.ResolveGVK()
	if !ok {
		return target{}, envErrorf("unknown kind %q (give apiVersion for custom resources)", ref.Kind)
	}
	mapping, err := e.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		// A CRD may have been created since discovery was cached.
		e.mapperMu.Lock()
		e.Mapper.Reset()
		e.mapperMu.Unlock()
		mapping, err = e.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return target{}, classifyAPIError(err, fmt.Sprintf("%s (%s)", gvk.Kind, gvk.GroupVersion()))
	}
	t := target{ref: ref, gvr: mapping.Resource, gvk: gvk, namespaced: mapping.Scope.Name() == meta.RESTScopeNameNamespace}
	if t.namespaced {
		t.namespace = ref.Namespace
		if t.namespace == "" {
			t.namespace = defaultNS
		}
	}
	return t, nil
}

// gvrFor resolves a built-in kind name.
func (e *Env) gvrFor(kind, defaultNS string) (target, error) {
	return e.resolve(lessons.ObjectRef{Kind: kind}, defaultNS)
}
