package lab

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// Where the Traefik add-on runs; exercises reach it as the Service
// traefik.traefik (ports 80 and 443).
const (
	TraefikNamespace  = "traefik"
	traefikDeployment = "traefik"
	// traefikReadyWait bounds the wait for Traefik's pod after an install:
	// its image is preloaded, so only scheduling and a readiness probe
	// remain.
	traefikReadyWait = 2 * time.Minute
)

// installable are the add-ons Up can install, beyond the Gateway API CRDs
// it always installs. Each costs a lab a minute or so and a share of the
// worker (metrics-server reserves 100m CPU), so a lab gets only those its
// course needs.
var installable = []string{AddonTraefik, AddonMetricsServer}

// AddonsFor returns the add-ons that kubedojo installs on its own lab and
// that some of these exercises need, in a stable order: what Config.Addons
// should hold for a course.
func AddonsFor(exercises []*lessons.Exercise) []string {
	var out []string
	for _, a := range installable {
		for _, ex := range exercises {
			if ex.Tier == lessons.TierAddon && ex.Addon == a {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// AddonImages returns the container images of these add-ons, read from
// their embedded manifests, for preloading.
func AddonImages(addons []string) []string {
	var out []string
	if slices.Contains(addons, AddonTraefik) {
		out = append(out, manifestImages(assets.TraefikManifests())...)
	}
	if slices.Contains(addons, AddonMetricsServer) {
		out = append(out, MetricsServerImage)
	}
	return out
}

// manifestImages lists the images of the Deployments in a manifest.
func manifestImages(text string) []string {
	docs, _ := lessons.ParseManifests(text)
	var out []string
	for _, d := range docs {
		if d.Object.GetKind() != "Deployment" {
			continue
		}
		ctrs, _, _ := unstructured.NestedSlice(d.Object.Object, "spec", "template", "spec", "containers")
		for _, c := range ctrs {
			if img, _ := c.(map[string]any)["image"].(string); img != "" && !slices.Contains(out, img) {
				out = append(out, img)
			}
		}
	}
	return out
}

// ensureTraefik installs the Traefik add-on unless it already runs with the
// pinned image: it loads the image into the nodes, applies the manifests
// and waits for the pod to be ready, reporting each step.
func (l *Lab) ensureTraefik(ctx context.Context, rc *rest.Config, t *tracker) error {
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("add-on traefik: %w", err)
	}
	if why, err := traefikProblem(ctx, kube); err != nil {
		return err
	} else if why == "" {
		return nil
	}
	t.start(PhaseAddons, "Traefik: loading its image into the nodes")
	sub := newTracker(func(p Progress) {
		if p.Message != "" {
			t.message("Traefik: " + p.Message)
		}
	}, nil)
	if err := l.preload(ctx, AddonImages([]string{AddonTraefik}), sub); err != nil {
		err = fmt.Errorf("add-on traefik: %w", err)
		t.done(PhaseAddons, err)
		return err
	}
	t.message("Traefik: applying its manifests")
	if err := ApplyTraefik(ctx, rc); err != nil {
		t.done(PhaseAddons, err)
		return err
	}
	t.message("Traefik: waiting for its pod to be ready")
	err = WaitTraefik(ctx, rc)
	t.done(PhaseAddons, err)
	return err
}

// ApplyTraefik applies the embedded Traefik manifests with server-side
// apply (namespace, RBAC, Deployment, Service, IngressClass and
// GatewayClass traefik). The Gateway API CRDs must be installed. Applying
// again changes nothing that is already as the manifests say.
func ApplyTraefik(ctx context.Context, cfg *rest.Config) error {
	docs, errs := lessons.ParseManifests(assets.TraefikManifests())
	if len(errs) > 0 {
		return fmt.Errorf("embedded Traefik manifests are invalid: %v", errs[0])
	}
	a, err := newAddonApplier(AddonTraefik, cfg)
	if err != nil {
		return err
	}
	objs := make([]*unstructured.Unstructured, 0, len(docs))
	for _, d := range docs {
		objs = append(objs, d.Object)
	}
	return a.apply(ctx, objs)
}

// WaitTraefik waits until Traefik's Deployment has a ready pod running the
// pinned image; a pod that cannot start is named with its reason.
func WaitTraefik(ctx context.Context, cfg *rest.Config) error {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("add-on traefik: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, traefikReadyWait)
	defer cancel()
	for {
		why, err := traefikProblem(ctx, kube)
		if err == nil && why == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("%s", why)
			}
			return fmt.Errorf("add-on traefik did not become ready in %s: %w", traefikReadyWait, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// traefikProblem returns "" when Traefik runs ready with the pinned image,
// else what is wrong; the error is for an unreachable API server.
func traefikProblem(ctx context.Context, kube kubernetes.Interface) (string, error) {
	d, err := kube.AppsV1().Deployments(TraefikNamespace).Get(ctx, traefikDeployment, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "Traefik is not installed (no Deployment traefik/traefik)", nil
	}
	if err != nil {
		return "", apiError("look for Traefik", err)
	}
	if want := AddonImages([]string{AddonTraefik}); len(d.Spec.Template.Spec.Containers) == 0 ||
		!slices.Contains(want, d.Spec.Template.Spec.Containers[0].Image) {
		return fmt.Sprintf("Traefik runs another image than %s", strings.Join(want, ", ")), nil
	}
	if deploymentReady(d) {
		return "", nil
	}
	why := "Traefik (Deployment traefik/traefik) has no ready pod"
	pods, err := kube.CoreV1().Pods(TraefikNamespace).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=traefik"})
	if err == nil {
		for i := range pods.Items {
			if r := podWaitingReason(&pods.Items[i]); r != "" {
				why += fmt.Sprintf(" (pod %s: %s)", pods.Items[i].Name, r)
				break
			}
		}
	}
	return why + "; see kubectl -n traefik get pods", nil
}

func deploymentReady(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas >= want && s.AvailableReplicas >= want && s.Replicas == s.UpdatedReplicas
}

func podWaitingReason(p *corev1.Pod) string {
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil && w.Reason != "" {
			return strings.TrimSpace(w.Reason + " " + w.Message)
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return "unschedulable: " + c.Message
		}
	}
	return ""
}

// traefikServes says whether the Traefik add-on serves exercises here, and
// if not, why, with what to do about it.
func (e *Environment) traefikServes(ctx context.Context, gatewayAPI, ownLab bool) (bool, string) {
	if !gatewayAPI {
		return false, "Traefik needs the Gateway API CRDs, which are not installed"
	}
	why, err := traefikProblem(ctx, e.kube)
	if err != nil {
		return false, err.Error()
	}
	if why == "" {
		return true, ""
	}
	if ownLab {
		return false, why + "; kubedojo lab up installs it"
	}
	return false, why + "; kubedojo installs Traefik only on its own kind lab"
}
