package lab_test

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
)

// TestInstallGatewayAPI applies the embedded Gateway API CRDs to a real API
// server of the lab's Kubernetes version, twice (the lab re-applies them
// after an upgrade of kubedojo), and sees the add-on reported available.
func TestInstallGatewayAPI(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := 0; i < 2; i++ {
		if err := lab.InstallGatewayAPI(ctx, et.Config); err != nil {
			t.Fatal(err)
		}
	}
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{})
	if err != nil {
		t.Fatal(err)
	}
	caps, err := env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Addons[lab.AddonGatewayAPI] {
		t.Fatalf("gateway-api not reported after install: %s", caps.Missing[lab.AddonGatewayAPI])
	}
}

// TestInstallTraefik applies the embedded Traefik add-on twice to a real
// API server (a second lab up re-applies it) and checks what the lab
// reports: unavailable, with the reason, while its pod is not ready (no
// kubelet runs here), available once the Deployment is.
func TestInstallTraefik(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := lab.InstallGatewayAPI(ctx, et.Config); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := lab.ApplyTraefik(ctx, et.Config); err != nil {
			t.Fatalf("apply %d: %v", i+1, err)
		}
	}
	kube := kubernetes.NewForConfigOrDie(et.Config)
	ic, err := kube.NetworkingV1().IngressClasses().Get(ctx, "traefik", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ic.Spec.Controller != "traefik.io/ingress-controller" || ic.Annotations["ingressclass.kubernetes.io/is-default-class"] == "true" {
		t.Errorf("IngressClass traefik: controller %q, annotations %v; want traefik.io/ingress-controller, not the default class", ic.Spec.Controller, ic.Annotations)
	}
	dyn := dynamic.NewForConfigOrDie(et.Config)
	gc, err := dyn.Resource(schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gatewayclasses"}).Get(ctx, "traefik", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ctrl, _, _ := unstructured.NestedString(gc.Object, "spec", "controllerName"); ctrl != "traefik.io/gateway-controller" {
		t.Errorf("GatewayClass traefik: controllerName %q", ctrl)
	}

	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{})
	if err != nil {
		t.Fatal(err)
	}
	caps, err := env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// envtest runs no controllers, so Serves would stop at that tier: the
	// add-on's own verdict is what this test is about.
	if why := caps.Missing[lab.AddonTraefik]; caps.Addons[lab.AddonTraefik] || !strings.Contains(why, "no ready pod") || !strings.Contains(why, "own kind lab") {
		t.Errorf("traefik before its pod is ready: available %v, reason %q; want unavailable: no ready pod, own lab only", caps.Addons[lab.AddonTraefik], why)
	}

	d, err := kube.AppsV1().Deployments(lab.TraefikNamespace).Get(ctx, "traefik", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1}
	if _, err := kube.AppsV1().Deployments(lab.TraefikNamespace).UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := lab.WaitTraefik(ctx, et.Config); err != nil {
		t.Fatalf("WaitTraefik with an available Deployment: %v", err)
	}
	if caps, err = env.Capabilities(ctx); err != nil {
		t.Fatal(err)
	}
	if !caps.Addons[lab.AddonTraefik] {
		t.Errorf("traefik with its Deployment available: unavailable, %q", caps.Missing[lab.AddonTraefik])
	}
}
