package lessons_test

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestPowersNameWhatReachesPastTheNamespaces: privileged pods, hostPath
// volumes, powerful or open RoleBindings and node commands are listed per
// exercise; an exercise that keeps to its namespaces has none.
func TestPowersNameWhatReachesPastTheNamespaces(t *testing.T) {
	ex := "lessons/pods/exercises/first-pod.yaml"
	setup := "setup:\n" +
		"  - apply: |\n" +
		"      apiVersion: rbac.authorization.k8s.io/v1\n      kind: ClusterRoleBinding\n      metadata: {name: open}\n" +
		"      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n" +
		"      subjects: [{kind: User, name: system:anonymous, apiGroup: rbac.authorization.k8s.io}]\n" +
		"      ---\n" +
		"      apiVersion: rbac.authorization.k8s.io/v1\n      kind: Role\n      metadata: {name: all}\n      rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [\"*\"]}]\n" +
		"      ---\n" +
		"      apiVersion: rbac.authorization.k8s.io/v1\n      kind: RoleBinding\n      metadata: {name: all}\n" +
		"      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: all}\n" +
		"      subjects: [{kind: ServiceAccount, name: default, namespace: pod-1}]\n" +
		"      ---\n" +
		"      apiVersion: v1\n      kind: Pod\n      metadata: {name: root}\n      spec:\n        volumes: [{name: r, hostPath: {path: /}}]\n        containers: [{name: c, image: busybox:1.36}]\n" +
		"      ---\n" +
		"      apiVersion: v1\n      kind: PersistentVolume\n      metadata: {name: pv}\n      spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /etc}}\n"
	files := map[string]string{ex: replace(replace(replace(goodExercise, "setup:\n", setup), "tier: kubelet\n", "tier: node-access\n"),
		"namespaces: [pod-1]\n", "namespaces: [pod-1]\npodSecurity: {level: privileged, reason: the pod mounts the node's root}\n") +
		"cleanup:\n  - node: rm -rf /var/lab\n"}
	c, err := lessons.Load(pack(files))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range lessons.Powers(c) {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"pods/first-pod: its namespaces admit privileged pods (the pod mounts the node's root)",
		"pods/first-pod: its start state grants ClusterRole cluster-admin in the whole cluster (ClusterRoleBinding open)",
		"pods/first-pod: its start state grants ClusterRole cluster-admin to system:anonymous, that is to anyone who reaches the API server (ClusterRoleBinding open)",
		"pods/first-pod: its start state grants Role all, which allows every verb or resource, in its namespace (RoleBinding all)",
		`pods/first-pod: its start state runs Pod root beyond Pod Security baseline: hostPath volumes (volume "r")`,
		"pods/first-pod: its start state makes PersistentVolume pv of the node directory /etc",
		"pods/first-pod: its cleanup runs commands as root inside a lab node",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing power %q in:\n%s", want, all)
		}
	}
	plain, err := lessons.Load(pack(map[string]string{ex: goodExercise}))
	if err != nil {
		t.Fatal(err)
	}
	if ps := lessons.Powers(plain); len(ps) != 0 {
		t.Errorf("an exercise that keeps to its namespace: %v", ps)
	}
	// The built-in course has powers (node-access exercises, hostPath);
	// it is trusted, so they are only listed.
	course, err := lessons.Load(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	if len(lessons.Powers(course)) == 0 {
		t.Errorf("the built-in course lists no powers, though it has node-access exercises")
	}
}
