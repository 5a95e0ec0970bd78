package lab_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
)

// TestInstallMetricsServerRegistersAPIServiceWhenReady applies the embedded
// metrics-server to a real API server and sees the APIService registered
// only after the Deployment is ready: registered earlier, the aggregator
// may open its connection to the Service before the Service is routable
// and keep using it (every Metrics API request an empty 404).
func TestInstallMetricsServerRegistersAPIServiceWhenReady(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	kube := kubernetes.NewForConfigOrDie(et.Config)
	apiServices := dynamic.NewForConfigOrDie(et.Config).Resource(schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"})
	// A registered APIService without a backend breaks discovery for the
	// other tests of this API server.
	t.Cleanup(func() {
		_ = apiServices.Delete(context.Background(), "v1beta1.metrics.k8s.io", metav1.DeleteOptions{})
		_ = kube.AppsV1().Deployments("kube-system").Delete(context.Background(), "metrics-server", metav1.DeleteOptions{})
		_ = kube.CoreV1().Secrets("kube-system").Delete(context.Background(), "metrics-server-tls", metav1.DeleteOptions{})
	})

	done := make(chan error, 1)
	go func() { done <- lab.InstallMetricsServer(ctx, et.Config) }()
	deployments := kube.AppsV1().Deployments("kube-system")
	for {
		if _, err := deployments.Get(ctx, "metrics-server", metav1.GetOptions{}); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("install returned before its Deployment existed: %v", err)
		case <-ctx.Done():
			t.Fatal("the metrics-server Deployment was never created")
		case <-time.After(100 * time.Millisecond):
		}
	}
	// Nothing runs pods here: the Deployment stays unready until the test
	// says otherwise, and the APIService must wait for it.
	select {
	case err := <-done:
		t.Fatalf("install returned while the Deployment was not ready: %v", err)
	case <-time.After(2 * time.Second):
	}
	if _, err := apiServices.Get(ctx, "v1beta1.metrics.k8s.io", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("APIService v1beta1.metrics.k8s.io registered before metrics-server is ready (get: %v)", err)
	}

	d, err := deployments.Get(ctx, "metrics-server", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.Status.ObservedGeneration = d.Generation
	d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas = 1, 1, 1, 1
	if _, err := deployments.UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("install: %v", err)
	}
	svc, err := apiServices.Get(ctx, "v1beta1.metrics.k8s.io", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("APIService not registered after the Deployment became ready: %v", err)
	}
	if ns, _, _ := unstructured.NestedString(svc.Object, "spec", "service", "namespace"); ns != "kube-system" {
		t.Errorf("APIService points at namespace %q, want kube-system", ns)
	}
	// It trusts the certificate kubedojo made, never any server at all.
	if skip, _, _ := unstructured.NestedBool(svc.Object, "spec", "insecureSkipTLSVerify"); skip {
		t.Error("APIService has insecureSkipTLSVerify: true")
	}
	sec, err := kube.CoreV1().Secrets("kube-system").Get(ctx, "metrics-server-tls", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("serving certificate: %v", err)
	}
	ca, _, _ := unstructured.NestedString(svc.Object, "spec", "caBundle")
	if want := base64.StdEncoding.EncodeToString(sec.Data["tls.crt"]); ca != want {
		t.Errorf("APIService caBundle is not the certificate of Secret metrics-server-tls")
	}
}
