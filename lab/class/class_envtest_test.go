package class_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lab/labtest"
)

// envCluster is the envtest API server as the instructor (cluster-admin)
// reaches it.
func envCluster(t *testing.T) (class.Cluster, *labtest.Envtest) {
	t.Helper()
	e := labtest.RequireEnvtest(t)
	cs, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	return class.Cluster{Client: cs, Config: e.Config}, e
}

func testRecord(name string, learners ...string) class.Record {
	now := time.Now()
	return class.Record{
		Name: name, Learners: learners, Created: now, Expires: now.Add(8 * time.Hour),
		Exercises: []class.Exercise{
			{ID: "services/svc-3", Namespaces: []string{"svc-3"}},
			{ID: "pods/web", Namespaces: []string{"web", "svc-3"}},
		},
	}
}

func createClass(t *testing.T, c class.Cluster, rec class.Record) (string, []class.Credential) {
	t.Helper()
	dir := t.TempDir()
	creds, err := class.Create(context.Background(), c, rec, class.CreateOptions{Budget: class.DefaultBudget(), Dir: dir})
	if err != nil {
		t.Fatalf("create class %s: %v", rec.Name, err)
	}
	return dir, creds
}

// learnerClient is a client that authenticates with a kubeconfig file
// class create wrote.
func learnerClient(t *testing.T, path string) kubernetes.Interface {
	t.Helper()
	rc := learnerConfig(t, path)
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func learnerConfig(t *testing.T, path string) *rest.Config {
	t.Helper()
	rc, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return rc
}

// gone reports whether a namespace was deleted (envtest runs no namespace
// controller, so a deleted namespace stays Terminating).
func gone(t *testing.T, cs kubernetes.Interface, name string) bool {
	t.Helper()
	ns, err := cs.CoreV1().Namespaces().Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return ns.DeletionTimestamp != nil
}

func TestCreateWritesPrivateKubeconfigsAndLabelsEverything(t *testing.T) {
	c, _ := envCluster(t)
	ctx := context.Background()
	dir, creds := createClass(t, c, testRecord("labels", "lee", "max"))
	if len(creds) != 4 {
		t.Fatalf("credentials: got %d, want 4 (learner and reporter for each of 2 learners)", len(creds))
	}
	for _, cr := range creds {
		st, err := os.Stat(cr.Path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", cr.Path, st.Mode().Perm())
		}
		if filepath.Dir(cr.Path) != dir {
			t.Errorf("%s is not in %s", cr.Path, dir)
		}
		if d := time.Until(cr.Expires); d < 7*time.Hour || d > 8*time.Hour+time.Minute {
			t.Errorf("%s expires in %s, want about 8h (with the class)", cr.Path, d)
		}
	}
	want := []string{"lee-svc-3", "lee-web", "max-svc-3", "max-web"}
	for _, name := range want {
		ns, err := c.Client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("learner namespace %s: %v", name, err)
		}
		if ns.Labels["pod-security.kubernetes.io/enforce"] != "baseline" || ns.Labels[class.LabelClass] != "labels" {
			t.Errorf("%s labels: %v", name, ns.Labels)
		}
		if _, err := c.Client.NetworkingV1().NetworkPolicies(name).Get(ctx, "kubedojo-class", metav1.GetOptions{}); err != nil {
			t.Errorf("%s fence: %v", name, err)
		}
		if _, err := c.Client.CoreV1().ResourceQuotas(name).Get(ctx, "kubedojo-class", metav1.GetOptions{}); err != nil {
			t.Errorf("%s quota: %v", name, err)
		}
		if _, err := c.Client.CoreV1().LimitRanges(name).Get(ctx, "kubedojo-class", metav1.GetOptions{}); err != nil {
			t.Errorf("%s limits: %v", name, err)
		}
	}
	list, err := class.List(ctx, c.Client)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(list, func(r *class.Record) bool { return r.Name == "labels" && len(r.Learners) == 2 }) {
		t.Errorf("class list lacks the class: %v", list)
	}
}

func TestCreateRefusesATakenNamespaceBeforeCreatingAnything(t *testing.T) {
	c, _ := envCluster(t)
	ctx := context.Background()
	taken := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "erin-web"}}
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, taken, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := class.Create(ctx, c, testRecord("taken", "erin"), class.CreateOptions{Budget: class.DefaultBudget(), Dir: t.TempDir()})
	if !errors.Is(err, class.ErrExists) {
		t.Fatalf("create over a taken namespace: got %v, want ErrExists", err)
	}
	for _, ns := range []string{class.Namespace("taken"), "erin-svc-3"} {
		if _, err := c.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("namespace %s: got %v, want nothing created", ns, err)
		}
	}
}

func TestDeleteRemovesOnlyWhatTheClassCreated(t *testing.T) {
	c, _ := envCluster(t)
	ctx := context.Background()
	createClass(t, c, testRecord("del", "fay", "gus"))
	createClass(t, c, testRecord("keep", "hal"))
	// Planted beside the class: a namespace named like a learner's but
	// unlabelled, one carrying the class's labels that the class did not
	// create, an object in an unrelated namespace, and a cluster-scoped
	// object labelled as kubedojo's.
	planted := []*corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: "fay-svc-4"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "fay-copied", Labels: map[string]string{class.LabelClass: "del", class.LabelPart: class.PartLearner}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "planted-other"}},
	}
	for _, ns := range planted {
		if _, err := c.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "planted", Namespace: "planted-other"}}
	if _, err := c.Client.CoreV1().ConfigMaps("planted-other").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "planted-del", Labels: map[string]string{"app.kubernetes.io/managed-by": "kubedojo", class.LabelClass: "del"}}}
	if _, err := c.Client.RbacV1().ClusterRoles().Create(ctx, cr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	deleted, err := class.Delete(ctx, c.Client, "del")
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	wantDeleted := []string{"fay-svc-3", "fay-web", "gus-svc-3", "gus-web", class.Namespace("del")}
	if !slices.Equal(deleted, wantDeleted) {
		t.Errorf("deleted %v, want %v", deleted, wantDeleted)
	}
	for _, ns := range wantDeleted {
		if !gone(t, c.Client, ns) {
			t.Errorf("namespace %s survived class delete", ns)
		}
	}
	for _, ns := range []string{"fay-svc-4", "fay-copied", "planted-other", "hal-svc-3", "hal-web", class.Namespace("keep")} {
		if gone(t, c.Client, ns) {
			t.Errorf("class delete removed %s, which it did not create", ns)
		}
	}
	if _, err := c.Client.CoreV1().ConfigMaps("planted-other").Get(ctx, "planted", metav1.GetOptions{}); err != nil {
		t.Errorf("planted ConfigMap: %v", err)
	}
	if _, err := c.Client.RbacV1().ClusterRoles().Get(ctx, "planted-del", metav1.GetOptions{}); err != nil {
		t.Errorf("planted ClusterRole: %v", err)
	}
	// A class being deleted is gone: a second delete deletes nothing.
	if again, err := class.Delete(ctx, c.Client, "del"); !errors.Is(err, class.ErrNotFound) || len(again) > 0 {
		t.Errorf("second delete: deleted %v, error %v; want nothing deleted and ErrNotFound", again, err)
	}
	if _, err := class.Delete(ctx, c.Client, "never"); !errors.Is(err, class.ErrNotFound) {
		t.Errorf("delete of an unknown class: got %v, want ErrNotFound", err)
	}
}

func TestExtendIssuesLongerTokens(t *testing.T) {
	c, _ := envCluster(t)
	ctx := context.Background()
	rec := testRecord("ext", "ivy")
	_, before := createClass(t, c, rec)
	dir := t.TempDir()
	got, creds, err := class.Extend(ctx, c, "ext", 2*time.Hour, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Expires.Sub(rec.Expires); d < 2*time.Hour-time.Second || d > 2*time.Hour+time.Second {
		t.Errorf("expiry moved by %s, want 2h", d)
	}
	if len(creds) != 2 || !creds[0].Expires.After(before[0].Expires.Add(time.Hour)) {
		t.Fatalf("new credentials %+v do not outlive the old ones %+v", creds, before)
	}
	stored, err := class.Get(ctx, c.Client, "ext")
	if err != nil {
		t.Fatal(err)
	}
	if !stored.Expires.Equal(got.Expires) {
		t.Errorf("stored expiry %s, want %s", stored.Expires, got.Expires)
	}
	cs := learnerClient(t, class.KubeconfigFile(dir, "ivy", false))
	if _, err := cs.CoreV1().Pods("ivy-web").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("the re-issued kubeconfig does not work: %v", err)
	}
}
