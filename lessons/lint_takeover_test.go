package lessons_test

import (
	"strings"
	"testing"
)

// TestLintRejectsStartStatesThatTakeOverSystemObjects: applying an object
// the cluster owns (a node, a system namespace, the built-in StorageClass,
// a default role) makes it the exercise's, and each error says what to
// write instead.
func TestLintRejectsStartStatesThatTakeOverSystemObjects(t *testing.T) {
	ex := "lessons/pods/exercises/first-pod.yaml"
	withApply := func(manifest string) map[string]string {
		step := "  - apply: |\n" + indent(manifest, "      ")
		return map[string]string{ex: replace(goodExercise, "setup:\n", "setup:\n"+step)}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"node", withApply("apiVersion: v1\nkind: Node\nmetadata:\n  name: \"{{NODE}}\"\n  labels: {disk: ssd}\n"),
			"first-pod.yaml:9: setup[0].apply: Node kubedojo-control-plane belongs to the cluster, and applying it makes it the exercise's; use a nodeLabel (or nodeTaint) step to label the node, which cleanup puts back"},
		{"local-path-storage namespace", withApply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: local-path-storage\n"),
			`first-pod.yaml:9: setup[0].apply: Namespace local-path-storage belongs to the cluster, and applying it makes it the exercise's; list the exercise's own namespaces under namespaces (with labels:)`},
		{"kube-system namespace", withApply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n  labels: {a: b}\n"),
			`Namespace kube-system belongs to the cluster`},
		{"standard StorageClass", withApply("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\nprovisioner: rancher.io/local-path\n"),
			`first-pod.yaml:9: setup[0].apply: StorageClass standard belongs to the cluster, and applying it makes it the exercise's; give the exercise's StorageClass a name of its own`},
		{"system ClusterRole", withApply("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:node\nrules: []\n"),
			`ClusterRole system:node belongs to the cluster, and applying it makes it the exercise's; give the exercise's ClusterRole a name of its own`},
		{"cluster-admin binding", withApply("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: cluster-admin\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: system:masters, apiGroup: rbac.authorization.k8s.io}]\n"),
			`ClusterRoleBinding cluster-admin belongs to the cluster`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := problemsOf(t, tc.files)
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Errorf("want a problem containing\n%s\ngot:\n%s", tc.want, strings.Join(problems, "\n"))
		})
	}
	// An exercise's own StorageClass and ClusterRole are fine.
	own := withApply("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: example.com/fast\n---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: pod-reader\nrules: []\n")
	for _, p := range problemsOf(t, own) {
		if strings.Contains(p, "belongs to the cluster") {
			t.Errorf("an exercise's own objects: %s", p)
		}
	}
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}
