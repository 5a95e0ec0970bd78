package lab

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	clienttesting "k8s.io/client-go/testing"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubedojo/kubedojo/lessons"
)

// resettable gives a static mapper the Reset a discovery mapper has.
type resettable struct{ meta.RESTMapper }

func (resettable) Reset() {}

type testKind struct {
	gvk        schema.GroupVersionKind
	resource   string
	namespaced bool
}

var testKinds = []testKind{
	{schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, "namespaces", false},
	{schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, "configmaps", true},
	{schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, "pods", true},
	{schema.GroupVersionKind{Version: "v1", Kind: "Node"}, "nodes", false},
	{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, "deployments", true},
	{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"}, "clusterroles", false},
	{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRoleBinding"}, "clusterrolebindings", false},
}

// fakeCluster is an Environment on fake clients. Server-side apply is
// emulated as create-or-replace, and every apply is recorded.
type fakeCluster struct {
	env     *Environment
	kube    *kubefake.Clientset
	dyn     *dynamicfake.FakeDynamicClient
	mu      sync.Mutex
	applied []clienttesting.PatchActionImpl
}

func newFakeCluster(t *testing.T, opts EnvOptions, objs ...runtime.Object) *fakeCluster {
	t.Helper()
	// The dynamic fake keeps unstructured objects only when its scheme
	// knows no typed ones.
	scheme := runtime.NewScheme()
	var gvs []schema.GroupVersion
	for _, k := range testKinds {
		gvs = append(gvs, k.gvk.GroupVersion())
	}
	mapper := meta.NewDefaultRESTMapper(gvs)
	listKinds := map[schema.GroupVersionResource]string{}
	var resources []*metav1.APIResourceList
	for _, k := range testKinds {
		scope := meta.RESTScopeRoot
		if k.namespaced {
			scope = meta.RESTScopeNamespace
		}
		mapper.Add(k.gvk, scope)
		listKinds[k.gvk.GroupVersion().WithResource(k.resource)] = k.gvk.Kind + "List"
		resources = append(resources, &metav1.APIResourceList{GroupVersion: k.gvk.GroupVersion().String(), APIResources: []metav1.APIResource{
			{Name: k.resource, Kind: k.gvk.Kind, Namespaced: k.namespaced, Verbs: metav1.Verbs{"list", "delete", "get"}},
		}})
	}
	kube := kubefake.NewClientset()
	kube.Discovery().(*fakediscovery.FakeDiscovery).Resources = resources
	var uobjs []runtime.Object
	for _, o := range objs {
		gvks, _, err := clientgoscheme.Scheme.ObjectKinds(o)
		if err != nil {
			t.Fatal(err)
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: m}
		u.SetGroupVersionKind(gvks[0])
		uobjs = append(uobjs, u)
	}
	f := &fakeCluster{kube: kube, dyn: dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme, listKinds, uobjs...)}
	f.dyn.PrependReactor("patch", "*", f.apply)
	f.env = newEnvironment(kube, f.dyn, memory.NewMemCacheClient(kube.Discovery()), resettable{mapper}, opts)
	f.env.poll = time.Millisecond
	return f
}

// apply emulates server-side apply on the fake tracker.
func (f *fakeCluster) apply(a clienttesting.Action) (bool, runtime.Object, error) {
	p := a.(clienttesting.PatchActionImpl)
	if p.GetPatchType() != types.ApplyPatchType {
		return false, nil, nil
	}
	f.mu.Lock()
	f.applied = append(f.applied, p)
	f.mu.Unlock()
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(p.GetPatch()); err != nil {
		return true, nil, err
	}
	tr := f.dyn.Tracker()
	if _, err := tr.Get(p.GetResource(), p.GetNamespace(), p.GetName()); err != nil {
		obj.SetUID(types.UID("uid-" + p.GetName()))
		obj.SetGeneration(1)
		return true, obj, tr.Create(p.GetResource(), obj, p.GetNamespace())
	}
	return true, obj, tr.Update(p.GetResource(), obj, p.GetNamespace())
}

func (f *fakeCluster) get(t *testing.T, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := f.dyn.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get %s %s/%s: %v", gvr.Resource, ns, name, err)
	}
	return obj
}

var (
	configMapGVR  = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	deploymentGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	roleGVR       = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}
)

func exerciseYAML(t *testing.T, id, src string) *lessons.Exercise {
	t.Helper()
	var ex lessons.Exercise
	if err := yaml.Unmarshal([]byte(src), &ex); err != nil {
		t.Fatal(err)
	}
	ex.ID = id
	ex.File = "lessons/" + id + ".yaml"
	return &ex
}

func TestPrepareObject(t *testing.T) {
	ex := &lessons.Exercise{ID: "rbac/roles", Namespaces: []lessons.Namespace{{Name: "rbac-1"}}}
	tests := []struct {
		name       string
		namespace  string
		namespaced bool
		want       string
	}{
		{"namespaced without namespace gets the default", "", true, "rbac-1"},
		{"explicit namespace kept", "rbac-2", true, "rbac-2"},
		{"cluster-scoped never has one", "rbac-1", false, ""},
	}
	for _, tt := range tests {
		obj := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "x", "labels": map[string]any{"app": "x"}}}}
		obj.SetNamespace(tt.namespace)
		(&Environment{opts: EnvOptions{Instance: "0123456789abcdef"}}).prepareObject(obj, tt.namespaced, ex)
		if obj.GetNamespace() != tt.want {
			t.Errorf("%s: namespace %q, want %q", tt.name, obj.GetNamespace(), tt.want)
		}
		l := obj.GetLabels()
		if l["app"] != "x" || l[LabelManagedBy] != ManagedBy || l[LabelExercise] != "rbac.roles" || l[LabelInstance] != "0123456789abcdef" {
			t.Errorf("%s: labels %v", tt.name, l)
		}
	}
}

const unitExercise = `
title: t
tier: api
namespaces: [{name: ex-ns, labels: {team: a}}, {name: ex-learner, learnerCreates: true}]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: conf, labels: {app: conf}}
      data: {a: "1", node: "{{NODE}}"}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: ex-role}
  - delete: ConfigMap/gone
checks:
  - id: c
    title: t
    message: m
    allOf:
      - unchanged: {object: ConfigMap/conf, uid: true, paths: [.data.a, '{.metadata.labels.app}', .data.missing]}
hints: [a, b]
solution: {steps: [{run: "true"}]}
cleanup:
  - nodeLabel: {node: "{{NODE}}", keys: [disk]}
  - nodeTaint: {node: "{{NODE}}", keys: [dedicated]}
  - restore: {kind: ConfigMap, namespace: kube-system, name: coredns}
  - kubeconfig: restore
`

func TestSetupAppliesLabelledObjectsAndRecordsBaselines(t *testing.T) {
	state := t.TempDir()
	kubeconfig := filepath.Join(state, "kc")
	cfg := kubeconfigWith(t, "lab", map[string]*clientcmdapi.Cluster{"lab": {Server: "https://x"}, "other": {Server: "https://y"}})
	if err := writeKubeconfig(kubeconfig, cfg); err != nil {
		t.Fatal(err)
	}
	coredns := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system", UID: "c1", ResourceVersion: "7"}, Data: map[string]string{"Corefile": "good"}}
	f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "n1", Lab: state}, StateDir: state, KubeconfigPath: kubeconfig, Context: "kind-kd"}, coredns)
	ex := exerciseYAML(t, "l/e", unitExercise)
	ctx := context.Background()
	if err := f.env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	for _, a := range f.applied {
		po := a.PatchOptions
		if po.FieldManager != FieldManager || po.Force == nil || !*po.Force {
			t.Errorf("apply of %s without field manager %q and force: %+v", a.GetName(), FieldManager, po)
		}
	}
	ns := f.get(t, namespaceGVR, "", "ex-ns")
	if l := ns.GetLabels(); l["team"] != "a" || l[LabelExercise] != "l.e" || l[LabelManagedBy] != ManagedBy {
		t.Errorf("namespace labels %v", l)
	}
	cm := f.get(t, configMapGVR, "ex-ns", "conf")
	if l := cm.GetLabels(); l["app"] != "conf" || l[LabelExercise] != "l.e" {
		t.Errorf("config map labels %v", l)
	}
	if v, _, _ := unstructured.NestedString(cm.Object, "data", "node"); v != "n1" {
		t.Errorf("template not expanded: node = %q", v)
	}
	if role := f.get(t, roleGVR, "", "ex-role"); role.GetNamespace() != "" || role.GetLabels()[LabelExercise] != "l.e" {
		t.Errorf("cluster role %s/%s labels %v", role.GetNamespace(), role.GetName(), role.GetLabels())
	}
	if _, err := f.dyn.Resource(namespaceGVR).Get(ctx, "ex-learner", metav1.GetOptions{}); err == nil {
		t.Error("learner-created namespace made by setup")
	}

	b, err := f.env.Baseline(ex)
	if err != nil {
		t.Fatal(err)
	}
	ob := b.Objects["ConfigMap/ex-ns/conf"]
	want := map[string]string{".data.a": `["1"]`, "{.metadata.labels.app}": `["conf"]`, ".data.missing": `[]`}
	if ob.UID != "uid-conf" || len(ob.Paths) != 3 {
		t.Errorf("baseline %+v", ob)
	}
	for p, v := range want {
		if ob.Paths[p] != v {
			t.Errorf("baseline path %s = %s, want %s", p, ob.Paths[p], v)
		}
	}
	var snap map[string]any
	if err := json.Unmarshal(b.Snapshots["ConfigMap/kube-system/coredns"], &snap); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	if md := snap["metadata"].(map[string]any); md["uid"] != nil || md["resourceVersion"] != nil || md["name"] != "coredns" {
		t.Errorf("snapshot metadata keeps identity: %v", md)
	}
	if b.KubeContext != "lab" || b.Context != "kind-kd" {
		t.Errorf("kube context %q, cluster %q", b.KubeContext, b.Context)
	}
	if _, err := os.Stat(filepath.Join(state, "baselines", "kind-kd", "l.e.json")); err != nil {
		t.Errorf("baseline not persisted: %v", err)
	}

	// A second setup without cleanup keeps the first snapshot: coredns is
	// now "broken" but the snapshot must still say "good".
	cur := f.get(t, configMapGVR, "kube-system", "coredns")
	_ = unstructured.SetNestedField(cur.Object, "broken", "data", "Corefile")
	if _, err := f.dyn.Resource(configMapGVR).Namespace("kube-system").Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if b2, _ := f.env.Baseline(ex); !strings.Contains(string(b2.Snapshots["ConfigMap/kube-system/coredns"]), "good") {
		t.Error("snapshot replaced by a later setup")
	}
}

func TestSetupStepErrors(t *testing.T) {
	f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Lab: t.TempDir()}})
	ex := exerciseYAML(t, "l/bad", `title: t
namespaces: [ns]
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: a}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: b}
      spec: {unknown: true}
  - node: "true"
`)
	err := f.env.Setup(context.Background(), ex)
	var se *StepError
	// The step is on line 4, the unknown field on line 8 of its text.
	if !errors.As(err, &se) || se.Line != 12 || se.Index != 1 || !strings.Contains(err.Error(), "lessons/l/bad.yaml:12: setup step 1 (apply) of l/bad: invalid manifest: spec: unknown field") {
		t.Errorf("err = %v", err)
	}
	ex.Setup = ex.Setup[1:]
	if err := f.env.Setup(context.Background(), ex); !errors.Is(err, ErrNoNodeAccess) {
		t.Errorf("node step without node access: %v", err)
	}
}

func TestCleanupSteps(t *testing.T) {
	state := t.TempDir()
	kubeconfig := filepath.Join(state, "kc")
	cfg := kubeconfigWith(t, "lab", map[string]*clientcmdapi.Cluster{"lab": {Server: "https://x"}, "other": {Server: "https://y"}})
	if err := writeKubeconfig(kubeconfig, cfg); err != nil {
		t.Fatal(err)
	}
	coredns := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system"}, Data: map[string]string{"Corefile": "good"}}
	f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "n1", Lab: state}, StateDir: state, KubeconfigPath: kubeconfig, Context: "lab"}, coredns)
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"disk": "ssd", "zone": "a"}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{
			{Key: "dedicated", Value: "x", Effect: corev1.TaintEffectNoSchedule},
			{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule},
		}},
	}
	ctx := context.Background()
	if _, err := f.kube.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ex := exerciseYAML(t, "l/e", unitExercise)
	if err := f.env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	// The learner's changes.
	cur := f.get(t, configMapGVR, "kube-system", "coredns")
	_ = unstructured.SetNestedField(cur.Object, "broken", "data", "Corefile")
	_ = unstructured.SetNestedField(cur.Object, "x", "data", "extra")
	if _, err := f.dyn.Resource(configMapGVR).Namespace("kube-system").Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := setCurrentContext(kubeconfig, "other"); err != nil {
		t.Fatal(err)
	}
	learnerNS := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "ex-learner"}}}
	if _, err := f.dyn.Resource(namespaceGVR).Create(ctx, learnerNS, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	if err := f.env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	n, _ := f.kube.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
	if _, ok := n.Labels["disk"]; ok || n.Labels["zone"] != "a" {
		t.Errorf("node labels after cleanup: %v", n.Labels)
	}
	if len(n.Spec.Taints) != 1 || n.Spec.Taints[0].Key != "node-role.kubernetes.io/control-plane" {
		t.Errorf("node taints after cleanup: %v", n.Spec.Taints)
	}
	data, _, _ := unstructured.NestedStringMap(f.get(t, configMapGVR, "kube-system", "coredns").Object, "data")
	if len(data) != 1 || data["Corefile"] != "good" {
		t.Errorf("coredns after restore: %v", data)
	}
	if c, _ := currentContext(kubeconfig); c != "lab" {
		t.Errorf("current context %q after restore", c)
	}
	for _, name := range []string{"ex-ns", "ex-learner"} {
		if _, err := f.dyn.Resource(namespaceGVR).Get(ctx, name, metav1.GetOptions{}); err == nil {
			t.Errorf("namespace %s survived cleanup", name)
		}
	}
	if _, err := f.dyn.Resource(roleGVR).Get(ctx, "ex-role", metav1.GetOptions{}); err == nil {
		t.Error("labelled cluster role survived cleanup")
	}
	if _, err := f.env.Baseline(ex); !errors.Is(err, ErrNotSetUp) {
		t.Errorf("baseline after cleanup: %v", err)
	}
}

func TestForeignCleanupKeepsWhatItDoesNotOwn(t *testing.T) {
	f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "n1", Lab: t.TempDir()}, Foreign: true})
	ctx := context.Background()
	ex := exerciseYAML(t, "l/e", unitExercise)
	learnerNS := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "ex-learner"}}}
	if _, err := f.dyn.Resource(namespaceGVR).Create(ctx, learnerNS, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	err := f.env.Cleanup(ctx, ex)
	var kept *KeptError
	if !errors.As(err, &kept) {
		t.Fatalf("Cleanup: %v, want a KeptError", err)
	}
	// nodeLabel, nodeTaint, restore and the learner's namespace.
	if len(kept.Items) != 4 || !strings.Contains(err.Error(), "namespace ex-learner") {
		t.Errorf("kept %q", kept.Items)
	}
	if _, err := f.dyn.Resource(namespaceGVR).Get(ctx, "ex-learner", metav1.GetOptions{}); err != nil {
		t.Errorf("unlabelled namespace deleted: %v", err)
	}
}

func TestCapabilities(t *testing.T) {
	f := newFakeCluster(t, EnvOptions{})
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	f.env.now = func() time.Time { return now }
	f.env.lookPath = func(string) (string, error) { return "", errors.New("not found") }
	ctx := context.Background()

	c, err := f.env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Tiers[lessons.TierAPI] || c.Tiers[lessons.TierControllers] || c.Tiers[lessons.TierKubelet] || c.Tiers[lessons.TierNodeAccess] {
		t.Errorf("bare API server: %v", c.Tiers)
	}
	for _, k := range []string{"controllers", "kubelet", "node-access", AddonHelm, AddonGatewayAPI, AddonMetricsServer} {
		if c.Missing[k] == "" {
			t.Errorf("no reason for missing %s", k)
		}
	}
	if !strings.HasPrefix(c.Missing[AddonHelm], "helm not found on PATH; install Helm 3") {
		t.Errorf("helm is missing because %q", c.Missing[AddonHelm])
	}
	if ok, why := c.Serves(&lessons.Exercise{Tier: lessons.TierKubelet}); ok || !strings.Contains(why, "controllers") {
		t.Errorf("Serves(kubelet) = %v %q", ok, why)
	}
	if ok, _ := c.Serves(&lessons.Exercise{Tier: lessons.TierAPI}); !ok {
		t.Error("an API server serves api exercises")
	}

	fresh := metav1.NewMicroTime(now.Add(-5 * time.Second))
	stale := metav1.NewMicroTime(now.Add(-10 * time.Minute))
	for name, renew := range map[string]metav1.MicroTime{"kube-controller-manager": fresh, "kube-scheduler": fresh} {
		lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system"}, Spec: coordinationv1.LeaseSpec{RenewTime: &renew}}
		if _, err := f.kube.CoordinationV1().Leases("kube-system").Create(ctx, lease, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ready := corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}}
	for _, n := range []*corev1.Node{
		{ObjectMeta: metav1.ObjectMeta{Name: "cp", Labels: map[string]string{controlPlaneLabel: ""}}, Status: ready},
		{ObjectMeta: metav1.ObjectMeta{Name: "w1"}, Status: ready},
		{ObjectMeta: metav1.ObjectMeta{Name: "w2"}},
	} {
		if _, err := f.kube.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	fd := f.kube.Discovery().(*fakediscovery.FakeDiscovery)
	fd.Resources = append(fd.Resources, &metav1.APIResourceList{GroupVersion: "gateway.networking.k8s.io/v1", APIResources: []metav1.APIResource{{Name: "gateways", Kind: "Gateway", Namespaced: true}}})
	f.env.lookPath = func(string) (string, error) { return "/usr/bin/helm", nil }
	f.env.opts.Node = toolNode{}

	c, err = f.env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tier := range []lessons.Tier{lessons.TierAPI, lessons.TierControllers, lessons.TierKubelet, lessons.TierNodeAccess} {
		if !c.Tiers[tier] {
			t.Errorf("tier %s missing: %s", tier, c.Missing[string(tier)])
		}
	}
	if !c.Addons[AddonHelm] || !c.Addons[AddonGatewayAPI] || c.Addons[AddonMetricsServer] || c.Workers != 1 {
		t.Errorf("addons %v workers %d", c.Addons, c.Workers)
	}
	if ok, why := c.Serves(&lessons.Exercise{Tier: lessons.TierKubelet, Workers: 2}); ok || !strings.Contains(why, "2 worker") {
		t.Errorf("Serves(workers: 2) = %v %q", ok, why)
	}
	if ok, why := c.Serves(&lessons.Exercise{Tier: lessons.TierAddon, Addon: AddonMetricsServer}); ok || !strings.Contains(why, "metrics-server") {
		t.Errorf("Serves(metrics-server) = %v %q", ok, why)
	}
	if ok, _ := c.Serves(&lessons.Exercise{Tier: lessons.TierAddon, Addon: AddonGatewayAPI}); !ok {
		t.Error("gateway-api exercise not served")
	}

	lease, _ := f.kube.CoordinationV1().Leases("kube-system").Get(ctx, "kube-scheduler", metav1.GetOptions{})
	lease.Spec.RenewTime = &stale
	if _, err := f.kube.CoordinationV1().Leases("kube-system").Update(ctx, lease, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if c, _ = f.env.Capabilities(ctx); c.Tiers[lessons.TierControllers] || !strings.Contains(c.Missing["controllers"], "kube-scheduler last renewed") {
		t.Errorf("stale scheduler lease: %v %q", c.Tiers, c.Missing["controllers"])
	}
}

func TestObjectKeyAndPathValues(t *testing.T) {
	tests := []struct {
		ref  lessons.ObjectRef
		want string
	}{
		{lessons.ObjectRef{Kind: "Deployment", Name: "web"}, "Deployment.apps/ns/web"},
		{lessons.ObjectRef{Kind: "ConfigMap", Name: "c", Namespace: "other"}, "ConfigMap/other/c"},
		{lessons.ObjectRef{Kind: "Namespace", Name: "sec-2"}, "Namespace/sec-2"},
		{lessons.ObjectRef{APIVersion: "lab.example.com/v1", Kind: "Backup", Name: "b"}, "Backup.lab.example.com/ns/b"},
	}
	for _, tt := range tests {
		if got := ObjectKey(tt.ref, "ns"); got != tt.want {
			t.Errorf("ObjectKey(%v) = %q, want %q", tt.ref, got, tt.want)
		}
	}
	obj := map[string]any{"spec": map[string]any{"containers": []any{
		map[string]any{"name": "a", "image": "nginx:1.27"},
		map[string]any{"name": "b", "image": "busybox:1.36"},
	}}}
	if got, err := lessons.PathValues(obj, "{.spec.containers[*].image}"); err != nil || got != `["nginx:1.27","busybox:1.36"]` {
		t.Errorf("PathValues = %s, %v", got, err)
	}
	if _, err := lessons.PathValues(obj, "{.spec[}"); err == nil {
		t.Error("invalid path accepted")
	}
}

func TestFileSteps(t *testing.T) {
	lab := t.TempDir()
	vars := lessons.Vars{Lab: lab}
	for _, p := range []string{lab + "/../escape.txt", "/etc/passwd", "../x"} {
		if _, err := labPath(vars, p); err == nil {
			t.Errorf("labPath(%q) accepted a path outside the lab", p)
		}
	}
	if p, err := labPath(vars, "sub/f.txt"); err != nil || p != filepath.Join(lab, "sub", "f.txt") {
		t.Errorf("relative path: %q %v", p, err)
	}
	if err := writeLabFile(vars, &lessons.FileStep{Path: lab + "/a/b/run.sh", Content: "echo hi\n", Mode: "0755"}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, filepath.Join(lab, "a", "b", "run.sh")); m != 0o755 {
		t.Errorf("mode %o", m)
	}
	if err := writeTLS(vars, &lessons.TLSStep{Cert: lab + "/tls/c.crt", Key: lab + "/tls/c.key", Host: "shop.lab.local"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(lab, "tls", "c.crt"))
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	if _, err := cert.Verify(x509.VerifyOptions{DNSName: "shop.lab.local", Roots: pool}); err != nil {
		t.Errorf("certificate does not verify for its host: %v", err)
	}
	if m := mode(t, filepath.Join(lab, "tls", "c.key")); m != 0o600 {
		t.Errorf("key mode %o", m)
	}
}

func TestEnvironmentErrorsFromAnUnreachableCluster(t *testing.T) {
	env, err := NewEnvironment(&rest.Config{Host: "https://127.0.0.1:1", Timeout: time.Second}, EnvOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns"}}}
	ctx := context.Background()
	for name, err := range map[string]error{"Setup": env.Setup(ctx, ex), "Cleanup": env.Cleanup(ctx, ex)} {
		if !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: %v, want ErrUnreachable", name, err)
		}
	}
	if _, err := env.Capabilities(ctx); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Capabilities: %v", err)
	}
}

// failingNode is node access whose scripts all fail.
type failingNode struct{}

func (failingNode) Exec(context.Context, string, string) (string, string, int, error) {
	return "", "rm: cannot remove", 1, nil
}

func TestCleanupContinuesAfterAFailedStep(t *testing.T) {
	f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "n1", Lab: t.TempDir()}, Node: failingNode{}})
	ctx := context.Background()
	ex := exerciseYAML(t, "l/node", `title: t
namespaces: [node-ns]
cleanup:
  - node: rm /etc/kubernetes/manifests/static-web.yaml
`)
	if err := f.env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	err := f.env.Cleanup(ctx, ex)
	var se *StepError
	if !errors.As(err, &se) || se.Phase != "cleanup" || se.Action != "node" || !strings.Contains(err.Error(), "exited with 1: rm: cannot remove") {
		t.Errorf("Cleanup: %v, want the node step's failure", err)
	}
	if _, err := f.dyn.Resource(namespaceGVR).Get(ctx, "node-ns", metav1.GetOptions{}); err == nil {
		t.Error("namespace kept because an earlier cleanup step failed")
	}
}

// recordingNode is node access that records where each script ran.
type recordingNode struct {
	mu  sync.Mutex
	ran []string // "node: script"
}

func (r *recordingNode) Exec(_ context.Context, node, script string) (string, string, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ran = append(r.ran, node+": "+script)
	return "", "", 0, nil
}

// A worker's kubelet is broken and repaired inside the worker: node steps
// with onNode run there, in setup, solution and cleanup alike; the others
// keep running in {{NODE}}.
func TestNodeStepsRunOnTheNodeTheyName(t *testing.T) {
	rec := &recordingNode{}
	f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "cp", Worker: "w1", Lab: t.TempDir()}, Node: rec})
	ctx := context.Background()
	ex := exerciseYAML(t, "l/worker", `title: t
tier: node-access
workers: 1
namespaces: [worker-ns]
setup:
  - node: systemctl stop kubelet
    onNode: "{{WORKER}}"
  - node: echo on the control plane
solution:
  steps:
    - node: systemctl start kubelet
      onNode: "{{WORKER}}"
cleanup:
  - node: systemctl restart kubelet
    onNode: "{{WORKER}}"
  - node: echo cleanup on the control plane
`)
	if err := f.env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if err := f.env.ApplySolution(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if err := f.env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"w1: systemctl stop kubelet",
		"cp: echo on the control plane",
		"w1: systemctl start kubelet",
		"w1: systemctl restart kubelet",
		"cp: echo cleanup on the control plane",
	}
	if strings.Join(rec.ran, "\n") != strings.Join(want, "\n") {
		t.Errorf("node scripts ran as\n%s\nwant\n%s", strings.Join(rec.ran, "\n"), strings.Join(want, "\n"))
	}

	// A step meant for the worker never falls back to the control plane
	// when the cluster has no worker.
	rec.ran = nil
	f.env.opts.Vars.Worker = ""
	if err := f.env.Setup(ctx, ex); err == nil || !strings.Contains(err.Error(), "no worker") {
		t.Errorf("setup without a worker: %v, want an error naming the missing worker", err)
	}
	if len(rec.ran) != 0 {
		t.Errorf("scripts ran without a worker: %q", rec.ran)
	}
}
