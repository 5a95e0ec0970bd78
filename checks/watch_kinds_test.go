package checks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// laterPod is a running, ready pod that the watch cases create.
const laterPod = `
apiVersion: v1
kind: Pod
metadata: {name: later, labels: {app: new}}
spec: {containers: [{name: c, image: busybox:1.36}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-11-25T11:00:00Z"}]
  containerStatuses: [{name: c, ready: true, restartCount: 0, image: busybox:1.36, imageID: "", state: {running: {}}}]
`

// watchCase is a check that fails on podsFixture (plus start) until a
// change to an object it reads, which a watch must notice.
type watchCase struct {
	check string
	// start adds objects to podsFixture.
	start string
	// prepare sets up the fakes before the watch starts.
	prepare func(t *testing.T, fx *fixture)
	// change makes the check pass.
	change func(t *testing.T, fx *fixture)
}

func applying(manifests string) func(*testing.T, *fixture) {
	return func(t *testing.T, fx *fixture) { fx.apply(t, manifests) }
}

// watchCases has a case for every kind that names what it reads (see
// TestEveryWatchedKindHasAWatchCase).
var watchCases = map[string]watchCase{
	"exists": {check: `{exists: ConfigMap/later}`,
		change: applying(`{apiVersion: v1, kind: ConfigMap, metadata: {name: later}}`)},
	"absent": {check: `{absent: ConfigMap/settings}`,
		change: func(t *testing.T, fx *fixture) { fx.delete(t, "configmaps", "settings") }},
	"field": {check: `{field: {object: ConfigMap/settings, path: .data.mode, equals: prod}}`,
		change: applying(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: prod}}`)},
	"condition": {check: `{condition: {object: Job/keys, type: Complete}}`,
		change: applying(`
apiVersion: batch/v1
kind: Job
metadata: {name: keys}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: keys, image: busybox:1.36}]}}}
status: {conditions: [{type: Complete, status: "True"}]}`)},
	"pods": {check: `{pods: {selector: app=new, count: 1}}`, change: applying(laterPod)},
	"workload": {check: `{workload: {object: Deployment/solo}}`,
		start: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: solo}
spec: {replicas: 1, selector: {matchLabels: {app: solo}}, template: {metadata: {labels: {app: solo}}, spec: {containers: [{name: c, image: busybox:1.36}]}}}
status: {observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 0}`,
		change: applying(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: solo}
spec: {replicas: 1, selector: {matchLabels: {app: solo}}, template: {metadata: {labels: {app: solo}}, spec: {containers: [{name: c, image: busybox:1.36}]}}}
status: {observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1}`)},
	"container": {check: `{container: {object: Pod/later, name: c, image: busybox:1.36}}`,
		change: applying(laterPod)},
	"service": {check: `{service: {name: web, type: ClusterIP}}`,
		change: applying(`
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 8080, targetPort: http}], type: ClusterIP}`)},
	"selects": {check: `{selects: {object: NetworkPolicy/db, path: .spec.podSelector, pods: app=bare}}`,
		change: applying(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db}
spec: {podSelector: {matchLabels: {app: bare}}, policyTypes: [Ingress]}`)},
	"access": {check: `{access: {user: alice, allowed: ["get pods in ns1"]}}`,
		prepare: func(t *testing.T, fx *fixture) { fx.sarAllows(&fx.allowed) },
		change: func(t *testing.T, fx *fixture) {
			fx.allowed.Store(true)
			fx.apply(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: alice}]`)
		}},
	"exec": {check: `{exec: {pod: later, command: [cat, /ready]}}`,
		prepare: func(t *testing.T, fx *fixture) { fx.exec.results["cat /ready"] = ExecResult{} },
		change:  applying(laterPod)},
	"http": {check: `{http: {from: later, url: "http://web:8080", expect: Welcome}}`,
		prepare: func(t *testing.T, fx *fixture) {
			fx.exec.results["wget -qO- -T 3 http://web:8080"] = ExecResult{Stdout: "Welcome to nginx!"}
		},
		change: applying(laterPod)},
	"logs": {check: `{logs: {pod: later, contains: fake logs}}`, change: applying(laterPod)},
	"events": {check: `{events: {object: Pod/bare, reason: Killing}}`,
		change: applying(`
apiVersion: v1
kind: Event
metadata: {name: bare.1}
involvedObject: {kind: Pod, name: bare, namespace: ns1}
reason: Killing
message: Stopping container c`)},
	"answer": {check: `{answer: {key: color, equals: blue}}`,
		change: applying(`{apiVersion: v1, kind: ConfigMap, metadata: {name: answers}, data: {color: blue}}`)},
	"unchanged": {check: `{unchanged: {object: ConfigMap/settings, paths: [.data.mode]}}`,
		prepare: func(t *testing.T, fx *fixture) {
			fx.env.Baselines = fakeBaselines{"ConfigMap/ns1/settings": {Paths: map[string]string{".data.mode": `["prod"]`}}}
		},
		change: applying(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: prod}}`)},
	"dryRun": {check: `{dryRun: {manifest: "{apiVersion: v1, kind: Pod, metadata: {name: probe}, spec: {serviceAccountName: builder, containers: [{name: c, image: busybox:1.36}]}}", path: .spec.serviceAccountName, equals: builder}}`,
		prepare: func(t *testing.T, fx *fixture) { fx.serviceAccountAdmission() },
		change:  applying(`{apiVersion: v1, kind: ServiceAccount, metadata: {name: builder}}`)},
	"kubeconfig": {check: `{kubeconfig: {context: dev}}`,
		prepare: func(t *testing.T, fx *fixture) {
			fx.env.Kubeconfig.Path = filepath.Join(t.TempDir(), "config")
			writeKubeconfig(t, fx.env.Kubeconfig.Path, "lab")
		},
		change: func(t *testing.T, fx *fixture) { writeKubeconfig(t, fx.env.Kubeconfig.Path, "dev") }},
	"allOf": {check: `{allOf: [{exists: ConfigMap/later}, {exists: ConfigMap/settings}]}`,
		change: applying(`{apiVersion: v1, kind: ConfigMap, metadata: {name: later}}`)},
	"anyOf": {check: `{anyOf: [{exists: ConfigMap/later}, {exists: ConfigMap/other}]}`,
		change: applying(`{apiVersion: v1, kind: ConfigMap, metadata: {name: later}}`)},
}

// TestWatchFollowsEveryKind watches one check of each kind that names what
// it reads, changes one object it reads, and expects the watch to grade it
// again because of that change (not because of a retry): a kind whose
// dependencies are missing never turns green live in the TUI. (The
// trigger names the first change since the last evaluation, which may be a
// late notification of the initial list, so only its kind is compared.)
func TestWatchFollowsEveryKind(t *testing.T) {
	for name, tc := range watchCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t, podsFixture+"\n---\n"+tc.start)
			if tc.prepare != nil {
				tc.prepare(t, fx)
			}
			c := parseCheck(t, tc.check)
			if kind := c.Kind(); kind != name {
				t.Fatalf("the case of %s holds a %s check", name, kind)
			}
			ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}, Checks: []lessons.Check{c}}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reports := make(chan result.Report, 100)
			go func() { _ = NewGrader(fx.env).Watch(ctx, ex, func(r result.Report) { reports <- r }) }()
			select {
			case r := <-reports:
				if r.Results[0].Status != result.Fail {
					t.Fatalf("before the change: %s %s, want a failure", r.Results[0].Status, r.Results[0].Detail)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("no initial report")
			}
			tc.change(t, fx)
			deadline := time.After(30 * time.Second)
			var last result.Report
			for {
				select {
				case r := <-reports:
					last = r
					if r.Results[0].Status == result.Pass && strings.HasPrefix(r.Trigger, "change: ") {
						return
					}
				case <-deadline:
					t.Fatalf("the watch did not grade again on the change; last report (%s): %+v", last.Trigger, last.Results)
				}
			}
		})
	}
}

// TestEveryWatchedKindHasAWatchCase: a kind added with dependencies gets
// its watch case too.
func TestEveryWatchedKindHasAWatchCase(t *testing.T) {
	for name, k := range checkKinds {
		if _, ok := watchCases[name]; !ok && !k.polled {
			t.Errorf("check kind %s has dependencies but no case in watchCases", name)
		}
	}
}

// apply creates or replaces the objects of manifests in the fake cluster.
func (fx *fixture) apply(t *testing.T, manifests string) {
	t.Helper()
	for _, o := range objectsFrom(t, manifests) {
		u := o.(*unstructured.Unstructured)
		gvr, _ := meta.UnsafeGuessKindToResource(u.GroupVersionKind())
		ri := fx.env.Dynamic.Resource(gvr).Namespace(u.GetNamespace())
		_, err := ri.Update(context.Background(), u, metav1.UpdateOptions{})
		if apierrors.IsNotFound(err) {
			_, err = ri.Create(context.Background(), u, metav1.CreateOptions{})
		}
		if err != nil {
			t.Fatalf("apply %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
}

func (fx *fixture) delete(t *testing.T, resource, name string) {
	t.Helper()
	gvr := schema.GroupVersionResource{Version: "v1", Resource: resource}
	if err := fx.env.Dynamic.Resource(gvr).Namespace("ns1").Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete %s %s: %v", resource, name, err)
	}
}

// sarAllows makes every SubjectAccessReview answer what allowed holds.
func (fx *fixture) sarAllows(allowed *atomic.Bool) {
	fx.kube.PrependReactor("create", "subjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		sar := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SubjectAccessReview)
		sar.Status.Allowed = allowed.Load()
		return true, sar, nil
	})
}

// serviceAccountAdmission rejects dry-run pods whose service account does
// not exist, as the API server's ServiceAccount admission does.
func (fx *fixture) serviceAccountAdmission() {
	dyn := fx.env.Dynamic.(*dynamicfake.FakeDynamicClient)
	dyn.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		obj := a.(k8stesting.CreateAction).GetObject().(*unstructured.Unstructured)
		sa, _, _ := unstructured.NestedString(obj.Object, "spec", "serviceAccountName")
		saGVR := schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
		if _, err := dyn.Tracker().Get(saGVR, a.GetNamespace(), sa); err != nil {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, obj.GetName(),
				fmt.Errorf("error looking up service account %s/%s: serviceaccount %q not found", a.GetNamespace(), sa, sa))
		}
		return true, obj, nil
	})
}

func writeKubeconfig(t *testing.T, path, context string) {
	t.Helper()
	cfg := strings.Join([]string{
		"apiVersion: v1", "kind: Config", "current-context: " + context,
		"clusters: [{name: lab, cluster: {server: 'https://127.0.0.1:6443'}}]",
		"users: [{name: lab, user: {}}]",
		"contexts: [{name: " + context + ", context: {cluster: lab, user: lab}}]",
	}, "\n")
	if err := os.WriteFile(path, []byte(cfg+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}
