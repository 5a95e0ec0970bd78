package lessons_test

import (
	"strings"
	"testing"
)

// TestLintPodSecurity: an exercise's namespaces enforce baseline unless it
// declares more and why; lint rejects the pods its start state or solution
// applies that the namespace would reject, with the API server's reason,
// and labels that weaken the level.
func TestLintPodSecurity(t *testing.T) {
	ex := "lessons/pods/exercises/first-pod.yaml"
	privilegedPod := "apiVersion: v1\nkind: Pod\nmetadata: {name: root}\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: busybox:1.36\n    securityContext: {privileged: true}\n"
	hostPathDS := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: logs}\nspec:\n  selector: {matchLabels: {app: logs}}\n  template:\n    metadata: {labels: {app: logs}}\n    spec:\n      volumes: [{name: root, hostPath: {path: /}}]\n      containers: [{name: c, image: busybox:1.36}]\n"
	withApply := func(manifest, extra string) map[string]string {
		step := "  - apply: |\n" + indent(manifest, "      ")
		return map[string]string{ex: replace(replace(goodExercise, "setup:\n", "setup:\n"+step), "namespaces: [pod-1]\n", "namespaces: [pod-1]\n"+extra)}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"privileged pod in a start state", withApply(privilegedPod, ""),
			`first-pod.yaml:9: setup[0].apply: Pod root breaks Pod Security baseline, which the exercise's namespaces enforce: host namespaces (hostPID=true), privileged (container "c" must not set securityContext.privileged=true); if the exercise needs it, declare podSecurity: {level: privileged, reason: ...}`},
		{"hostPath in a DaemonSet template", withApply(hostPathDS, ""),
			`DaemonSet logs breaks Pod Security baseline, which the exercise's namespaces enforce: hostPath volumes (volume "root")`},
		{"privileged without a reason", withApply(privilegedPod, "podSecurity: {level: privileged}\n"),
			`first-pod.yaml:5: podSecurity.reason: say why the exercise needs privileged pods (the learner reads it before a pack runs)`},
		{"unknown level", withApply(hostPathDS, "podSecurity: {level: root, reason: x}\n"),
			`podSecurity.level: unknown Pod Security level "root" (baseline, restricted or privileged)`},
		{"restricted rejects a root pod", withApply("apiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec:\n  containers: [{name: c, image: busybox:1.36}]\n", "podSecurity: {level: restricted}\n"),
			`Pod plain breaks Pod Security restricted, which the exercise's namespaces enforce: allowPrivilegeEscalation != false`},
		{"namespace label weakens the level", map[string]string{ex: replace(goodExercise, "namespaces: [pod-1]\n", "namespaces:\n  - {name: pod-1, labels: {pod-security.kubernetes.io/enforce: privileged}}\n")},
			`namespaces[0].labels: pod-security.kubernetes.io/enforce=privileged is weaker than the exercise's Pod Security level baseline`},
		{"applied namespace weakens the level", withApply("apiVersion: v1\nkind: Namespace\nmetadata: {name: pod-1, labels: {pod-security.kubernetes.io/enforce: privileged}}\n", ""),
			`Namespace pod-1: pod-security.kubernetes.io/enforce=privileged is weaker than the exercise's Pod Security level baseline`},
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
	declared := withApply(privilegedPod+"---\n"+hostPathDS, "podSecurity: {level: privileged, reason: the exercise shows what a privileged pod sees of the node}\n")
	for _, p := range problemsOf(t, declared) {
		if strings.Contains(p, "Pod Security") || strings.Contains(p, "podSecurity") {
			t.Errorf("a declared privileged exercise: %s", p)
		}
	}
}
