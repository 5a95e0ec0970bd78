package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/kubedojo/kubedojo/lessons"
)

// A start state may apply an object that existed before kubedojo touched
// it: `apply` of Node {{NODE}} to add a label, a StorageClass or namespace
// the cluster already had. Such an object gets the exercise's labels like
// everything a start state applies, and cleanup deletes what carries them,
// so without a record a reset deleted the node (which came back without
// its control-plane label and taint) or local storage. Setup therefore
// records, before it first changes such an object, what it had under
// every field the start state sets, and cleanup patches exactly those
// fields back instead of deleting the object, on every cluster.

// AdoptedObject is an object that existed before a start state first
// changed it, and what it had under the fields the start state sets.
type AdoptedObject struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version"`
	Resource  string `json:"resource"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	UID       string `json:"uid"`
	// Fields are the paths the start state set, each with the value the
	// object had there before (absent when it had none).
	Fields []FieldBefore `json:"fields"`
}

// FieldBefore is one field path and its value before setup changed it.
type FieldBefore struct {
	Path []string `json:"path"`
	// Value is the JSON value before; nil when the field was absent.
	Value json.RawMessage `json:"value,omitempty"`
}

func (a *AdoptedObject) gvr() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: a.Group, Version: a.Version, Resource: a.Resource}
}

func (a *AdoptedObject) String() string {
	if a.Namespace != "" {
		return fmt.Sprintf("%s %s/%s", a.Resource, a.Namespace, a.Name)
	}
	return fmt.Sprintf("%s %s", a.Resource, a.Name)
}

// adoptedKey identifies an adopted object in Baseline.Adopted.
func adoptedKey(gvr schema.GroupVersionResource, ns, name string) string {
	return gvr.GroupResource().String() + "/" + ns + "/" + name
}

// preexisting reports whether this kubedojo did not make cur for this
// exercise: it existed before, or another exercise (or another learner's
// kubedojo) made it.
func (e *Environment) preexisting(cur metav1.Object, ex *lessons.Exercise) bool {
	return !e.owns(cur, ex)
}

// adopt records, before obj (about to be applied) changes an object that
// existed before, what that object has under obj's fields, and saves the
// baseline. An object recorded already (by an earlier step or setup that
// was never cleaned up) keeps its first record. b is nil for reference
// solutions, which record nothing: what the learner changes is theirs.
func (e *Environment) adopt(ctx context.Context, ex *lessons.Exercise, b *Baseline, m *meta.RESTMapping, obj *unstructured.Unstructured) error {
	if b == nil || obj.GetName() == "" {
		return nil
	}
	key := adoptedKey(m.Resource, obj.GetNamespace(), obj.GetName())
	if b.Adopted[key] != nil {
		return nil
	}
	cur, err := e.resource(m, obj.GetNamespace()).Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: read %s %s: %v", ErrUnreachable, m.GroupVersionKind.Kind, obj.GetName(), err)
	}
	if !e.preexisting(cur, ex) {
		return nil
	}
	a := &AdoptedObject{
		Group: m.Resource.Group, Version: m.Resource.Version, Resource: m.Resource.Resource,
		Namespace: obj.GetNamespace(), Name: obj.GetName(), UID: string(cur.GetUID()),
	}
	for _, p := range leafPaths(obj.Object) {
		fb := FieldBefore{Path: p}
		if v, found, _ := unstructured.NestedFieldNoCopy(cur.Object, p...); found {
			data, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("record %s: %w", a, err)
			}
			fb.Value = data
		}
		a.Fields = append(a.Fields, fb)
	}
	if b.Adopted == nil {
		b.Adopted = map[string]*AdoptedObject{}
	}
	b.Adopted[key] = a
	return e.saveBaseline(ex, b)
}

// leafPaths lists the paths a manifest sets: every path to a value that
// is not a map (a list is one value, as a merge patch replaces it whole),
// except the object's identity and its status.
func leafPaths(obj map[string]any) [][]string {
	var out [][]string
	var walk func(prefix []string, m map[string]any)
	walk = func(prefix []string, m map[string]any) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			p := append(slices.Clone(prefix), k)
			if len(p) == 1 && (k == "apiVersion" || k == "kind" || k == "status") {
				continue
			}
			if len(p) == 2 && p[0] == "metadata" && (k == "name" || k == "namespace" || k == "generateName") {
				continue
			}
			if child, ok := m[k].(map[string]any); ok && len(child) > 0 {
				walk(p, child)
				continue
			}
			out = append(out, p)
		}
	}
	walk(nil, obj)
	return out
}

// restorePatch is the JSON merge patch that puts a's fields back: the old
// value, or null for a field it did not have.
func (a *AdoptedObject) restorePatch() ([]byte, error) {
	patch := map[string]any{}
	for _, f := range a.Fields {
		var v any
		if f.Value != nil {
			if err := json.Unmarshal(f.Value, &v); err != nil {
				return nil, fmt.Errorf("read the record of %s: %w", a, err)
			}
		}
		m := patch
		for _, k := range f.Path[:len(f.Path)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[f.Path[len(f.Path)-1]] = v
	}
	return json.Marshal(patch)
}

// restoreAdopted puts back what the start state changed on the objects it
// adopted. An object that is gone, or was deleted and made again since
// (another UID), is left alone: it is no longer the one recorded.
func (e *Environment) restoreAdopted(ctx context.Context, b *Baseline) error {
	if b == nil {
		return nil
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(b.Adopted)) {
		a := b.Adopted[key]
		patch, err := a.restorePatch()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var ri dynamic.ResourceInterface = e.dyn.Resource(a.gvr())
		if a.Namespace != "" {
			ri = e.dyn.Resource(a.gvr()).Namespace(a.Namespace)
		}
		cur, err := ri.Get(ctx, a.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) || (err == nil && string(cur.GetUID()) != a.UID) {
			continue
		}
		if err == nil {
			_, err = ri.Patch(ctx, a.Name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: FieldManager})
		}
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("put %s back as it was before the exercise: %w", a, err))
		}
	}
	return errors.Join(errs...)
}

// adoptedUIDs are the UIDs of the objects the baseline records as adopted,
// which cleanup never deletes.
func adoptedUIDs(b *Baseline) map[types.UID]bool {
	out := map[types.UID]bool{}
	if b == nil {
		return out
	}
	for _, a := range b.Adopted {
		out[types.UID(a.UID)] = true
	}
	return out
}
