package lab

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

func TestAddonsForInstallsTraefikOnlyWhenAnExerciseNeedsIt(t *testing.T) {
	plain := &lessons.Exercise{ID: "a/plain", Tier: lessons.TierKubelet}
	gw := &lessons.Exercise{ID: "a/gw", Tier: lessons.TierAddon, Addon: AddonGatewayAPI}
	live := &lessons.Exercise{ID: "a/live", Tier: lessons.TierAddon, Addon: AddonTraefik}
	if got := AddonsFor([]*lessons.Exercise{plain, gw}); len(got) != 0 {
		t.Errorf("AddonsFor(no traefik exercise) = %v, want none", got)
	}
	if got := AddonsFor([]*lessons.Exercise{plain, live, live}); !slices.Equal(got, []string{AddonTraefik}) {
		t.Errorf("AddonsFor(traefik exercises) = %v, want [traefik]", got)
	}
}

// TestAddonsForInstallsMetricsServerOnlyWhenAnExerciseNeedsIt: every lab
// used to get metrics-server (a minute per cold lab, 100m CPU of its worker).
func TestAddonsForInstallsMetricsServerOnlyWhenAnExerciseNeedsIt(t *testing.T) {
	plain := &lessons.Exercise{ID: "a/plain", Tier: lessons.TierKubelet}
	top := &lessons.Exercise{ID: "a/top", Tier: lessons.TierAddon, Addon: AddonMetricsServer}
	live := &lessons.Exercise{ID: "a/live", Tier: lessons.TierAddon, Addon: AddonTraefik}
	if got := AddonsFor([]*lessons.Exercise{plain, live}); slices.Contains(got, AddonMetricsServer) {
		t.Errorf("AddonsFor(no metrics exercise) = %v", got)
	}
	if got := AddonsFor([]*lessons.Exercise{top, plain, live}); !slices.Equal(got, []string{AddonTraefik, AddonMetricsServer}) {
		t.Errorf("AddonsFor(both) = %v, want [traefik metrics-server]", got)
	}
	if got := AddonImages([]string{AddonMetricsServer}); !slices.Equal(got, []string{MetricsServerImage}) {
		t.Errorf("AddonImages(metrics-server) = %v", got)
	}
}

func TestAddonImagesPinTraefik(t *testing.T) {
	got := AddonImages([]string{AddonTraefik})
	if !slices.Equal(got, []string{"docker.io/library/traefik:v3.6.12"}) {
		t.Fatalf("AddonImages(traefik) = %v, want the pinned docker.io/library/traefik:v3.6.12", got)
	}
	if got := AddonImages(nil); len(got) != 0 {
		t.Errorf("AddonImages(nil) = %v", got)
	}
}

// TestTraefikClusterRoleIsLeastPrivilege keeps the add-on's ClusterRole to
// reads, plus updates of the Gateway API objects' status: Traefik must not
// be able to change what learners write.
func TestTraefikClusterRoleIsLeastPrivilege(t *testing.T) {
	docs, errs := lessons.ParseManifests(assets.TraefikManifests())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var kinds []string
	for _, d := range docs {
		kinds = append(kinds, d.Object.GetKind()+"/"+d.Object.GetName())
		if d.Object.GetKind() != "ClusterRole" {
			continue
		}
		rules, _, _ := unstructured.NestedSlice(d.Object.Object, "rules")
		for _, r := range rules {
			rule := r.(map[string]any)
			res, _, _ := unstructured.NestedStringSlice(rule, "resources")
			verbs, _, _ := unstructured.NestedStringSlice(rule, "verbs")
			for _, v := range verbs {
				read := v == "get" || v == "list" || v == "watch"
				if read {
					continue
				}
				for _, r := range res {
					if v != "update" || !strings.HasSuffix(r, "/status") {
						t.Errorf("ClusterRole grants %s on %s; only reads and status updates are allowed", v, r)
					}
				}
			}
			if slices.Contains(res, "*") || slices.Contains(verbs, "*") {
				t.Errorf("ClusterRole rule uses a wildcard: %v", rule)
			}
		}
	}
	for _, want := range []string{"Namespace/traefik", "ServiceAccount/traefik", "ClusterRole/kubedojo-traefik", "ClusterRoleBinding/kubedojo-traefik",
		"Deployment/traefik", "Service/traefik", "IngressClass/traefik", "GatewayClass/traefik"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("Traefik manifests lack %s (have %v)", want, kinds)
		}
	}
}
