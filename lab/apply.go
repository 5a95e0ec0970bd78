package lab

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kubedojo/kubedojo/lessons"
)

var (
	namespaceGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	podGVR       = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	crdGVR       = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	// namespaceMapping is the mapping of namespaces, which every cluster
	// serves as core v1.
	namespaceMapping = &meta.RESTMapping{Resource: namespaceGVR, GroupVersionKind: schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, Scope: meta.RESTScopeRoot}
)

// Bounds of the waits inside a setup.
const (
	discoveryWait      = 2 * time.Second  // a kind the API server just started serving
	crdEstablishedWait = 30 * time.Second // a CRD becoming usable
	serviceAccountWait = 15 * time.Second // a new namespace's default ServiceAccount
)

// manifestError is a problem with one document of an apply step, at its
// line within the manifest text.
type manifestError struct {
	line int
	err  error
}

func (e *manifestError) Error() string { return e.err.Error() }
func (e *manifestError) Unwrap() error { return e.err }

// mapping resolves a kind to its resource and scope. A kind a CRD has just
// added may take a moment to appear in discovery, so a miss resets the
// cached discovery and retries briefly.
func (e *Environment) mapping(ctx context.Context, gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	var versions []string
	if gvk.Version != "" {
		versions = []string{gvk.Version}
	}
	m, err := e.mapper.RESTMapping(gvk.GroupKind(), versions...)
	if err == nil {
		return m, nil
	}
	deadline := e.now().Add(discoveryWait)
	for meta.IsNoMatchError(err) && e.now().Before(deadline) {
		e.mapper.Reset()
		if m, err = e.mapper.RESTMapping(gvk.GroupKind(), versions...); err == nil {
			return m, nil
		}
		if serr := sleep(ctx, 250*time.Millisecond); serr != nil {
			return nil, serr
		}
	}
	if meta.IsNoMatchError(err) {
		return nil, fmt.Errorf("the cluster does not serve kind %s of group %q (is its CustomResourceDefinition installed?)", gvk.Kind, gvk.Group)
	}
	return nil, apiError(fmt.Sprintf("discover %s", gvk.Kind), err)
}

// refMapping resolves an object reference's kind.
func (e *Environment) refMapping(ctx context.Context, ref lessons.ObjectRef) (*meta.RESTMapping, error) {
	gvk, ok := ref.ResolveGVK()
	if !ok {
		return nil, fmt.Errorf("unknown kind %q (custom resources need apiVersion)", ref.Kind)
	}
	if ref.APIVersion == "" {
		// Built-in kinds: let the server pick its preferred version.
		return e.mapping(ctx, gvk.GroupKind().WithVersion(""))
	}
	return e.mapping(ctx, gvk)
}

// namespaces is the dynamic client for namespaces. The environment reads
// and writes namespaces and exercise objects through one (dynamic) client.
func (e *Environment) namespaces() dynamic.ResourceInterface { return e.dyn.Resource(namespaceGVR) }

func namespaced(m *meta.RESTMapping) bool { return m.Scope.Name() == meta.RESTScopeNameNamespace }

// resource is the dynamic client for a mapping, in ns when namespaced.
func (e *Environment) resource(m *meta.RESTMapping, ns string) dynamic.ResourceInterface {
	if namespaced(m) {
		return e.dyn.Resource(m.Resource).Namespace(ns)
	}
	return e.dyn.Resource(m.Resource)
}

// refNamespace is the namespace a reference means: its own, or the
// exercise's default for namespaced kinds.
func refNamespace(m *meta.RESTMapping, ref lessons.ObjectRef, defaultNS string) string {
	if !namespaced(m) {
		return ""
	}
	if ref.Namespace != "" {
		return ref.Namespace
	}
	return defaultNS
}

// exerciseLabels are the labels of everything an exercise's start state
// creates.
func (e *Environment) exerciseLabels(ex *lessons.Exercise) map[string]string {
	l := map[string]string{LabelManagedBy: ManagedBy, LabelExercise: ExerciseLabelValue(ex.ID)}
	if e.opts.Instance != "" {
		l[LabelInstance] = e.opts.Instance
	}
	return l
}

// prepareObject adds the exercise labels and fills in the default
// namespace of namespaced kinds (dropping a namespace on cluster-scoped
// ones).
func (e *Environment) prepareObject(obj *unstructured.Unstructured, isNamespaced bool, ex *lessons.Exercise) {
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	for k, v := range e.exerciseLabels(ex) {
		labels[k] = v
	}
	if obj.GetKind() == "Namespace" && slices.ContainsFunc(ex.Namespaces, func(n lessons.Namespace) bool { return n.Name == obj.GetName() }) {
		SetPodSecurity(labels, ex.PodSecurityLevel())
	}
	obj.SetLabels(labels)
	switch {
	case !isNamespaced:
		obj.SetNamespace("")
	case obj.GetNamespace() == "":
		obj.SetNamespace(ex.DefaultNamespace())
	}
}

// labelledFor reports whether an object carries the exercise's label.
func labelledFor(obj metav1.Object, ex *lessons.Exercise) bool {
	return obj.GetLabels()[LabelExercise] == ExerciseLabelValue(ex.ID)
}

// applyStep applies the documents of an apply step in order. b is the
// baseline of a start state, which records the objects that existed before
// (adopt.go); nil for reference solutions.
func (e *Environment) applyStep(ctx context.Context, ex *lessons.Exercise, b *Baseline, text string) error {
	docs, errs := lessons.ParseManifests(text)
	if len(errs) > 0 {
		msg := errs[0].Message
		if errs[0].Field != "" {
			msg = errs[0].Field + ": " + msg
		}
		return &manifestError{line: errs[0].Line, err: fmt.Errorf("invalid manifest: %s", msg)}
	}
	for _, d := range docs {
		obj := d.Object.DeepCopy()
		desc := obj.GetKind() + "/" + obj.GetName()
		m, err := e.mapping(ctx, obj.GroupVersionKind())
		if err != nil {
			return &manifestError{line: d.Line, err: fmt.Errorf("%s: %w", desc, err)}
		}
		e.prepareObject(obj, namespaced(m), ex)
		if err := e.guardForeign(ctx, ex, m, obj); err != nil {
			return &manifestError{line: d.Line, err: fmt.Errorf("%s: %w", desc, err)}
		}
		if err := e.adopt(ctx, ex, b, m, obj); err != nil {
			return &manifestError{line: d.Line, err: fmt.Errorf("%s: %w", desc, err)}
		}
		if err := e.applyObject(ctx, m, obj); err != nil {
			return &manifestError{line: d.Line, err: fmt.Errorf("apply %s: %w", desc, err)}
		}
		if m.Resource.GroupResource() == crdGVR.GroupResource() {
			if err := e.waitEstablished(ctx, obj.GetName()); err != nil {
				return &manifestError{line: d.Line, err: err}
			}
		}
	}
	return nil
}

// applyObject server-side applies one object (creating objects that only
// have generateName). A pod in a namespace made a moment ago can be
// refused until the namespace's default ServiceAccount exists, so that
// refusal is retried.
func (e *Environment) applyObject(ctx context.Context, m *meta.RESTMapping, obj *unstructured.Unstructured) error {
	ri := e.resource(m, obj.GetNamespace())
	deadline := e.now().Add(serviceAccountWait)
	for {
		var err error
		if obj.GetName() == "" {
			_, err = ri.Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
		} else {
			_, err = ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
		}
		if err == nil || !missingServiceAccount(err) || e.now().After(deadline) {
			return err
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

func missingServiceAccount(err error) bool {
	s := err.Error()
	return apierrors.IsForbidden(err) && strings.Contains(s, "serviceaccount") && strings.Contains(s, "not found")
}

// waitEstablished waits until a CRD is Established and makes its kinds
// known to the mapper, so the next document may be one of its objects.
func (e *Environment) waitEstablished(ctx context.Context, name string) error {
	deadline := e.now().Add(crdEstablishedWait)
	for {
		crd, err := e.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("CustomResourceDefinition %s: %w", name, err)
		}
		if crdEstablished(crd) {
			e.mapper.Reset()
			return nil
		}
		if e.now().After(deadline) {
			return fmt.Errorf("CustomResourceDefinition %s is not Established after %s", name, crdEstablishedWait)
		}
		if err := sleep(ctx, e.poll); err != nil {
			return err
		}
	}
}

// guardForeign enforces the foreign-cluster rule before kubedojo changes
// an object: namespaced objects only in namespaces labelled for this
// exercise, cluster-scoped objects only when absent or labelled for it.
func (e *Environment) guardForeign(ctx context.Context, ex *lessons.Exercise, m *meta.RESTMapping, obj *unstructured.Unstructured) error {
	if !e.opts.Foreign {
		return nil
	}
	if namespaced(m) {
		return e.requireOwnedNamespace(ctx, ex, obj.GetNamespace())
	}
	if obj.GetName() == "" {
		return nil
	}
	cur, err := e.resource(m, "").Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return apiError("", err)
	}
	if !e.owns(cur, ex) {
		return fmt.Errorf("%w: %s %s exists and was not created by this kubedojo for this exercise%s; kubedojo does not change it in a cluster it did not create",
			ErrForeignObject, m.GroupVersionKind.Kind, obj.GetName(), e.ownerNote(cur, ex))
	}
	return nil
}

// requireOwnedNamespace fails unless ns exists with the exercise's label
// (or, provided, is one of the exercise's namespaces).
func (e *Environment) requireOwnedNamespace(ctx context.Context, ex *lessons.Exercise, ns string) error {
	if e.opts.Provided != nil {
		if slices.ContainsFunc(ex.Namespaces, func(n lessons.Namespace) bool { return n.Name == ns }) {
			return nil
		}
		return fmt.Errorf("%w: namespace %s is not one of the exercise's namespaces", ErrForeignObject, ns)
	}
	cur, err := e.namespaces().Get(ctx, ns, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%w: namespace %s does not exist and is not one of the exercise's namespaces", ErrForeignObject, ns)
	}
	if err != nil {
		return apiError("", err)
	}
	if !e.owns(cur, ex) {
		return fmt.Errorf("%w: namespace %s was not created by this kubedojo for this exercise%s; kubedojo changes nothing in it on a cluster it did not create",
			ErrForeignObject, ns, e.ownerNote(cur, ex))
	}
	return nil
}

// deleteRef deletes what a reference names (by name or selector); objects
// that are already gone are fine.
func (e *Environment) deleteRef(ctx context.Context, ex *lessons.Exercise, ref lessons.ObjectRef) error {
	m, err := e.refMapping(ctx, ref)
	if err != nil {
		return err
	}
	ns := refNamespace(m, ref, ex.DefaultNamespace())
	ri := e.resource(m, ns)
	var targets []unstructured.Unstructured
	if ref.Name != "" {
		cur, err := ri.Get(ctx, ref.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return apiError("", err)
		}
		targets = append(targets, *cur)
	} else {
		list, err := ri.List(ctx, metav1.ListOptions{LabelSelector: ref.Selector})
		if err != nil {
			return apiError("", err)
		}
		targets = list.Items
	}
	for i := range targets {
		obj := &targets[i]
		if e.opts.Foreign && !e.owns(obj, ex) {
			if !namespaced(m) {
				return fmt.Errorf("%w: %s %s was not created by kubedojo for this exercise", ErrForeignObject, m.GroupVersionKind.Kind, obj.GetName())
			}
			if err := e.requireOwnedNamespace(ctx, ex, ns); err != nil {
				return err
			}
		}
		err := ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete %s %s: %w", m.GroupVersionKind.Kind, obj.GetName(), err)
		}
	}
	return nil
}
