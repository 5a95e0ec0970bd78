package lab_test

import (
	"context"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab"
)

// namespaceController stands in for kube-controller-manager's namespace
// controller, which envtest lacks, as it works: it holds the leader lease,
// and for a terminating namespace it makes a slow pass (discovery, then
// every resource type) that deletes the namespace's content by the
// namespace's name, then finalizes the namespace it read at the start of
// the pass. It runs until ctx ends, one worker for each of the names.
func namespaceController(ctx context.Context, t *testing.T, kube kubernetes.Interface, pass time.Duration, names ...string) {
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
	for _, name := range names {
		go namespaceControllerWorker(ctx, kube, name, pass)
	}
}

func namespaceControllerWorker(ctx context.Context, kube kubernetes.Interface, name string, pass time.Duration) {
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
	namespaceController(ctx, t, c.kube, pass, "env-reuse")
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
	waitNamespacesGone(ctx, t, c.kube, 5*pass, "env-reuse")
}

// TestCleanupDoesNotWaitForTheNamespaceController: the cluster's namespace
// controller leaves a deleted namespace alone for 5 s before its first pass
// (kube-controller-manager's namespaceDeletionGracePeriod), so waiting for
// it made every verify, and every cleanup, 5-7 s longer for nothing: only
// the next setup of the same namespace needs it gone, and that setup waits.
// Cleanup empties the namespace and returns; the setup after it does not
// report ready while the namespace, or the learner's namespace of the
// exercise, is still terminating, and what it creates stays.
func TestCleanupDoesNotWaitForTheNamespaceController(t *testing.T) {
	et, c := clients(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{Context: "envtest-nowait", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ex := decodeExercise(t, "env/nowait", `title: No wait
tier: api
namespaces: [env-nowait, {name: env-nowait-learner, learnerCreates: true}]
task: t
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: shop, finalizers: [example.com/hold]}
checks: [{id: a, title: t, message: m, exists: ConfigMap/shop}]
hints: [a, b]
solution: {steps: [{run: "true"}]}
`)
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	// What the learner made: their namespace, with something in it.
	if _, err := c.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "env-nowait-learner"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kube.CoreV1().ConfigMaps("env-nowait-learner").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "mine"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const pass = 5 * time.Second // the real controller's delay before its first pass
	namespaceController(ctx, t, c.kube, pass, "env-nowait")
	// The learner's namespace is finalized later: the setup waits for it
	// too, though it does not create it.
	go namespaceControllerWorker(ctx, c.kube, "env-nowait-learner", 2*pass)
	start := time.Now()
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	took := time.Since(start)
	t.Logf("Cleanup took %s", took.Round(time.Millisecond))
	for _, ns := range []string{"env-nowait", "env-nowait-learner"} {
		cur, err := c.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			t.Errorf("namespace %s is gone after %s: cleanup waited for the namespace controller's pass (%s after the deletion)", ns, took.Round(time.Millisecond), pass)
		case err != nil:
			t.Fatal(err)
		case cur.DeletionTimestamp == nil:
			t.Errorf("namespace %s is not being deleted after cleanup", ns)
		}
	}
	// Emptied all the same: what a finalizer holds is released, so that the
	// controller's pass can finish.
	if cm, err := c.kube.CoreV1().ConfigMaps("env-nowait").Get(ctx, "shop", metav1.GetOptions{}); err == nil {
		t.Errorf("ConfigMap shop is still in the terminating namespace (finalizers %v)", cm.Finalizers)
	}

	start = time.Now()
	if err := env.Setup(ctx, ex); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Logf("Setup took %s", time.Since(start).Round(time.Millisecond))
	for _, ns := range []string{"env-nowait", "env-nowait-learner"} {
		cur, err := c.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if err == nil && cur.DeletionTimestamp != nil {
			t.Errorf("Setup returned while namespace %s is still terminating", ns)
		}
	}
	time.Sleep(time.Second) // a pass of the old namespace still under way would have deleted it by now
	if _, err := c.kube.CoreV1().ConfigMaps("env-nowait").Get(ctx, "shop", metav1.GetOptions{}); err != nil {
		t.Errorf("the start state's ConfigMap shop after the setup: %v", err)
	}
	release := []byte(`{"metadata":{"finalizers":null}}`)
	if _, err := c.kube.CoreV1().ConfigMaps("env-nowait").Patch(ctx, "shop", types.MergePatchType, release, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.Cleanup(ctx, ex); err != nil {
		t.Fatal(err)
	}
	waitNamespacesGone(ctx, t, c.kube, 3*pass, "env-nowait", "env-nowait-learner")
}

// waitNamespacesGone fails the test when a namespace is still there after
// within.
func waitNamespacesGone(ctx context.Context, t *testing.T, kube kubernetes.Interface, within time.Duration, names ...string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, ns := range names {
		for {
			_, err := kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("namespace %s still there %s after the cleanup (err %v)", ns, within, err)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
