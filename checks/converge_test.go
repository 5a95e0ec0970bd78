package checks

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// convergeFixture: the fixture clock reads 12:00:00. Pod starting is being
// created; ConfigMap edited was changed 5 s ago; pod client (podsFixture)
// has been running for long; DaemonSet agent was created 3 s ago; pod
// billing waits for a key of ConfigMap fixed, which was changed after the
// pod last changed, pod billing-old for one of ConfigMap untouched;
// Deployment hello has not been seen by its controller, Deployment refused
// may not create pods.
const convergeFixture = podsFixture + `---
apiVersion: v1
kind: Pod
metadata: {name: starting, labels: {app: starting}}
spec: {containers: [{name: app, image: nginx:1.27}]}
status:
  phase: Pending
  conditions: [{type: PodScheduled, status: "True"}]
  containerStatuses: [{name: app, ready: false, restartCount: 0, image: nginx:1.27, imageID: "", state: {waiting: {reason: ContainerCreating}}}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: edited
  creationTimestamp: "2026-11-25T11:00:00Z"
  managedFields: [{manager: kubectl-edit, operation: Update, apiVersion: v1, time: "2026-11-25T11:59:55Z"}]
data: {mode: dev}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  creationTimestamp: "2026-11-25T11:59:57Z"
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent, image: busybox:1.36}]}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: fixed
  creationTimestamp: "2026-11-25T11:00:00Z"
  managedFields: [{manager: kubectl-patch, operation: Update, apiVersion: v1, time: "2026-11-25T11:59:58Z"}]
data: {currency: EUR}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
  creationTimestamp: "2026-11-25T11:00:00Z"
data: {curency: EUR}
---
apiVersion: v1
kind: Service
metadata: {name: hello, creationTimestamp: "2026-11-25T11:00:00Z"}
spec: {selector: {app: hello}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: hello, generation: 1, creationTimestamp: "2026-11-25T11:00:00Z"}
spec:
  replicas: 3
  selector: {matchLabels: {app: hello}}
  template: {metadata: {labels: {app: hello}}, spec: {containers: [{name: web, image: nginx:1.27}]}}
---
apiVersion: v1
kind: Service
metadata: {name: refused, creationTimestamp: "2026-11-25T11:00:00Z"}
spec: {selector: {app: refused}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: refused, generation: 1, creationTimestamp: "2026-11-25T11:00:00Z"}
spec:
  replicas: 1
  selector: {matchLabels: {app: refused}}
  template: {metadata: {labels: {app: refused}}, spec: {containers: [{name: web, image: nginx:1.27}]}}
status:
  observedGeneration: 1
  conditions: [{type: ReplicaFailure, status: "True", reason: FailedCreate}]
---
apiVersion: v1
kind: Pod
metadata:
  name: billing
  labels: {app: billing}
  creationTimestamp: "2026-11-25T11:58:00Z"
  managedFields: [{manager: kubelet, operation: Update, apiVersion: v1, subresource: status, time: "2026-11-25T11:58:05Z"}]
spec: {containers: [{name: app, image: busybox:1.36, env: [{name: CURRENCY, valueFrom: {configMapKeyRef: {name: fixed, key: currency}}}]}]}
status:
  phase: Pending
  containerStatuses: [{name: app, ready: false, restartCount: 0, image: busybox:1.36, imageID: "", state: {waiting: {reason: CreateContainerConfigError}}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: billing-old
  labels: {app: billing-old}
  creationTimestamp: "2026-11-25T11:58:00Z"
  managedFields: [{manager: kubelet, operation: Update, apiVersion: v1, subresource: status, time: "2026-11-25T11:58:05Z"}]
spec: {containers: [{name: app, image: busybox:1.36, env: [{name: CURRENCY, valueFrom: {configMapKeyRef: {name: untouched, key: currency}}}]}]}
status:
  phase: Pending
  containerStatuses: [{name: app, ready: false, restartCount: 0, image: busybox:1.36, imageID: "", state: {waiting: {reason: CreateContainerConfigError}}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: stale, creationTimestamp: "2026-11-25T11:00:00Z"}
spec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
status: {phase: Pending}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: stuck, creationTimestamp: "2026-11-25T11:00:00Z"}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: stuck}
  minReplicas: 3
  maxReplicas: 10
status:
  currentReplicas: 1
  desiredReplicas: 3
  lastScaleTime: "2026-11-25T11:00:05Z"
  conditions: [{type: AbleToScale, status: "False", reason: FailedUpdateScale, lastTransitionTime: "2026-11-25T11:00:05Z"}]
`

func convergeExercise(t *testing.T, checks ...string) *lessons.Exercise {
	ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}}
	for _, c := range checks {
		ex.Checks = append(ex.Checks, parseCheck(t, c))
	}
	return ex
}

// TestConvergeFailsFastWhenNothingConverges: a failing check is not waited
// for when nothing it reads is changing or in progress (its object does not
// exist at all, say), but real convergence is. What changed a moment ago
// and a command's output are waited for only after a change Converge was
// told about (minWait > 0, as verify after the reference solution); a
// person's check on such a state reports at once.
func TestConvergeFailsFastWhenNothingConverges(t *testing.T) {
	const window = 5 * time.Second
	tests := []struct {
		name, check string
		// waits for a person's check (minWait 0), waitsAfterChange for
		// verify's.
		waits, waitsAfterChange bool
	}{
		{"missing object", `{id: c, eventually: 5s, exists: Deployment/api}`, false, false},
		{"missing object read by a command", `{id: c, eventually: 5s, exec: {pod: gone, command: [cat, /tmp/out]}}`, false, false},
		{"wrong value, nothing changing", `{id: c, eventually: 5s, field: {object: ConfigMap/settings, path: .data.mode, equals: prod}}`, false, false},
		{"a pod being created", `{id: c, eventually: 5s, pods: {selector: app=starting, ready: true}}`, true, true},
		{"a pod that must stay ready longer", `{id: c, eventually: 5s, pods: {selector: app=bare, readyFor: 20s}}`, true, true},
		{"pods of a DaemonSet just created", `{id: c, eventually: 5s, pods: {selector: app=agent, minCount: 1, ownedBy: {kind: DaemonSet, name: agent}}}`, true, true},
		{"no pods, and nothing makes them", `{id: c, eventually: 5s, pods: {selector: app=nothing, minCount: 1}}`, false, false},
		{"objects a controller may be about to make", `{id: c, eventually: 5s, exists: {kind: EndpointSlice, selector: kubernetes.io/service-name=hello}}`, false, true},
		{"a pod that has not picked up its fixed ConfigMap", `{id: c, eventually: 5s, pods: {selector: app=billing, ready: true}}`, true, true},
		{"pods a Deployment has yet to make", `{id: c, eventually: 5s, service: {name: hello, readyEndpoints: 3}}`, true, true},
		{"pods a Deployment may not make", `{id: c, eventually: 5s, allOf: [{exists: Deployment/refused}, {workload: {object: Deployment/refused}}]}`, false, false},
		{"a claim Pending for long", `{id: c, eventually: 5s, field: {object: PersistentVolumeClaim/stale, path: .status.phase, equals: Bound}}`, false, false},
		{"an autoscaler that scaled long ago and is stuck", `{id: c, eventually: 5s, field: {object: HorizontalPodAutoscaler/stuck, path: .status.currentReplicas, equals: 3}}`, false, false},
		{"a pod whose ConfigMap nobody fixed", `{id: c, eventually: 5s, pods: {selector: app=billing-old, ready: true}}`, false, false},
		{"an object changed a moment ago", `{id: c, eventually: 5s, field: {object: ConfigMap/edited, path: .data.mode, equals: prod}}`, false, true},
		{"a command's output, which no read shows", `{id: c, eventually: 5s, exec: {pod: client, command: [cat, /tmp/out], stdout: {equals: x}}}`, false, true},
	}
	for _, tc := range tests {
		for _, afterChange := range []bool{false, true} {
			name, waits, minWait := tc.name, tc.waits, time.Duration(0)
			if afterChange {
				name, waits, minWait = tc.name+" after a change", tc.waitsAfterChange, window
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel() // most wait out the window
				fx := newFixture(t, convergeFixture)
				fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "y"}
				var waited []Waiting
				start := time.Now()
				rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t, tc.check), minWait, 100*time.Millisecond,
					WithWaiting(func(w Waiting) { waited = append(waited, w) }))
				took := time.Since(start)
				if rep.Results[0].Status != result.Fail {
					t.Fatalf("got %s %q", rep.Results[0].Status, rep.Results[0].Detail)
				}
				switch {
				case waits && took < window:
					t.Fatalf("gave up after %s; something is converging", took)
				case !waits && len(waited) > 0:
					t.Fatalf("waited for %+v although nothing converges", waited)
				case waits && (len(waited) == 0 || waited[0].Checks[0] != "c" || waited[0].UpTo <= 0 || waited[0].UpTo > window || waited[0].Why[0] == ""):
					t.Fatalf("waiting reported as %+v", waited)
				}
			})
		}
	}
}

// TestConvergeStopsWaitingForAStuckCommand: after a change, a command that
// fails the same way while nothing it reads changes is waited for
// unseenQuiet, not its whole window.
func TestConvergeStopsWaitingForAStuckCommand(t *testing.T) {
	fx := newFixture(t, convergeFixture)
	fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "y"}
	start := time.Now()
	rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t, `{id: c, exec: {pod: client, command: [cat, /tmp/out], stdout: {equals: x}}}`), 60*time.Second, 500*time.Millisecond)
	if took := time.Since(start); rep.Results[0].Status != result.Fail || took < unseenQuiet || took > unseenQuiet+5*time.Second {
		t.Fatalf("got %s after %s", rep.Results[0].Status, took)
	}
}

// TestConvergeWaitsForARollout: a pod that is being created becomes ready
// while Converge waits.
func TestConvergeWaitsForARollout(t *testing.T) {
	fx := newFixture(t, convergeFixture)
	go func() {
		time.Sleep(500 * time.Millisecond)
		gvr := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
		pods := fx.env.Dynamic.Resource(gvr).Namespace("ns1")
		u, err := pods.Get(context.Background(), "starting", metav1.GetOptions{})
		if err != nil {
			panic(err)
		}
		_ = unstructured.SetNestedField(u.Object, "Running", "status", "phase")
		_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "Ready", "status": "True"}}, "status", "conditions")
		_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"name": "app", "ready": true, "restartCount": int64(0), "image": "nginx:1.27", "imageID": "", "state": map[string]any{"running": map[string]any{}}}}, "status", "containerStatuses")
		if _, err := pods.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
			panic(err)
		}
	}()
	rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t, `{id: c, eventually: 10s, pods: {selector: app=starting, ready: true}}`), 0, 100*time.Millisecond)
	if rep.Results[0].Status != result.Pass {
		t.Fatalf("got %s %q", rep.Results[0].Status, rep.Results[0].Detail)
	}
}

// TestConvergeWaitsForPodsStartingBehindAService: a Service without ready
// endpoints whose selector matches a pod that is still starting is
// converging for as long as the pod starts, not only unseenQuiet (an image
// pull or a loaded node takes longer; kustomize-overlay failed verify so).
func TestConvergeWaitsForPodsStartingBehindAService(t *testing.T) {
	fixture := convergeFixture + `---
apiVersion: v1
kind: Service
metadata: {name: starting, creationTimestamp: "2026-11-25T11:00:00Z"}
spec: {selector: {app: starting}, ports: [{port: 80}]}
`
	fx := newFixture(t, fixture)
	window := unseenQuiet + 3*time.Second
	start := time.Now()
	rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t,
		`{id: c, eventually: `+window.String()+`, service: {name: starting, port: 80, readyEndpoints: 1}}`), 0, 200*time.Millisecond)
	took := time.Since(start)
	if rep.Results[0].Status != result.Fail || took < window {
		t.Fatalf("got %s after %s (window %s): a pod is starting behind the Service", rep.Results[0].Status, took, window)
	}
	if d := rep.Results[0].Detail; !strings.Contains(d, "starting") {
		t.Errorf("detail %q does not say the selected pod is still starting", d)
	}
}

// TestConvergeEvaluatesSettledChecksAgainWhileOthersWait: a failing check
// that nothing seemed to move is evaluated again while another check is
// still waited for, so a change in the meantime reaches the final report.
func TestConvergeEvaluatesSettledChecksAgainWhileOthersWait(t *testing.T) {
	fx := newFixture(t, convergeFixture)
	go func() {
		time.Sleep(time.Second)
		gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
		cms := fx.env.Dynamic.Resource(gvr).Namespace("ns1")
		u, err := cms.Get(context.Background(), "settings", metav1.GetOptions{})
		if err != nil {
			panic(err)
		}
		_ = unstructured.SetNestedField(u.Object, "prod", "data", "mode")
		if _, err := cms.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
			panic(err)
		}
	}()
	rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t,
		`{id: a, eventually: 3s, pods: {selector: app=starting, ready: true}}`,
		`{id: b, eventually: 3s, field: {object: ConfigMap/settings, path: .data.mode, equals: prod}}`), 0, 100*time.Millisecond)
	if got := rep.Results[1]; got.Status != result.Pass {
		t.Fatalf("check b: %s %q; the ConfigMap was fixed while check a was waited for", got.Status, got.Detail)
	}
}

// comingBackFixture: the fixture clock reads 12:00:00. Node worker went
// NotReady five minutes ago (its kubelet stopped posting status); pod
// waiting has been unschedulable since 11:58, and node spare, which had
// kept it out, changed at 11:59:45 (it was uncordoned).
const comingBackFixture = `
apiVersion: v1
kind: Node
metadata: {name: worker, creationTimestamp: "2026-11-25T10:00:00Z"}
status:
  conditions: [{type: Ready, status: Unknown, reason: NodeStatusUnknown, lastHeartbeatTime: "2026-11-25T11:55:00Z", lastTransitionTime: "2026-11-25T11:55:40Z"}]
---
apiVersion: v1
kind: Node
metadata:
  name: spare
  creationTimestamp: "2026-11-25T10:00:00Z"
  managedFields: [{manager: kubectl-cordon, operation: Update, apiVersion: v1, time: "2026-11-25T11:59:45Z"}]
status:
  conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2026-11-25T11:59:50Z", lastTransitionTime: "2026-11-25T10:01:00Z"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: waiting
  labels: {app: waiting}
  creationTimestamp: "2026-11-25T11:58:00Z"
  managedFields: [{manager: kube-scheduler, operation: Update, apiVersion: v1, subresource: status, time: "2026-11-25T11:58:00Z"}]
spec: {containers: [{name: app, image: busybox:1.36}]}
status:
  phase: Pending
  conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, lastTransitionTime: "2026-11-25T11:58:00Z"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  labels: {component: kube-apiserver}
  creationTimestamp: "2026-11-25T10:00:00Z"
  managedFields: [{manager: kubelet, operation: Update, apiVersion: v1, subresource: status, time: "2026-11-25T11:58:30Z"}]
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.33.0
    startupProbe: {httpGet: {path: /livez, port: 6443}, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 24, timeoutSeconds: 15}
    readinessProbe: {httpGet: {path: /readyz, port: 6443}, periodSeconds: 1, failureThreshold: 3, timeoutSeconds: 15}
status:
  phase: Running
  conditions: [{type: PodScheduled, status: "True"}, {type: Ready, status: "False"}]
  containerStatuses: [{name: kube-apiserver, ready: false, started: true, restartCount: 0, image: registry.k8s.io/kube-apiserver:v1.33.0, imageID: "", state: {running: {startedAt: "2026-11-25T11:58:30Z"}}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: archive, creationTimestamp: "2026-11-25T11:59:40Z"}
spec: {storageClassName: manual, volumeName: archive, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
status: {phase: Pending}
---
apiVersion: v1
kind: Pod
metadata:
  name: archiver
  labels: {app: archiver}
  creationTimestamp: "2026-11-25T11:59:40Z"
  managedFields: [{manager: kube-scheduler, operation: Update, apiVersion: v1, subresource: status, time: "2026-11-25T11:59:48Z"}]
spec:
  volumes: [{name: archive, persistentVolumeClaim: {claimName: archive}}]
  containers: [{name: app, image: busybox:1.36}]
status:
  phase: Pending
  conditions: [{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.", lastTransitionTime: "2026-11-25T11:59:48Z"}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: checkout, creationTimestamp: "2026-11-25T11:59:40Z"}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
  minReplicas: 3
  maxReplicas: 10
status:
  currentReplicas: 1
  desiredReplicas: 3
  lastScaleTime: "2026-11-25T11:59:45Z"
  conditions: [{type: AbleToScale, status: "True", reason: SucceededRescale, lastTransitionTime: "2026-11-25T11:59:45Z"}]
`

// TestConvergeWaitsWhileSomethingComesBack: after a change (a solution
// applied; minWait > 0), a Node whose kubelet restarts, a pod the
// scheduler is about to place and a container within its startup probe's
// budget are converging even though the API shows no
// change for a while; Converge waits for them (and says so) instead of
// giving up, and reports the state they reach.
func TestConvergeWaitsWhileSomethingComesBack(t *testing.T) {
	tests := []struct {
		name, check string
		gvr         schema.GroupVersionResource
		ns, obj     string
		fix         func(u *unstructured.Unstructured)
	}{
		{"a node whose kubelet restarts", `{id: c, field: {object: Node/worker, path: '.status.conditions[?(@.type=="Ready")].status', equals: "True"}}`,
			schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "", "worker",
			func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "Ready", "status": "True"}}, "status", "conditions")
			}},
		{"a pod about to be scheduled", `{id: c, pods: {selector: app=waiting, minCount: 1, phase: Running}}`,
			schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "ns1", "waiting",
			func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedField(u.Object, "Running", "status", "phase")
				_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "PodScheduled", "status": "True"}}, "status", "conditions")
			}},
		// The volume controller binds claims on its 15 s sync.
		{"a claim the volume controller is about to bind", `{id: c, field: {object: PersistentVolumeClaim/archive, path: .status.phase, equals: Bound}}`,
			schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumeclaims"}, "ns1", "archive",
			func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedField(u.Object, "Bound", "status", "phase")
			}},
		{"a pod that waits for its claim to be bound", `{id: c, pods: {selector: app=archiver, minCount: 1, phase: Running}}`,
			schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "ns1", "archiver",
			func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedField(u.Object, "Running", "status", "phase")
				_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "PodScheduled", "status": "True"}}, "status", "conditions")
			}},
		// The autoscaler raised its target a moment ago; it writes the
		// replicas it then counts on its next 15 s sync.
		{"an autoscaler that is rescaling its target", `{id: c, field: {object: HorizontalPodAutoscaler/checkout, path: .status.currentReplicas, equals: 3}}`,
			schema.GroupVersionResource{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"}, "ns1", "checkout",
			func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedField(u.Object, int64(3), "status", "currentReplicas")
			}},
		// An API server after an etcd restore: its container has run for
		// 90 s without being ready, well within the 250 s its startup
		// probe grants it.
		{"a control-plane pod its startup probe gives minutes", `{id: c, pods: {selector: component=kube-apiserver, count: 1, ready: true}}`,
			schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "ns1", "kube-apiserver",
			func(u *unstructured.Unstructured) {
				_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "PodScheduled", "status": "True"}, map[string]any{"type": "Ready", "status": "True"}}, "status", "conditions")
				cs, _, _ := unstructured.NestedSlice(u.Object, "status", "containerStatuses")
				cs[0].(map[string]any)["ready"] = true
				_ = unstructured.SetNestedSlice(u.Object, cs, "status", "containerStatuses")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t, comingBackFixture)
			var waited []Waiting
			fixed := make(chan struct{})
			onWait := func(w Waiting) {
				waited = append(waited, w)
				if len(waited) > 1 {
					return
				}
				// Fix the object only once Converge has said it waits: a
				// Converge that gave up never sees it.
				go func() {
					defer close(fixed)
					res := fx.env.Dynamic.Resource(tc.gvr).Namespace(tc.ns)
					u, err := res.Get(context.Background(), tc.obj, metav1.GetOptions{})
					if err != nil {
						t.Error(err)
						return
					}
					tc.fix(u)
					if _, err := res.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
						t.Error(err)
					}
				}()
			}
			rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t, tc.check), 20*time.Second, 100*time.Millisecond, WithWaiting(onWait))
			if len(waited) == 0 {
				t.Fatalf("Converge did not wait: %s %q", rep.Results[0].Status, rep.Results[0].Detail)
			}
			<-fixed
			if got := rep.Results[0]; got.Status != result.Pass {
				t.Fatalf("got %s %q after waiting for %+v", got.Status, got.Detail, waited)
			}
			if len(waited[0].Why) == 0 || waited[0].Why[0] == "" {
				t.Errorf("waiting reported as %+v: it does not say for what", waited[0])
			}
		})
	}
}

// TestConvergeDoesNotWaitOnAFreshStartState: a person's check (minWait 0)
// on a start state that was just set up (its objects changed seconds ago)
// but where nothing is in progress reports at once: recent changes only
// count when Converge follows a change it was told about (verify's
// solution), and a command's output waits only for changes seen while
// waiting.
func TestConvergeDoesNotWaitOnAFreshStartState(t *testing.T) {
	for _, check := range []string{
		`{id: c, eventually: 3s, field: {object: ConfigMap/edited, path: .data.mode, equals: prod}}`,
		`{id: c, eventually: 3s, exec: {pod: client, command: [cat, /tmp/out], stdout: {equals: x}}}`,
	} {
		fx := newFixture(t, convergeFixture)
		fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "y"}
		var waited []Waiting
		rep := NewGrader(fx.env).Converge(context.Background(), convergeExercise(t, check), 0, 100*time.Millisecond,
			WithWaiting(func(w Waiting) { waited = append(waited, w) }))
		if rep.Results[0].Status != result.Fail || len(waited) > 0 {
			t.Errorf("%s: got %s after waiting for %+v; nothing converges", check, rep.Results[0].Status, waited)
		}
	}
}
