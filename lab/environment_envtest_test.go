package lab_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

// decodeExercise reads an exercise written as in a pack (step lines are
// recorded by the decoder).
func decodeExercise(t *testing.T, id, src string) *lessons.Exercise {
	t.Helper()
	var ex lessons.Exercise
	if err := yaml.Unmarshal([]byte(src), &ex); err != nil {
		t.Fatalf("decode exercise: %v", err)
	}
	ex.ID = id
	ex.File = "lessons/" + strings.Replace(id, "/", "/exercises/", 1) + ".yaml"
	return &ex
}

type envtestCluster struct {
	kube kubernetes.Interface
	dyn  dynamic.Interface
}

func clients(t *testing.T) (*labtest.Envtest, envtestCluster) {
	t.Helper()
	et := labtest.RequireEnvtest(t)
	kube, err := kubernetes.NewForConfig(et.Config)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(et.Config)
	if err != nil {
		t.Fatal(err)
	}
	return et, envtestCluster{kube: kube, dyn: dyn}
}

// writeKubeconfig writes a kubeconfig with two contexts, "lab" current.
func writeKubeconfig(t *testing.T, path string) {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
	cfg.Contexts["lab"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.Contexts["other"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "lab"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
}

const fullExercise = `
title: Full
tier: api
namespaces:
  - {name: env-full, labels: {team: blue}}
  - {name: env-full-learner, learnerCreates: true}
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings}
      data: {mode: fast}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, labels: {app: web}}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: nginx:1.27}]}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: env-full-reader}
      rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
  - file: {path: "{{LAB}}/full/notes.txt", content: "node {{NODE}}\n", mode: "0600"}
  - tls: {cert: "{{LAB}}/full/tls.crt", key: "{{LAB}}/full/tls.key", host: shop.lab.local}
checks:
  - id: same
    title: t
    message: m
    unchanged: {object: Deployment/web, uid: true, generation: true, paths: [.spec.replicas]}
  - id: nested
    title: t
    message: m
    anyOf:
      - unchanged: {object: ConfigMap/settings, paths: [.data]}
      - exists: ConfigMap/settings
hints: [a, b]
solution: {steps: [{run: "true"}]}
cleanup:
  - restore: {kind: ConfigMap, namespace: kube-system, name: env-full-shared}
  - delete: ClusterRole/env-full-learner-made
  - kubeconfig: restore
`

func TestEnvironmentSetupBaselineCleanupReset(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	state := t.TempDir()
	kubeconfig := filepath.Join(state, "learner.kubeconfig")
	writeKubeconfig(t, kubeconfig)
	labDir := filepath.Join(state, "lab")
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{
		Vars:           lessons.Vars{Node: "node-1", Lab: labDir},
		StateDir:       state,
		KubeconfigPath: kubeconfig,
		Context:        "envtest",
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/full", fullExercise)

	shared := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "env-full-shared", Namespace: "kube-system"}, Data: map[string]string{"Corefile": "original"}}
	if _, err := c.kube.CoreV1().ConfigMaps("kube-system").Create(ctx, shared, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Baseline(ex); !errors.Is(err, lab.ErrNotSetUp) {
		t.Fatalf("Baseline before setup: %v, want ErrNotSetUp", err)
	}

	if err := env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	ns, err := c.kube.CoreV1().Namespaces().Get(ctx, "env-full", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantLabels := map[string]string{lab.LabelManagedBy: lab.ManagedBy, lab.LabelExercise: "env.full", "team": "blue"}
	for k, v := range wantLabels {
		if ns.Labels[k] != v {
			t.Errorf("namespace label %s = %q, want %q", k, ns.Labels[k], v)
		}
	}
	if _, err := c.kube.CoreV1().Namespaces().Get(ctx, "env-full-learner", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("learner namespace created by setup (err %v)", err)
	}
	dep, err := c.kube.AppsV1().Deployments("env-full").Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("deployment in the default namespace: %v", err)
	}
	if dep.Labels[lab.LabelExercise] != "env.full" || dep.Labels["app"] != "web" {
		t.Errorf("deployment labels = %v", dep.Labels)
	}
	if m := dep.ManagedFields; len(m) == 0 || m[0].Manager != lab.FieldManager || m[0].Operation != metav1.ManagedFieldsOperationApply {
		t.Errorf("deployment not server-side applied by kubedojo: %+v", m)
	}
	cr, err := c.kube.RbacV1().ClusterRoles().Get(ctx, "env-full-reader", metav1.GetOptions{})
	if err != nil || cr.Labels[lab.LabelExercise] != "env.full" {
		t.Fatalf("cluster role: %v, labels %v", err, cr.Labels)
	}
	notes, err := os.ReadFile(filepath.Join(labDir, "full", "notes.txt"))
	if err != nil || string(notes) != "node node-1\n" {
		t.Errorf("file step wrote %q (%v)", notes, err)
	}
	if fi, err := os.Stat(filepath.Join(labDir, "full", "notes.txt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(labDir, "full", "tls.key")); err != nil {
		t.Errorf("tls step: %v", err)
	}

	b, err := env.Baseline(ex)
	if err != nil {
		t.Fatalf("Baseline: %v", err)
	}
	depKey := lab.ObjectKey(lessons.ObjectRef{Kind: "Deployment", Name: "web"}, "env-full")
	got := b.Objects[depKey]
	if got.UID != string(dep.UID) || got.Generation != dep.Generation || got.Paths[".spec.replicas"] != "[2]" {
		t.Errorf("deployment baseline = %+v, want uid %s generation %d replicas [2]", got, dep.UID, dep.Generation)
	}
	cmKey := lab.ObjectKey(lessons.ObjectRef{Kind: "ConfigMap", Name: "settings"}, "env-full")
	if p := b.Objects[cmKey].Paths[".data"]; p != `[{"mode":"fast"}]` {
		t.Errorf("nested unchanged check baseline .data = %s", p)
	}
	if len(b.Snapshots) != 1 || b.KubeContext != "lab" {
		t.Errorf("snapshots %d, kube context %q", len(b.Snapshots), b.KubeContext)
	}
	// Another process (kubedojo check) reads the baseline from disk.
	other, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: state, Context: "envtest"})
	if err != nil {
		t.Fatal(err)
	}
	if b2, err := other.Baseline(ex); err != nil || b2.Objects[depKey].UID != got.UID {
		t.Errorf("baseline read by another environment: %v", err)
	}

	// The learner's changes outside the exercise namespaces.
	shared, _ = c.kube.CoreV1().ConfigMaps("kube-system").Get(ctx, "env-full-shared", metav1.GetOptions{})
	shared.Data = map[string]string{"Corefile": "broken", "extra": "x"}
	if _, err := c.kube.CoreV1().ConfigMaps("kube-system").Update(ctx, shared, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	learnerRole := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "env-full-learner-made"}}
	if _, err := c.kube.RbacV1().ClusterRoles().Create(ctx, learnerRole, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "env-full-learner"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg, _ := clientcmd.LoadFromFile(kubeconfig)
	cfg.CurrentContext = "other"
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	t.Logf("Cleanup took %s", time.Since(start))
	for _, name := range []string{"env-full", "env-full-learner"} {
		if _, err := c.kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("namespace %s still there after cleanup (err %v)", name, err)
		}
	}
	for _, name := range []string{"env-full-reader", "env-full-learner-made"} {
		if _, err := c.kube.RbacV1().ClusterRoles().Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("cluster role %s still there after cleanup (err %v)", name, err)
		}
	}
	shared, _ = c.kube.CoreV1().ConfigMaps("kube-system").Get(ctx, "env-full-shared", metav1.GetOptions{})
	if len(shared.Data) != 1 || shared.Data["Corefile"] != "original" {
		t.Errorf("restored config map data = %v", shared.Data)
	}
	if cur, _ := clientcmd.LoadFromFile(kubeconfig); cur.CurrentContext != "lab" {
		t.Errorf("kubeconfig current context = %q, want lab", cur.CurrentContext)
	}
	if _, err := env.Baseline(ex); !errors.Is(err, lab.ErrNotSetUp) {
		t.Errorf("Baseline after cleanup: %v, want ErrNotSetUp", err)
	}

	if err := env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup again: %v", err)
	}
	first, _ := c.kube.AppsV1().Deployments("env-full").Get(ctx, "web", metav1.GetOptions{})
	start = time.Now()
	if err := env.Reset(ctx, ex); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	t.Logf("Reset took %s", time.Since(start))
	again, err := c.kube.AppsV1().Deployments("env-full").Get(ctx, "web", metav1.GetOptions{})
	if err != nil || again.UID == first.UID {
		t.Errorf("Reset did not recreate the start state (err %v)", err)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("final Cleanup: %v", err)
	}
}

func TestEnvironmentCRDThenCustomResource(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: t.TempDir(), Context: "envtest"})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/crd", `
title: CRD
tier: api
namespaces: [env-crd]
task: t
setup:
  - apply: |
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: backups.lab.example.com}
      spec:
        group: lab.example.com
        scope: Namespaced
        names: {kind: Backup, plural: backups, singular: backup}
        versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
      ---
      apiVersion: lab.example.com/v1
      kind: Backup
      metadata: {name: nightly}
      spec: {schedule: "0 1 * * *"}
  - apply: |
      apiVersion: lab.example.com/v1
      kind: Backup
      metadata: {name: weekly}
checks:
  - id: same
    title: t
    message: m
    unchanged: {object: {apiVersion: lab.example.com/v1, kind: Backup, name: nightly}, paths: [.spec.schedule]}
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	gvr := schema.GroupVersionResource{Group: "lab.example.com", Version: "v1", Resource: "backups"}
	for _, name := range []string{"nightly", "weekly"} {
		obj, err := c.dyn.Resource(gvr).Namespace("env-crd").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("backup %s: %v", name, err)
		}
		if obj.GetLabels()[lab.LabelExercise] != "env.crd" {
			t.Errorf("backup %s labels = %v", name, obj.GetLabels())
		}
	}
	b, err := env.Baseline(ex)
	if err != nil {
		t.Fatal(err)
	}
	key := lab.ObjectKey(lessons.ObjectRef{APIVersion: "lab.example.com/v1", Kind: "Backup", Name: "nightly"}, "env-crd")
	if got := b.Objects[key].Paths[".spec.schedule"]; got != `["0 1 * * *"]` {
		t.Errorf("baseline %s = %q", key, got)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	crdGVR := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.dyn.Resource(crdGVR).Get(ctx, "backups.lab.example.com", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("labelled CRD not deleted by cleanup (err %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestEnvironmentForeignRefusesUnlabelled(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: t.TempDir(), Context: "envtest-foreign", Foreign: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "env-taken"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	taken := decodeExercise(t, "env/taken", `
title: Taken
tier: api
namespaces: [env-taken]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: c}
checks: [{id: a, title: t, message: m, exists: ConfigMap/c}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := env.Setup(ctx, taken); !errors.Is(err, lab.ErrForeignObject) {
		t.Fatalf("Setup into an unlabelled namespace: %v, want ErrForeignObject", err)
	}
	if list, _ := c.kube.CoreV1().ConfigMaps("env-taken").List(ctx, metav1.ListOptions{}); len(list.Items) != 0 {
		t.Errorf("objects applied into a foreign namespace: %d", len(list.Items))
	}

	if _, err := c.kube.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "env-theirs"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := decodeExercise(t, "env/theirs", `
title: Theirs
tier: api
namespaces: [env-theirs, {name: env-theirs-learner, learnerCreates: true}]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: ok}
  - apply: |
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: env-theirs}
checks: [{id: a, title: t, message: m, exists: ConfigMap/ok}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
cleanup:
  - delete: ClusterRole/env-theirs
`)
	err = env.Setup(ctx, theirs)
	var stepErr *lab.StepError
	if !errors.Is(err, lab.ErrForeignObject) || !errors.As(err, &stepErr) || stepErr.Index != 2 {
		t.Fatalf("Setup over an unlabelled ClusterRole: %v, want ErrForeignObject at step 2", err)
	}
	if cr, _ := c.kube.RbacV1().ClusterRoles().Get(ctx, "env-theirs", metav1.GetOptions{}); cr.Labels[lab.LabelExercise] != "" {
		t.Errorf("foreign cluster role was labelled: %v", cr.Labels)
	}
	if _, err := c.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "env-theirs-learner"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	err = env.Cleanup(ctx, theirs)
	var kept *lab.KeptError
	if !errors.As(err, &kept) || !errors.Is(err, lab.ErrKept) || len(kept.Items) != 2 {
		t.Fatalf("Cleanup: %v, want a KeptError naming the cluster role and the learner namespace", err)
	}
	for _, name := range []string{"env-theirs-learner", "env-taken"} {
		if _, err := c.kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{}); err != nil {
			t.Errorf("unlabelled namespace %s deleted on a foreign cluster: %v", name, err)
		}
	}
	if _, err := c.kube.RbacV1().ClusterRoles().Get(ctx, "env-theirs", metav1.GetOptions{}); err != nil {
		t.Errorf("unlabelled cluster role deleted on a foreign cluster: %v", err)
	}
	if _, err := c.kube.CoreV1().Namespaces().Get(ctx, "env-theirs", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("kubedojo's own namespace kept on a foreign cluster (err %v)", err)
	}
}

func TestEnvironmentStepErrorsAndWaits(t *testing.T) {
	et, _ := clients(t)
	ctx := context.Background()
	var waited []string
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{
		Context: "envtest-steps",
		Wait: func(_ context.Context, ex *lessons.Exercise, c lessons.Check, timeout time.Duration) error {
			waited = append(waited, ex.ID+" "+c.Exists.Name+" "+timeout.String())
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/steps", `title: Steps
tier: api
namespaces: [env-steps]
task: t
setup:
  - wait:
      timeout: 5s
      exists: ConfigMap/ready
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: fine}
      ---
      apiVersion: lab.example.com/v1
      kind: Missing
      metadata: {name: nope}
checks: [{id: a, title: t, message: m, exists: ConfigMap/fine}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	err = env.Setup(ctx, ex)
	var stepErr *lab.StepError
	if !errors.As(err, &stepErr) {
		t.Fatalf("Setup: %v, want a StepError", err)
	}
	// The apply step is on line 9; the second document is on line 5 of its text.
	if stepErr.Index != 2 || stepErr.Action != "apply" || stepErr.Line != 14 ||
		!strings.Contains(err.Error(), "lessons/env/exercises/steps.yaml:14") || !strings.Contains(err.Error(), "Missing") {
		t.Errorf("error = %v (index %d, line %d)", err, stepErr.Index, stepErr.Line)
	}
	if len(waited) != 1 || waited[0] != "env/steps ready 5s" {
		t.Errorf("waits = %v", waited)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
}

func TestEnvironmentReleasesHeldObjects(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{Context: "envtest-held"})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/held", `title: Held
tier: api
namespaces: [env-held]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: stuck, finalizers: [lab.example.com/hold]}
  - delete: ConfigMap/stuck
checks: [{id: a, title: t, message: m, absent: ConfigMap/stuck}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	cm, err := c.kube.CoreV1().ConfigMaps("env-held").Get(ctx, "stuck", metav1.GetOptions{})
	if err != nil || cm.DeletionTimestamp == nil {
		t.Fatalf("start state: the config map should be held terminating (err %v)", err)
	}
	start := time.Now()
	if err := env.Reset(ctx, ex); err != nil {
		t.Fatalf("Reset with a held object: %v", err)
	}
	t.Logf("Reset took %s", time.Since(start))
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kube.CoreV1().Namespaces().Get(ctx, "env-held", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace still there: %v", err)
	}
}

func TestEnvironmentApplySolution(t *testing.T) {
	et, c := clients(t)
	ctx := context.Background()
	// The envtest binaries include kubectl.
	t.Setenv("PATH", os.Getenv("KUBEBUILDER_ASSETS")+string(os.PathListSeparator)+os.Getenv("PATH"))
	state := t.TempDir()
	kubeconfig := filepath.Join(state, "kubeconfig")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["envtest"] = &clientcmdapi.Cluster{Server: et.Config.Host, CertificateAuthorityData: et.Config.CAData}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: et.Config.CertData, ClientKeyData: et.Config.KeyData}
	cfg.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "admin", Namespace: "env-sol"}
	cfg.CurrentContext = "envtest"
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		t.Fatal(err)
	}
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{Context: "envtest-sol", KubeconfigPath: kubeconfig, Vars: lessons.Vars{Lab: filepath.Join(state, "lab")}})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/sol", `title: Solution
tier: api
namespaces: [env-sol]
task: t
checks: [{id: a, title: t, message: m, exists: ConfigMap/from-run}]
hints: [a, b]
solution:
  steps:
    - apply: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: from-apply}
    - run: |
        kubectl create configmap from-run --from-literal=dir="$(basename "$PWD")"
    - run: |
        echo about to fail
        false
`)
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	err = env.ApplySolution(ctx, ex)
	var stepErr *lab.StepError
	if !errors.As(err, &stepErr) || stepErr.Index != 3 || stepErr.Phase != "solution" || !strings.Contains(err.Error(), "about to fail") {
		t.Fatalf("ApplySolution: %v, want the third step to fail with its output", err)
	}
	cm, err := c.kube.CoreV1().ConfigMaps("env-sol").Get(ctx, "from-run", metav1.GetOptions{})
	if err != nil || cm.Data["dir"] != "lab" {
		t.Errorf("run step: %v, data %v (scripts run in the lab directory)", err, cm.Data)
	}
	if _, err := c.kube.CoreV1().ConfigMaps("env-sol").Get(ctx, "from-apply", metav1.GetOptions{}); err != nil {
		t.Errorf("apply step: %v", err)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
}
