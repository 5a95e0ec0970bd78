package lessons_test

import (
	"strings"
	"testing"
)

// TestLintChecksReadOnlyDeclaredNamespaces: a check (or a start state's
// wait) that names a namespace the exercise neither owns nor lists under
// readNamespaces is an error; listed, it is fine.
func TestLintChecksReadOnlyDeclaredNamespaces(t *testing.T) {
	ex := "lessons/pods/exercises/first-pod.yaml"
	secretCheck := "  - id: token\n    title: t\n    message: m\n    field: {object: {kind: Secret, name: admin, namespace: kube-system}, path: .data.token, exists: true}\n"
	undeclared := map[string]string{ex: replace(goodExercise, "checks:\n", "checks:\n"+secretCheck)}
	want := "checks[0]: reads namespace kube-system, which is not one of the exercise's namespaces; a check reads only those and the ones listed under readNamespaces (add it there if the check must read it)"
	wait := map[string]string{ex: replace(goodExercise, "setup:\n", "setup:\n  - wait: {timeout: 30s, exists: {kind: ConfigMap, name: coredns, namespace: kube-system}}\n")}
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"check": {undeclared, want},
		"wait":  {wait, "setup[0].wait: reads namespace kube-system"},
		"own":   {map[string]string{ex: replace(goodExercise, "namespaces: [pod-1]\n", "namespaces: [pod-1]\nreadNamespaces: [pod-1]\n")}, `readNamespaces[0]: namespace "pod-1" is the exercise's own`},
	} {
		problems := problemsOf(t, tc.files)
		if !strings.Contains(strings.Join(problems, "\n"), tc.want) {
			t.Errorf("%s: want a problem containing\n%s\ngot:\n%s", name, tc.want, strings.Join(problems, "\n"))
		}
	}
	declared := map[string]string{ex: replace(replace(goodExercise, "checks:\n", "checks:\n"+secretCheck), "namespaces: [pod-1]\n", "namespaces: [pod-1]\nreadNamespaces: [kube-system]\n")}
	for _, p := range problemsOf(t, declared) {
		if strings.Contains(p, "reads namespace") {
			t.Errorf("a declared namespace: %s", p)
		}
	}
}
