package checks

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

func TestMain(m *testing.M) {
	code := m.Run()
	labtest.StopEnvtest()
	os.Exit(code)
}

// apiFixture is a namespace on the shared envtest API server.
type apiFixture struct {
	t   testing.TB
	cfg *rest.Config
	env *Env
	ns  string
}

var nsCounter atomic.Int64

func newAPIFixture(t testing.TB) *apiFixture {
	t.Helper()
	e := labtest.RequireEnvtest(t)
	env, err := NewEnv(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	ns := fmt.Sprintf("chk-%d-%d", time.Now().UnixNano()%100000, nsCounter.Add(1))
	fx := &apiFixture{t: t, cfg: e.Config, env: env, ns: ns}
	fx.apply(fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns))
	return fx
}

// apply server-side applies manifests into the fixture's namespace.
func (fx *apiFixture) apply(manifests string) {
	fx.t.Helper()
	docs, errs := lessons.ParseManifests(manifests)
	if len(errs) > 0 {
		fx.t.Fatalf("bad manifests: %v", errs)
	}
	ctx := context.Background()
	for _, d := range docs {
		o := d.Object
		t, err := fx.env.resolve(lessons.ObjectRef{APIVersion: o.GetAPIVersion(), Kind: o.GetKind()}, fx.ns)
		if err != nil {
			fx.t.Fatal(err)
		}
		if t.namespaced && o.GetNamespace() == "" {
			o.SetNamespace(fx.ns)
		}
		data, _ := o.MarshalJSON()
		res := fx.env.Dynamic.Resource(t.gvr).Namespace(o.GetNamespace())
		applied, err := res.Patch(ctx, o.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: "test", Force: ptr(true)})
		if err != nil {
			fx.t.Fatalf("apply %s %s: %v", o.GetKind(), o.GetName(), err)
		}
		if status, ok := o.Object["status"]; ok {
			applied.Object["status"] = status
			if _, err := res.UpdateStatus(ctx, applied, metav1.UpdateOptions{}); err != nil {
				fx.t.Fatalf("status of %s %s: %v", o.GetKind(), o.GetName(), err)
			}
		}
	}
}

func (fx *apiFixture) exercise(checks ...string) *lessons.Exercise {
	return fx.exercise2(fx.t, checks...)
}

func (fx *apiFixture) grade(check string) result.Result {
	fx.t.Helper()
	return NewGrader(fx.env).Evaluate(context.Background(), fx.exercise(check)).Results[0]
}

func expectResult(t *testing.T, r result.Result, status result.Status, detail string) {
	t.Helper()
	if r.Status != status || (detail != "" && r.Detail != detail) {
		t.Fatalf("got %s %q, want %s %q", r.Status, r.Detail, status, detail)
	}
}

// TestEnvtestObjects runs the object-reading check kinds against a real API
// server, where defaulting, status subresources and server-side apply are
// real.
func TestEnvtestObjects(t *testing.T) {
	fx := newAPIFixture(t)
	fx.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx:1.27, ports: [{containerPort: 80, name: http}], readinessProbe: {httpGet: {path: /, port: http}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 80}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: answers}
data: {image: "nginx:1.27"}
`)
	expectResult(t, fx.grade(`{exists: Deployment/web}`), result.Pass, "")
	// Defaults filled by the API server: strategy and probe timings.
	expectResult(t, fx.grade(`{field: {object: Deployment/web, path: .spec.strategy.rollingUpdate.maxSurge, equals: "25%"}}`), result.Pass, "")
	expectResult(t, fx.grade(`{container: {object: Deployment/web, name: web, image: nginx:1.27, readinessProbe: {httpGet: {port: 80}, periodSeconds: 10, timeoutSeconds: 1}}}`), result.Pass, "")
	expectResult(t, fx.grade(`{field: {object: Service/web, path: .spec.type, equals: ClusterIP}}`), result.Pass, "")
	expectResult(t, fx.grade(`{service: {name: web, type: ClusterIP, port: 80, targetPort: 80}}`), result.Pass, "")
	expectResult(t, fx.grade(`{answer: {key: image, equals: {from: {object: Deployment/web, path: ".spec.template.spec.containers[0].image"}}}}`), result.Pass, "")
	// Server-side apply records the field manager; the declarative exercise
	// relies on this shape of managedFields.
	expectResult(t, fx.grade(`{field: {object: ConfigMap/answers, path: '.metadata.managedFields[?(@.operation=="Apply")].fieldsV1.f:data.f:image', exists: true}}`), result.Pass, "")
	expectResult(t, fx.grade(`{condition: {object: Deployment/web, type: Available}}`), result.Fail, "Deployment web has no Available condition yet")
	fx.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox:1.36}]}}}
`)
	expectResult(t, fx.grade(`{pods: {selector: job-name=j, count: 1}}`), result.Fail, fmt.Sprintf("expected 1 pods with job-name=j in %s, found 0", fx.ns))
	expectResult(t, fx.grade(`{exists: {apiVersion: lab.example.com/v1, kind: Backup, name: b}}`), result.Error, "")
}

// TestEnvtestAccess proves access checks ask the real authorizer: default
// roles, RoleBindings to ClusterRoles, and subresources.
func TestEnvtestAccess(t *testing.T) {
	fx := newAPIFixture(t)
	fx.apply(fmt.Sprintf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deploy-manager}
rules: [{apiGroups: [apps], resources: [deployments], verbs: [get, list, watch, create, update, patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer-binding}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy-manager}
subjects: [{kind: ServiceAccount, name: deployer, namespace: %[1]s}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: log-reader}
rules: [{apiGroups: [""], resources: [pods/log], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-logs}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: log-reader}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
`, fx.ns))
	expectResult(t, fx.grade(fmt.Sprintf(`{access: {serviceAccount: %[1]s/deployer, allowed: ["create deployments.apps in %[1]s"], denied: ["delete deployments.apps in %[1]s", "create deployments.apps in default", "list secrets in %[1]s"]}}`, fx.ns)), result.Pass, "")
	expectResult(t, fx.grade(fmt.Sprintf(`{access: {user: jane, allowed: ["get pods/log in %[1]s"], denied: ["get pods in %[1]s"]}}`, fx.ns)), result.Pass, "")
	expectResult(t, fx.grade(fmt.Sprintf(`{access: {user: jane, allowed: ["list pods in %[1]s"]}}`, fx.ns)), result.Fail, "user jane cannot list pods in "+fx.ns)
}

// TestEnvtestDryRunAdmission shows the ServiceAccount admission plugin
// copying imagePullSecrets into a dry-run pod.
func TestEnvtestDryRunAdmission(t *testing.T) {
	fx := newAPIFixture(t)
	fx.apply(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: default}
imagePullSecrets: [{name: regcred}]
`)
	check := `{dryRun: {manifest: "apiVersion: v1\nkind: Pod\nmetadata: {name: probe}\nspec: {containers: [{name: c, image: busybox:1.36}]}\n", path: ".spec.imagePullSecrets[*].name", includes: [regcred]}}`
	expectResult(t, fx.grade(check), result.Pass, "")
	ctx := context.Background()
	if _, err := fx.env.Kube.CoreV1().Pods(fx.ns).Get(ctx, "probe", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("a dry run must not create the pod: %v", err)
	}
}

func TestEnvtestEvents(t *testing.T) {
	fx := newAPIFixture(t)
	fx.apply(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
`)
	ctx := context.Background()
	cm, err := fx.env.Kube.CoreV1().ConfigMaps(fx.ns).Get(ctx, "cm", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	expectResult(t, fx.grade(`{events: {object: ConfigMap/cm, reason: Tested}}`), result.Fail, "ConfigMap cm has no Tested event")
	_, err = fx.env.Kube.CoreV1().Events(fx.ns).Create(ctx, &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "cm.1", Namespace: fx.ns},
		InvolvedObject: corev1.ObjectReference{Kind: "ConfigMap", Name: "cm", Namespace: fx.ns, UID: cm.UID},
		Reason:         "Tested", Message: "the grader saw this", Type: "Normal",
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	expectResult(t, fx.grade(`{events: {object: ConfigMap/cm, reason: Tested, messageContains: grader}}`), result.Pass, "")
	// The API server filters by field selector: an event about another
	// object with the same reason does not count.
	_, err = fx.env.Kube.CoreV1().Events(fx.ns).Create(ctx, &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "other.1", Namespace: fx.ns},
		InvolvedObject: corev1.ObjectReference{Kind: "ConfigMap", Name: "other", Namespace: fx.ns, UID: "other-uid"},
		Reason:         "Other", Message: "not about cm", Type: "Normal",
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	expectResult(t, fx.grade(`{events: {object: ConfigMap/cm, reason: Other}}`), result.Fail, "ConfigMap cm has no Other event")
}

// TestEnvtestEventsByName: byName matches events by the involved object's
// kind and name, so events about a pod that is gone, or about an earlier
// object of the same name, count; events about a Node always match by
// name, since the kubelet writes the node's name where its uid belongs.
func TestEnvtestEventsByName(t *testing.T) {
	fx := newAPIFixture(t)
	ctx := context.Background()
	event := func(ns, name string, about corev1.ObjectReference, reason string) {
		t.Helper()
		_, err := fx.env.Kube.CoreV1().Events(ns).Create(ctx, &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: name, Namespace: ns},
			InvolvedObject: about, Reason: reason, Message: "by " + reason, Type: "Normal",
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A preempted pod: deleted, its event stays.
	event(fx.ns, "victim.1", corev1.ObjectReference{Kind: "Pod", Name: "victim", Namespace: fx.ns, UID: "gone-uid"}, "Preempted")
	expectResult(t, fx.grade(`{events: {object: Pod/victim, reason: Preempted}}`), result.Fail, `Pod "victim" not found in namespace `+fx.ns)
	expectResult(t, fx.grade(`{events: {object: Pod/victim, reason: Preempted, byName: true}}`), result.Pass, "")
	expectResult(t, fx.grade(`{events: {object: Pod/victim, reason: Preempted, byName: true, absent: true}}`), result.Fail, "Pod victim has a Preempted event: by Preempted")
	expectResult(t, fx.grade(`{events: {object: Pod/bystander, reason: Preempted, byName: true, absent: true}}`), result.Pass, "")
	// A workload's pod, whose name was generated: namePrefix matches it.
	event(fx.ns, "trainer.1", corev1.ObjectReference{Kind: "Pod", Name: "trainer-7d9f-x2", Namespace: fx.ns, UID: "gone-too"}, "Preempted")
	expectResult(t, fx.grade(`{events: {object: Pod/trainer-, namePrefix: true, reason: Preempted}}`), result.Pass, "")
	expectResult(t, fx.grade(`{events: {object: Pod/trainer-, reason: Preempted, byName: true}}`), result.Fail, "Pod trainer- has no Preempted event")
	expectResult(t, fx.grade(`{events: {object: Pod/other-, namePrefix: true, reason: Preempted}}`), result.Fail, "no Pod named other-… has a Preempted event")
	expectResult(t, fx.grade(`{events: {object: Pod/trainer-, namePrefix: true, reason: Preempted, absent: true}}`), result.Fail, "Pod trainer-7d9f-x2 has a Preempted event: by Preempted")
	// The kind is part of the name: a Secret called victim is another object.
	event(fx.ns, "victim.2", corev1.ObjectReference{Kind: "Secret", Name: "victim", Namespace: fx.ns, UID: "secret-uid"}, "Rotated")
	expectResult(t, fx.grade(`{events: {object: Pod/victim, reason: Rotated, byName: true}}`), result.Fail, "Pod victim has no Rotated event")

	// An object created again: by uid only the new one's events count.
	fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: again}}`)
	old, err := fx.env.Kube.CoreV1().ConfigMaps(fx.ns).Get(ctx, "again", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	event(fx.ns, "again.1", corev1.ObjectReference{Kind: "ConfigMap", Name: "again", Namespace: fx.ns, UID: old.UID}, "Tested")
	if err := fx.env.Kube.CoreV1().ConfigMaps(fx.ns).Delete(ctx, "again", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: again}}`)
	expectResult(t, fx.grade(`{events: {object: ConfigMap/again, reason: Tested}}`), result.Fail, "ConfigMap again has no Tested event")
	expectResult(t, fx.grade(`{events: {object: ConfigMap/again, reason: Tested, byName: true}}`), result.Pass, "")

	// A kubelet's node event: uid = the node's name, in namespace default;
	// the Node object need not be read at all.
	node := fx.ns + "-node"
	event("default", node+".1", corev1.ObjectReference{Kind: "Node", Name: node, UID: types.UID(node)}, "NodeNotSchedulable")
	t.Cleanup(func() { _ = fx.env.Kube.CoreV1().Events("default").Delete(ctx, node+".1", metav1.DeleteOptions{}) })
	expectResult(t, fx.grade(`{events: {object: Node/`+node+`, reason: NodeNotSchedulable}}`), result.Pass, "")
	expectResult(t, fx.grade(`{events: {object: Node/`+node+`, reason: NodeReady}}`), result.Fail, "Node "+node+" has no NodeReady event")
}

func TestEnvtestKubeconfig(t *testing.T) {
	fx := newAPIFixture(t)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["lab"] = &clientcmdapi.Cluster{Server: fx.cfg.Host}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: "x"}
	cfg.Contexts["kubedojo"] = &clientcmdapi.Context{Cluster: "lab", AuthInfo: "admin"}
	cfg.CurrentContext = "kubedojo"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	fx.env.Kubeconfig = Kubeconfig{Path: path, LabContext: "kubedojo"}
	check := `{kubeconfig: {context: lab-dev, namespace: dev, sameClusterAndUser: true, current: true}}`
	expectResult(t, fx.grade(check), result.Fail, fmt.Sprintf("%s has no context \"lab-dev\"", path))
	cfg.Contexts["lab-dev"] = &clientcmdapi.Context{Cluster: "lab", AuthInfo: "admin", Namespace: "dev"}
	cfg.CurrentContext = "lab-dev"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	expectResult(t, fx.grade(check), result.Pass, "")
}

// countingTransport counts requests other than watches (a probe of
// /readyz too), over every client that wraps it.
type countingTransport struct {
	requests atomic.Int64
	mu       sync.Mutex
	last     []string
}

func (c *countingTransport) wrap(rt http.RoundTripper) http.RoundTripper {
	return countingTripper{c: c, rt: rt}
}

type countingTripper struct {
	c  *countingTransport
	rt http.RoundTripper
}

func (t countingTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Query().Get("watch") != "true" {
		t.c.requests.Add(1)
		t.c.mu.Lock()
		t.c.last = append(t.c.last, r.Method+" "+r.URL.Path)
		t.c.mu.Unlock()
	}
	return t.rt.RoundTrip(r)
}

func watchFixture(t testing.TB) (*apiFixture, *countingTransport) {
	fx := newAPIFixture(t)
	counter := &countingTransport{}
	cfg := rest.CopyConfig(fx.cfg)
	cfg.WrapTransport = counter.wrap
	env, err := NewEnv(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fx.env = env
	return fx, counter
}

// TestEnvtestWatch proves the watch re-grades on change by itself and makes
// no requests while idle.
func TestEnvtestWatch(t *testing.T) {
	fx, counter := watchFixture(t)
	ex := fx.exercise(
		`{field: {object: ConfigMap/settings, path: .data.mode, equals: dev}}`,
		`{exists: {kind: Namespace, name: team-blue-`+fx.ns+`}}`,
		`{answer: {key: count, equals: 5}}`,
	)
	reports := make(chan result.Report, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewGrader(fx.env).Watch(ctx, ex, func(r result.Report) { reports <- r }) }()
	defer func() { cancel(); <-done }()

	first := <-reports
	if first.Counts().Fail != 3 {
		t.Fatalf("initial report: %+v", first.Results)
	}
	waitFor := func(what string, ok func(result.Report) bool) result.Report {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case r := <-reports:
				if ok(r) {
					return r
				}
			case <-deadline:
				t.Fatalf("watch never reported %s", what)
			}
		}
	}
	fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: dev}}`)
	r := waitFor("settings passing", func(r result.Report) bool { return r.Results[0].Status == result.Pass })
	if !strings.HasPrefix(r.Trigger, "change: ") {
		t.Errorf("trigger = %q", r.Trigger)
	}
	fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: answers}, data: {count: "5"}}`)
	waitFor("answer passing", func(r result.Report) bool { return r.Results[2].Status == result.Pass })
	fx.apply(fmt.Sprintf(`{apiVersion: v1, kind: Namespace, metadata: {name: team-blue-%s}}`, fx.ns))
	waitFor("all passing", func(r result.Report) bool { return r.Passed() })

	// Idle: nothing changes, so nothing is requested (not even a probe of
	// the API server: it used to ask /readyz every 2 s).
	time.Sleep(300 * time.Millisecond)
	before := counter.requests.Load()
	time.Sleep(4500 * time.Millisecond)
	if n := counter.requests.Load() - before; n != 0 {
		counter.mu.Lock()
		t.Errorf("idle watch made %d requests: %v", n, counter.last[len(counter.last)-int(n):])
		counter.mu.Unlock()
	}
}
