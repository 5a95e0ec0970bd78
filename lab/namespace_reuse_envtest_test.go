package lab_test

import (
	"context"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab"
)

// namespaceController stands in for kube-controller-manager's namespace
// controller, which envtest lacks, as it works: it holds the leader lease,
// and for a terminating namespace it makes a slow pass (discovery, then
// every resource type) that deletes the namespace's content by the
// namespace's name, then finalizes the namespace it read at the start of
// the pass. It runs until ctx ends.
func namespaceController(ctx context.Context, t *testing.T, kube kubernetes.Interface, name string, pass time.Duration) {
	t.Helper()
	now := metav1.NewMicroTime(time.Now())
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-controller-manager", Namespace: "kube-system"},
		Spec:       coordinationv1.LeaseSpec{RenewTime: &now},
	}
	if _, err := kube.CoordinationV1().Leases("kube-system").Create(ctx, lease, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = kube.CoordinationV1().Leases("kube-system").Delete(context.Background(), lease.Name, metav1.DeleteOptions{})
	})
	go func() {
		for ctx.Err() == nil {
			time.Sleep(50 * time.Millisecond)
			ns, err := kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
			if err != nil || ns.DeletionTimestamp == nil {
				continue
			}
			time.Sleep(pass)
			_ = kube.CoreV1().ConfigMaps(name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
			if left, err := kube.CoreV1().ConfigMaps(name).List(ctx, metav1.ListOptions{}); err != nil || len(left.Items) > 0 {
				continue
			}
			ns.Spec.Finalizers = nil
			_, _ = kube.CoreV1().Namespaces().Finalize(ctx, ns, metav1.UpdateOptions{})
		}
	}()
}

// TestResetWaitsForTheNamespaceController: a reset deletes the exercise's
// namespace and creates it again. While the cluster's namespace controller
// still works through the old namespace, it deletes by name whatever is in
// the new one ("ConfigMap shop was deleted right after it was created"),
// so the setup waits until the controller itself has finished with it.
func TestResetWaitsForTheNamespaceController(t *testing.T) {
	et, c := clients(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{Context: "envtest-reuse", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/reuse", `title: Reuse
tier: api
namespaces: [env-reuse]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: shop}
checks: [{id: a, title: t, message: m, exists: ConfigMap/shop}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	const pass = time.Second
	namespaceController(ctx, t, c.kube, "env-reuse", pass)
	start := time.Now()
	if err := env.Reset(ctx, ex); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	t.Logf("Reset took %s", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * pass) // a pass of the old namespace would be over
	if _, err := c.kube.CoreV1().ConfigMaps("env-reuse").Get(ctx, "shop", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		t.Error("the start state's ConfigMap shop was deleted right after the reset created it")
	} else if err != nil {
		t.Fatal(err)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kube.CoreV1().Namespaces().Get(ctx, "env-reuse", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace still there after cleanup: %v", err)
	}
}
