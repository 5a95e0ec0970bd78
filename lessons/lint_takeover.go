package lessons

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A start state or solution that applies an object the cluster owns makes
// it the exercise's: it gets the exercise's labels, and cleanup used to
// delete what carries them (a Node that came back without its role, local
// storage gone). The lab now puts such objects back instead of deleting
// them, but an exercise has no business taking them over in the first
// place: each has a step kind or a name of its own to use instead.

// takeover reports why applying obj would take over an object of the
// cluster, with what to write instead; "" when it would not.
func takeover(obj *unstructured.Unstructured) string {
	name := obj.GetName()
	switch obj.GetKind() {
	case "Node":
		return "use a nodeLabel (or nodeTaint) step to label the node, which cleanup puts back"
	case "Namespace":
		if isSystemNamespace(name) {
			return "list the exercise's own namespaces under namespaces (with labels:)"
		}
	case "StorageClass":
		if name == "standard" {
			return "give the exercise's StorageClass a name of its own"
		}
	case "ClusterRole", "ClusterRoleBinding":
		if defaultRBACName(name) {
			return "give the exercise's " + obj.GetKind() + " a name of its own"
		}
	}
	return ""
}

// defaultRBACName reports whether a ClusterRole or ClusterRoleBinding name
// is one the API server makes and reconciles itself.
func defaultRBACName(name string) bool {
	switch name {
	case "cluster-admin", "admin", "edit", "view":
		return true
	}
	return strings.HasPrefix(name, "system:") || strings.HasPrefix(name, "kubeadm:")
}

// takeovers reports the documents of an apply step that take over objects
// of the cluster.
func (v *exerciseLint) takeovers(f string, base int, docs []Manifest) {
	for _, d := range docs {
		if fix := takeover(d.Object); fix != "" {
			v.r.add(base+d.Line, f, "%s %s belongs to the cluster, and applying it makes it the exercise's; %s", d.Object.GetKind(), d.Object.GetName(), fix)
		}
	}
}
