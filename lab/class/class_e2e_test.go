package class_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lab/labtest"
)

// TestNetworkFenceOnKind: on the shared kind lab, learner A's pod reaches
// a pod in A's other namespace but not B's pod. The learners make the
// pods themselves, with their kubeconfigs, under Pod Security baseline
// and the class's budget.
func TestNetworkFenceOnKind(t *testing.T) {
	l := labtest.RequireKindLab(t, labtest.SharedLabName())
	rc, err := l.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	c := class.Cluster{Client: cs, Config: rc}
	const name = "e2e-fence"
	rec := testRecord(name, "fa", "fb")
	removeClass(t, ctx, cs, name, rec.AllLearnerNamespaces())
	dir, _ := createClass(t, c, rec)
	t.Cleanup(func() { removeClass(t, context.Background(), cs, name, nil) })

	a := learnerClient(t, class.KubeconfigFile(dir, "fa", false))
	b := learnerClient(t, class.KubeconfigFile(dir, "fb", false))
	aIP := servePod(t, ctx, a, "fa-web")
	bIP := servePod(t, ctx, b, "fb-web")

	// busybox 1.36's wget crashes with -T, so timeout bounds each try.
	probe := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "probe"},
		Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{
			Name: "probe", Image: "busybox:1.36",
			Command: []string{"sh", "-c", fmt.Sprintf(
				`for i in 1 2 3; do timeout 5 wget -qO- http://%s >/dev/null && { echo own=reached; break; }; sleep 2; done
timeout 8 wget -qO- http://%s >/dev/null && echo other=reached || echo other=blocked`, aIP, bIP)},
		}}},
	}
	if _, err := a.CoreV1().Pods("fa-svc-3").Create(ctx, probe, metav1.CreateOptions{}); err != nil {
		t.Fatalf("learner A's probe pod: %v", err)
	}
	waitPod(t, ctx, a, "fa-svc-3", "probe", func(p *corev1.Pod) bool {
		return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
	})
	logs, err := a.CoreV1().Pods("fa-svc-3").GetLogs("probe", &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := string(logs)
	if !strings.Contains(out, "own=reached") {
		t.Fatalf("A's pod cannot reach A's own pod in another namespace, so the probe proves nothing:\n%s", out)
	}
	if !strings.Contains(out, "other=blocked") {
		t.Errorf("A's pod reached B's pod through the class's fence:\n%s", out)
	}
}

// servePod runs nginx in a learner's web namespace and returns its IP.
func servePod(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns string) string {
	t.Helper()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27", Ports: []corev1.ContainerPort{{ContainerPort: 80}}}}},
	}
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("a learner's pod in %s: %v", ns, err)
	}
	p := waitPod(t, ctx, cs, ns, "web", func(p *corev1.Pod) bool {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return p.Status.PodIP != ""
			}
		}
		return false
	})
	return p.Status.PodIP
}

func waitPod(t *testing.T, ctx context.Context, cs kubernetes.Interface, ns, name string, done func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	var last *corev1.Pod
	err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		last = p
		return done(p), nil
	})
	if err != nil {
		t.Fatalf("pod %s/%s: %v (last seen: %+v)", ns, name, err, last.Status)
	}
	return last
}

// removeClass deletes a class left by an earlier run and waits until its
// namespaces are gone, so that create starts clean.
func removeClass(t *testing.T, ctx context.Context, cs kubernetes.Interface, name string, namespaces []string) {
	t.Helper()
	if _, err := class.Delete(ctx, cs, name); err != nil && !errors.Is(err, class.ErrNotFound) {
		t.Fatal(err)
	}
	if namespaces == nil {
		return
	}
	for _, ns := range append(namespaces, class.Namespace(name)) {
		err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			t.Fatalf("namespace %s of an earlier run is still there: %v", ns, err)
		}
	}
}
