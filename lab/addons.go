package lab

import (
	"context"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// gatewayAPIMarker is a CRD whose presence means the Gateway API CRDs are
// installed.
const gatewayAPIMarker = "httproutes.gateway.networking.k8s.io"

// ensureAddons installs what kubedojo's own lab promises beyond kind: the
// Gateway API standard-channel CRDs (the Gateway API exercises need them),
// the add-ons of Config.Addons (Traefik; metrics-server for kubectl top and
// the HPA's metrics). It is a quick check when they are there.
func (l *Lab) ensureAddons(ctx context.Context, t *tracker) error {
	rc, err := l.RESTConfig()
	if err != nil {
		return err
	}
	crds, err := crdClient(rc)
	if err != nil {
		return err
	}
	if _, err := crds.Get(ctx, gatewayAPIMarker, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		t.start(PhaseAddons, "Gateway API CRDs")
		err = installCRDs(ctx, crds, assets.GatewayAPICRDs())
		t.done(PhaseAddons, err)
		if err != nil {
			return err
		}
	} else if err != nil {
		return apiError("look for the Gateway API CRDs", err)
	}
	var addons []string
	if l.cfg.Addons != nil {
		addons = l.cfg.Addons()
	}
	if slices.Contains(addons, AddonTraefik) {
		if err := l.ensureTraefik(ctx, rc, t); err != nil {
			return err
		}
	}
	if slices.Contains(addons, AddonMetricsServer) {
		return l.ensureMetricsServer(ctx, rc, t)
	}
	return nil
}

// InstallGatewayAPI installs (or updates) the embedded Gateway API
// standard-channel CRDs on a cluster and waits until they are established.
func InstallGatewayAPI(ctx context.Context, cfg *rest.Config) error {
	crds, err := crdClient(cfg)
	if err != nil {
		return err
	}
	return installCRDs(ctx, crds, assets.GatewayAPICRDs())
}

func crdClient(cfg *rest.Config) (dynamic.ResourceInterface, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("add-ons: %w", err)
	}
	return dyn.Resource(crdGVR), nil
}

func installCRDs(ctx context.Context, crds dynamic.ResourceInterface, manifests string) error {
	docs, errs := lessons.ParseManifests(manifests)
	if len(errs) > 0 {
		return fmt.Errorf("embedded add-on manifests are invalid: %v", errs[0])
	}
	for _, d := range docs {
		if _, err := crds.Apply(ctx, d.Object.GetName(), d.Object, metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
			return fmt.Errorf("install CRD %s: %w", d.Object.GetName(), err)
		}
	}
	for _, d := range docs {
		if err := waitCRDEstablished(ctx, crds, d.Object.GetName()); err != nil {
			return err
		}
	}
	return nil
}

func waitCRDEstablished(ctx context.Context, crds dynamic.ResourceInterface, name string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		crd, err := crds.Get(ctx, name, metav1.GetOptions{})
		if err == nil && crdEstablished(crd) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("CRD %s did not become established: %w", name, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func crdEstablished(crd *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// addonApplier server-side applies an add-on's embedded manifests, mapping
// each object's kind through discovery. Applying again changes nothing that
// is already as the manifests say.
type addonApplier struct {
	name   string
	kube   kubernetes.Interface
	dyn    dynamic.Interface
	mapper meta.RESTMapper
}

func newAddonApplier(name string, cfg *rest.Config) (*addonApplier, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("add-on %s: %w", name, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("add-on %s: %w", name, err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(kube.Discovery()))
	return &addonApplier{name: name, kube: kube, dyn: dyn, mapper: mapper}, nil
}

func (a *addonApplier) apply(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, obj := range objs {
		gvk := obj.GroupVersionKind()
		m, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("add-on %s: %s: %w", a.name, gvk.Kind, err)
		}
		var res dynamic.ResourceInterface = a.dyn.Resource(m.Resource)
		if namespaced(m) {
			res = a.dyn.Resource(m.Resource).Namespace(obj.GetNamespace())
		}
		if _, err := res.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
			return fmt.Errorf("add-on %s: apply %s %s: %w", a.name, gvk.Kind, obj.GetName(), err)
		}
	}
	return nil
}
