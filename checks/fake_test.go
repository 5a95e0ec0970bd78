package checks

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// resettableMapper adapts a static mapper to the interface Env needs.
type resettableMapper struct{ meta.RESTMapper }

func (resettableMapper) Reset() {}

// staticMapper knows every built-in kind with its scope, plus extra custom
// kinds.
func staticMapper(extra ...schema.GroupVersionKind) meta.ResettableRESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == "__internal" || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		scope := meta.RESTScopeNamespace
		if lessons.ClusterScoped(gvk.Kind) {
			scope = meta.RESTScopeRoot
		}
		m.Add(gvk, scope)
	}
	for _, gvk := range extra {
		m.Add(gvk, meta.RESTScopeNamespace)
	}
	return resettableMapper{m}
}

// fakeExec answers commands by their joined argv; err, when set, is
// returned for every command after hook ran.
type fakeExec struct {
	results map[string]ExecResult
	calls   []string
	err     error
	hook    func()
}

func (f *fakeExec) Exec(_ context.Context, ns, pod, container string, cmd []string) (ExecResult, error) {
	key := strings.Join(cmd, " ")
	f.calls = append(f.calls, fmt.Sprintf("%s/%s:%s", ns, pod, key))
	if f.hook != nil {
		f.hook()
	}
	if f.err != nil {
		return ExecResult{}, f.err
	}
	if r, ok := f.results[pod+":"+key]; ok {
		return r, nil
	}
	if r, ok := f.results[key]; ok {
		return r, nil
	}
	return ExecResult{ExitCode: 127, Stderr: "not found: " + key}, nil
}

type fakeBaselines map[string]ObjectBaseline

func (f fakeBaselines) Stamp(*lessons.Exercise) string { return fmt.Sprint(len(f)) }

func (f fakeBaselines) ObjectBaseline(_ *lessons.Exercise, ref lessons.ObjectRef) (ObjectBaseline, error) {
	b, ok := f[ref.Kind+"/"+ref.Namespace+"/"+ref.Name]
	if !ok {
		return ObjectBaseline{}, fmt.Errorf("no baseline for %s", ref)
	}
	return b, nil
}

// fixture builds an Env over fake clients holding the given manifests.
type fixture struct {
	env  *Env
	exec *fakeExec
	kube *kubefake.Clientset
	// allowed is what SubjectAccessReviews answer after sarAllows.
	allowed atomic.Bool
}

func objectsFrom(t *testing.T, manifests string) []runtime.Object {
	t.Helper()
	docs, errs := lessons.ParseManifests(manifests)
	if len(errs) > 0 {
		t.Fatalf("bad test manifests: %v", errs)
	}
	out := make([]runtime.Object, len(docs))
	for i, d := range docs {
		if d.Object.GetNamespace() == "" && !lessons.ClusterScoped(d.Object.GetKind()) {
			d.Object.SetNamespace("ns1")
		}
		out[i] = d.Object
	}
	return out
}

func newFixture(t *testing.T, manifests string) *fixture {
	t.Helper()
	objs := objectsFrom(t, manifests)
	gvrToList := map[schema.GroupVersionResource]string{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == "__internal" || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		plural, _ := meta.UnsafeGuessKindToResource(gvk)
		gvrToList[plural] = gvk.Kind + "List"
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), gvrToList, objs...)
	// The typed fake needs typed objects for the kinds it serves.
	var typed []runtime.Object
	for _, o := range objs {
		u := o.(*unstructured.Unstructured)
		if obj, err := scheme.Scheme.New(u.GroupVersionKind()); err == nil {
			if runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj) == nil {
				typed = append(typed, obj)
			}
		}
	}
	kube := kubefake.NewClientset(typed...)
	fx := &fixture{exec: &fakeExec{results: map[string]ExecResult{}}, kube: kube}
	fx.env = &Env{
		Kube: kube, Dynamic: dyn, Mapper: staticMapper(), Exec: fx.exec,
		Vars: lessons.Vars{Node: "node1"},
		Now:  func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
	}
	return fx
}

// allowSAR makes SubjectAccessReviews allow exactly the given
// "user verb resource ns" combinations.
func (fx *fixture) allowSAR(allowed ...string) {
	set := map[string]bool{}
	for _, a := range allowed {
		set[a] = true
	}
	fx.kube.PrependReactor("create", "subjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		sar := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SubjectAccessReview)
		ra := sar.Spec.ResourceAttributes
		res := ra.Resource
		if ra.Group != "" {
			res += "." + ra.Group
		}
		if ra.Subresource != "" {
			res += "/" + ra.Subresource
		}
		key := strings.Join([]string{sar.Spec.User, ra.Verb, res, ra.Namespace}, " ")
		sar.Status.Allowed = set[key]
		return true, sar, nil
	})
}

func parseCheck(t *testing.T, src string) lessons.Check { return parseCheckTB(t, src) }

func parseCheckTB(t testing.TB, src string) lessons.Check {
	t.Helper()
	var c lessons.Check
	if err := yaml.Unmarshal([]byte(src), &c); err != nil {
		t.Fatalf("bad check YAML: %v", err)
	}
	if c.ID == "" {
		c.ID = "c"
	}
	return c
}

func (fx *fixture) grade(t *testing.T, check string) result.Result {
	t.Helper()
	ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}, Checks: []lessons.Check{parseCheck(t, check)}}
	rep := NewGrader(fx.env).Evaluate(context.Background(), ex)
	return rep.Results[0]
}

// gradeCase is one check graded on a fixture: the status it must get and,
// when not empty, the detail.
type gradeCase struct {
	name, check string
	status      result.Status
	detail      string
}

// gradeCases grades each case on a fresh fixture of manifests.
func gradeCases(t *testing.T, manifests string, cases []gradeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, manifests)
			r := fx.grade(t, tc.check)
			if r.Status != tc.status || (tc.detail != "" && r.Detail != tc.detail) {
				t.Fatalf("got %s %q, want %s %q", r.Status, r.Detail, tc.status, tc.detail)
			}
		})
	}
}
