package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("exists", kindOf[*lessons.ObjectRef]{
		Eval: func(ev *evaluation, ctx context.Context, ref *lessons.ObjectRef) (bool, string, error) {
			return ev.evalExists(ctx, *ref, true)
		},
		Deps: func(dc *depCollector, ref *lessons.ObjectRef) { dc.ref(*ref) },
	})
	register("absent", kindOf[*lessons.ObjectRef]{
		Eval: func(ev *evaluation, ctx context.Context, ref *lessons.ObjectRef) (bool, string, error) {
			return ev.evalExists(ctx, *ref, false)
		},
		Deps: func(dc *depCollector, ref *lessons.ObjectRef) { dc.ref(*ref) },
	})
	register("field", kindOf[*lessons.FieldCheck]{
		Eval: (*evaluation).evalField,
		Deps: func(dc *depCollector, f *lessons.FieldCheck) {
			dc.ref(f.Object)
			dc.values(&f.Expect)
		},
	})
	register("condition", kindOf[*lessons.ConditionCheck]{
		Eval: (*evaluation).evalCondition,
		Deps: func(dc *depCollector, c *lessons.ConditionCheck) {
			dc.ref(c.Object)
			if c.Object.Kind == "Pod" && c.Type == "Ready" {
				dc.d.volatile = true // a restarted container becomes stable in time
			}
		},
	})
	register("unchanged", kindOf[*lessons.UnchangedCheck]{
		Eval: (*evaluation).evalUnchanged,
		Deps: func(dc *depCollector, u *lessons.UnchangedCheck) {
			dc.ref(u.Object)
			dc.d.baseline = true
		},
	})
	register("dryRun", kindOf[*lessons.DryRunCheck]{
		Eval: (*evaluation).evalDryRun,
		Deps: func(dc *depCollector, _ *lessons.DryRunCheck) {
			dc.d.volatile = true
			dc.kind("ServiceAccount", dc.ex.DefaultNamespace())
		},
	})
}

// objects returns the objects a reference names: one by name (none if it
// does not exist), or all matching the selector.
func (ev *evaluation) objects(ctx context.Context, ref lessons.ObjectRef) (target, []*unstructured.Unstructured, error) {
	t, err := ev.env.resolve(ref, ev.ex.DefaultNamespace())
	if err != nil {
		return t, nil, err
	}
	if ref.Name != "" {
		obj, err := ev.reader.get(ctx, t.gvr, t.namespace, ref.Name)
		if apierrors.IsNotFound(err) {
			return t, nil, nil
		}
		if err != nil {
			return t, nil, classifyAPIError(err, t.String())
		}
		return t, []*unstructured.Unstructured{obj}, nil
	}
	sel := labels.Everything()
	if ref.Selector != "" {
		if sel, err = labels.Parse(ref.Selector); err != nil {
			return t, nil, envErrorf("the exercise's selector %q is invalid: %v", ref.Selector, err)
		}
	}
	objs, err := ev.reader.list(ctx, t.gvr, t.namespace, sel)
	if err != nil {
		return t, nil, classifyAPIError(err, t.String())
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].GetName() < objs[j].GetName() })
	return t, objs, nil
}

// object returns the single named object, or nil when it does not exist.
func (ev *evaluation) object(ctx context.Context, ref lessons.ObjectRef) (target, *unstructured.Unstructured, error) {
	t, objs, err := ev.objects(ctx, ref)
	if err != nil || len(objs) == 0 {
		return t, nil, err
	}
	return t, objs[0], nil
}

func notFound(t target) string {
	if t.ref.Name == "" {
		return fmt.Sprintf("found no %s", t)
	}
	if t.namespaced {
		return fmt.Sprintf("%s %q not found in namespace %s", t.gvk.Kind, t.ref.Name, t.namespace)
	}
	return fmt.Sprintf("%s %q not found", t.gvk.Kind, t.ref.Name)
}

func objName(t target, o *unstructured.Unstructured) string {
	return fmt.Sprintf("%s %s", t.gvk.Kind, o.GetName())
}

func (ev *evaluation) evalExists(ctx context.Context, ref lessons.ObjectRef, want bool) (bool, string, error) {
	t, objs, err := ev.objects(ctx, ref)
	if err != nil {
		return false, "", err
	}
	// An object being deleted counts as gone for "absent" only once it is;
	// say why it lingers.
	if want {
		if len(objs) == 0 {
			return false, ev.notFound(t), nil
		}
		return true, "", nil
	}
	if len(objs) == 0 {
		return true, "", nil
	}
	names := make([]string, 0, len(objs))
	for _, o := range objs {
		n := o.GetName()
		if o.GetDeletionTimestamp() != nil {
			n += fmt.Sprintf(" (being deleted since %s, held by finalizers %v)", o.GetDeletionTimestamp().Format("15:04:05"), o.GetFinalizers())
		}
		names = append(names, n)
	}
	return false, fmt.Sprintf("%s still exists: %s", t.gvk.Kind, strings.Join(names, ", ")), nil
}

// resolveValue implements valueResolver: literals as they are, live values
// read with a JSONPath from their object.
func (ev *evaluation) resolveValue(ctx context.Context, v lessons.Value) (any, error) {
	if v.From == nil {
		return v.Literal, nil
	}
	t, obj, err := ev.object(ctx, v.From.Object)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, failf("cannot compare yet: %s (the expected value is read from it)", ev.notFound(t))
	}
	vals, err := evalPath(obj.Object, v.From.Path)
	if err != nil {
		return nil, err
	}
	switch len(vals) {
	case 0:
		return nil, failf("cannot compare yet: %s has no value at %s", objName(t, obj), v.From.Path)
	case 1:
		return vals[0], nil
	}
	return vals, nil
}

// fieldValues evaluates a field check's path and decoding on one object.
func fieldValues(obj *unstructured.Unstructured, f *lessons.FieldCheck) ([]any, string, error) {
	vals, err := evalPath(obj.Object, f.Path)
	if err != nil {
		return nil, "", err
	}
	if len(f.Decode) == 0 && f.Then == "" {
		return vals, "", nil
	}
	var out []any
	for _, v := range vals {
		for _, step := range f.Decode {
			d, err := decodeValue(step, v)
			if err != nil {
				return nil, fmt.Sprintf("%s: %v", f.Path, err), nil
			}
			v = d
		}
		if f.Then != "" {
			sub, err := evalPath(v, f.Then)
			if err != nil {
				return nil, "", err
			}
			out = append(out, sub...)
			continue
		}
		out = append(out, v)
	}
	return out, "", nil
}

func (ev *evaluation) evalField(ctx context.Context, f *lessons.FieldCheck) (bool, string, error) {
	t, objs, err := ev.objects(ctx, f.Object)
	if err != nil {
		return false, "", err
	}
	if len(objs) == 0 {
		if f.AllowNone && f.Object.Name == "" {
			return true, "", nil
		}
		return false, ev.notFound(t), nil
	}
	var failures []string
	for _, o := range objs {
		vals, decodeFail, err := fieldValues(o, f)
		if err != nil {
			return false, "", err
		}
		path := f.Path
		if f.Then != "" {
			path += " → " + f.Then
		}
		if decodeFail != "" {
			if isSecret(t) {
				decodeFail = fmt.Sprintf("%s: the value does not decode as %s (kubedojo never shows a Secret's values)", f.Path, strings.Join(f.Decode, ", then "))
			}
			failures = append(failures, fmt.Sprintf("%s: %s", objName(t, o), decodeFail))
			continue
		}
		m, err := evalExpect(ctx, f.Expect, vals, ev.resolveValue, false)
		if err != nil {
			return false, "", err
		}
		switch {
		case m == nil:
		case isSecret(t):
			failures = append(failures, objName(t, o)+" "+secretMismatch(strings.Trim(path, "{}"), vals))
		default:
			failures = append(failures, objName(t, o)+" "+m.describe(strings.Trim(path, "{}"), describeResults(vals)))
		}
	}
	if len(failures) == 0 {
		return true, "", nil
	}
	return false, summarize(failures, 3), nil
}

// isSecret reports whether t is a core Secret, whose values a result never
// shows: results go to the terminal, --json, JUnit files and exam
// reports, which others may read.
func isSecret(t target) bool { return t.gvk.Group == "" && t.gvk.Kind == "Secret" }

// secretMismatch describes a failed comparison of a Secret's field
// without its value (nor a hash of it, which a short value would give
// away).
func secretMismatch(path string, vals []any) string {
	if len(vals) == 0 {
		return path + ": found nothing"
	}
	return path + ": the value differs from what the check expects (kubedojo never shows a Secret's values)"
}

// summarize joins failure lines, keeping the first n and counting the rest.
func summarize(lines []string, n int) string {
	if len(lines) <= n {
		return strings.Join(lines, "; ")
	}
	return strings.Join(lines[:n], "; ") + fmt.Sprintf("; and %d more", len(lines)-n)
}

func (ev *evaluation) evalCondition(ctx context.Context, c *lessons.ConditionCheck) (bool, string, error) {
	t, obj, err := ev.object(ctx, c.Object)
	if err != nil {
		return false, "", err
	}
	if obj == nil {
		return false, ev.notFound(t), nil
	}
	want := c.Status
	if want == "" {
		want = "True"
	}
	if c.Parent != "" {
		return parentCondition(objName(t, obj), obj, c, want)
	}
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, raw := range conds {
		cond, _ := raw.(map[string]any)
		if cond["type"] != c.Type {
			continue
		}
		status, _ := cond["status"].(string)
		reason, _ := cond["reason"].(string)
		msg, _ := cond["message"].(string)
		if !strings.EqualFold(status, want) {
			d := fmt.Sprintf("%s: condition %s is %s, expected %s", objName(t, obj), c.Type, status, want)
			if reason != "" {
				d += fmt.Sprintf(" (reason %s", reason)
				if msg != "" {
					d += ": " + msg
				}
				d += ")"
			}
			return false, d, nil
		}
		if c.Reason != "" && reason != c.Reason {
			return false, fmt.Sprintf("%s: condition %s has reason %q, expected %q", objName(t, obj), c.Type, reason, c.Reason), nil
		}
		if t.gvk.Kind == "Pod" && c.Type == string(corev1.PodReady) && strings.EqualFold(want, "True") {
			pod, err := fromUnstructured[corev1.Pod](obj)
			if err != nil {
				return false, "", err
			}
			if why := notStable(pod, ev.env.now()); why != "" {
				return false, why, nil
			}
		}
		return true, "", nil
	}
	return false, fmt.Sprintf("%s has no %s condition yet", objName(t, obj), c.Type), nil
}

// parentCondition grades a condition that Gateway controllers write per
// parent of a route (status.parents[].conditions): every status entry for
// a parentRef with that name must have it, and one must exist.
func parentCondition(name string, obj *unstructured.Unstructured, c *lessons.ConditionCheck, want string) (bool, string, error) {
	parents, _, _ := unstructured.NestedSlice(obj.Object, "status", "parents")
	seen := 0
	for _, raw := range parents {
		p, _ := raw.(map[string]any)
		ref, _ := p["parentRef"].(map[string]any)
		if ref["name"] != c.Parent {
			continue
		}
		seen++
		where := fmt.Sprintf("%s, parent %s", name, c.Parent)
		if sec, _ := ref["sectionName"].(string); sec != "" {
			where += " section " + sec
		}
		conds, _ := p["conditions"].([]any)
		found := false
		for _, rc := range conds {
			cond, _ := rc.(map[string]any)
			if cond["type"] != c.Type {
				continue
			}
			found = true
			status, _ := cond["status"].(string)
			reason, _ := cond["reason"].(string)
			msg, _ := cond["message"].(string)
			if !strings.EqualFold(status, want) {
				d := fmt.Sprintf("%s: condition %s is %s, expected %s", where, c.Type, status, want)
				if reason != "" {
					d += " (reason " + reason
					if msg != "" {
						d += ": " + msg
					}
					d += ")"
				}
				return false, d, nil
			}
			if c.Reason != "" && reason != c.Reason {
				return false, fmt.Sprintf("%s: condition %s has reason %q, expected %q", where, c.Type, reason, c.Reason), nil
			}
		}
		if !found {
			return false, fmt.Sprintf("%s has no %s condition yet", where, c.Type), nil
		}
	}
	if seen == 0 {
		return false, fmt.Sprintf("%s has no status for parent %s: no controller has taken up the route there yet (check its parentRefs, and that the Gateway's class has a controller)", name, c.Parent), nil
	}
	return true, "", nil
}

func (ev *evaluation) evalUnchanged(ctx context.Context, u *lessons.UnchangedCheck) (bool, string, error) {
	if ev.env.Baselines == nil {
		return false, "", envErrorf("no record of the exercise's start state; reset the exercise (kubedojo lab reset %s)", ev.ex.ID)
	}
	ref := u.Object
	t, obj, err := ev.object(ctx, ref)
	if err != nil {
		return false, "", err
	}
	if ref.Namespace == "" && t.namespaced {
		ref.Namespace = t.namespace
	}
	base, err := ev.env.Baselines.ObjectBaseline(ev.ex, ref)
	if err != nil {
		return false, "", &envError{err: err}
	}
	if obj == nil {
		return false, fmt.Sprintf("%s was deleted; the task asked you to change it in place (reset to get it back)", t), nil
	}
	if u.UID && string(obj.GetUID()) != base.UID {
		return false, fmt.Sprintf("%s was deleted and recreated (its UID changed); the task asked you to change it in place", objName(t, obj)), nil
	}
	if u.Generation && obj.GetGeneration() != base.Generation {
		return false, fmt.Sprintf("%s was edited (generation %d, was %d at the start); the task asked you not to change it", objName(t, obj), obj.GetGeneration(), base.Generation), nil
	}
	for _, p := range u.Paths {
		now, err := lessons.PathValues(obj.Object, p)
		if err != nil {
			return false, "", envErrorf("the exercise's path %s: %v", p, err)
		}
		if was, ok := base.Paths[p]; ok && !jsonEqual(was, now) {
			return false, fmt.Sprintf("%s %s changed: was %s, now %s", objName(t, obj), p, was, now), nil
		}
	}
	return true, "", nil
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	return valuesEqual(x, y, compareOpts{})
}

func (ev *evaluation) evalDryRun(ctx context.Context, d *lessons.DryRunCheck) (bool, string, error) {
	docs, errs := lessons.ParseManifests(d.Manifest)
	if len(errs) > 0 || len(docs) != 1 {
		return false, "", envErrorf("the exercise's dryRun manifest is invalid")
	}
	obj := docs[0].Object
	t, err := ev.env.resolve(lessons.ObjectRef{APIVersion: obj.GetAPIVersion(), Kind: obj.GetKind()}, ev.ex.DefaultNamespace())
	if err != nil {
		return false, "", err
	}
	if t.namespaced && obj.GetNamespace() == "" {
		obj.SetNamespace(t.namespace)
	}
	ev.sawUnseen()
	created, err := ev.env.Dynamic.Resource(t.gvr).Namespace(obj.GetNamespace()).Create(ctx, obj, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		if apierrors.IsInvalid(err) || apierrors.IsForbidden(err) && !strings.Contains(err.Error(), "cannot create resource") || apierrors.IsBadRequest(err) {
			// Admission rejected the object: that is the cluster's answer
			// about the learner's configuration, not an outage.
			return false, fmt.Sprintf("a new %s would be rejected: %v", obj.GetKind(), err), nil
		}
		return false, "", classifyAPIError(err, "a dry-run "+obj.GetKind())
	}
	vals, err := evalPath(created.Object, d.Path)
	if err != nil {
		return false, "", err
	}
	m, err := evalExpect(ctx, d.Expect, vals, ev.resolveValue, false)
	if err != nil {
		return false, "", err
	}
	if m != nil {
		if m.diff != nil {
			return false, fmt.Sprintf("a new %s would get %s", obj.GetKind(), m.diff.under(d.Path)), nil
		}
		return false, fmt.Sprintf("a new %s would get %s = %s, expected %s", obj.GetKind(), d.Path, describeResults(vals), m.expected), nil
	}
	return true, "", nil
}
