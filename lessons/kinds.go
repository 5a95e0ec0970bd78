package lessons

import (
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// clusterScopedKinds are the built-in kinds that live outside namespaces.
var clusterScopedKinds = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "StorageClass": true,
	"ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true,
	"CertificateSigningRequest": true, "IngressClass": true, "PriorityClass": true,
	"RuntimeClass": true, "ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
	"APIService": true, "CSIDriver": true, "CSINode": true, "VolumeAttachment": true,
	"ComponentStatus": true, "ServiceCIDR": true, "IPAddress": true, "FlowSchema": true,
	"PriorityLevelConfiguration": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "MutatingAdmissionPolicy": true,
	"MutatingAdmissionPolicyBinding": true, "DeviceClass": true, "ResourceSlice": true,
	"TokenReview": true, "SubjectAccessReview": true, "SelfSubjectAccessReview": true,
	"SelfSubjectRulesReview": true, "SelfSubjectReview": true, "ClusterTrustBundle": true,
	"StorageVersionMigration": true, "VolumeAttributesClass": true, "GatewayClass": true,
}

var (
	builtinOnce  sync.Once
	builtinKinds map[string]schema.GroupVersionKind
)

// groupRank prefers the groups whose kinds people mean when they name them
// without a group (core Event rather than events.k8s.io Event).
func groupRank(g string) int {
	switch g {
	case "":
		return 0
	case "apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io", "policy", "storage.k8s.io":
		return 1
	case "extensions":
		return 9 // removed from servers long ago; never prefer it
	}
	return 2
}

// versionRank orders versions GA first, higher majors first.
func versionRank(v string) int {
	stability := 0
	switch {
	case strings.Contains(v, "alpha"):
		stability = 2
	case strings.Contains(v, "beta"):
		stability = 1
	}
	major := 0
	if len(v) > 1 {
		for _, r := range v[1:] {
			if r < '0' || r > '9' {
				break
			}
			major = major*10 + int(r-'0')
		}
	}
	return stability*100 - major
}

func loadBuiltinKinds() {
	candidates := map[string][]schema.GroupVersionKind{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == "__internal" || strings.HasSuffix(gvk.Kind, "List") || strings.HasSuffix(gvk.Kind, "Options") ||
			gvk.Kind == "WatchEvent" || gvk.Kind == "Status" || gvk.Kind == "APIGroup" || gvk.Kind == "APIVersions" {
			continue
		}
		candidates[gvk.Kind] = append(candidates[gvk.Kind], gvk)
	}
	builtinKinds = map[string]schema.GroupVersionKind{}
	for kind, gvks := range candidates {
		sort.Slice(gvks, func(i, j int) bool {
			a, b := gvks[i], gvks[j]
			if groupRank(a.Group) != groupRank(b.Group) {
				return groupRank(a.Group) < groupRank(b.Group)
			}
			if versionRank(a.Version) != versionRank(b.Version) {
				return versionRank(a.Version) < versionRank(b.Version)
			}
			return a.Group < b.Group
		})
		builtinKinds[kind] = gvks[0]
	}
}

// BuiltinKind resolves a kind name such as "Deployment" to the group and
// version kubedojo uses for it. ok is false for kinds that are not built in.
func BuiltinKind(kind string) (gvk schema.GroupVersionKind, ok bool) {
	builtinOnce.Do(loadBuiltinKinds)
	gvk, ok = builtinKinds[kind]
	return gvk, ok
}

// ClusterScoped reports whether a kind is known to live outside namespaces.
// Custom kinds are resolved by the cluster at run time; this only knows the
// built-in ones and a few common add-on kinds.
func ClusterScoped(kind string) bool { return clusterScopedKinds[kind] }

// ResolveGVK returns the GroupVersionKind a reference means: its explicit
// apiVersion, or the built-in kind of that name.
func (r ObjectRef) ResolveGVK() (schema.GroupVersionKind, bool) {
	if r.APIVersion != "" {
		gv, err := schema.ParseGroupVersion(r.APIVersion)
		if err != nil {
			return schema.GroupVersionKind{}, false
		}
		return gv.WithKind(r.Kind), true
	}
	return BuiltinKind(r.Kind)
}
