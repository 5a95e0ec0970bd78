package lessons_test

import (
	"strings"
	"testing"
)

// TestLintPathsDeletesImagesAndScripts: what a pack writes on the
// learner's machine stays under {{LAB}}, what it deletes is its own, its
// images cannot be read as options, and its scripts parse.
func TestLintPathsDeletesImagesAndScripts(t *testing.T) {
	ex := "lessons/pods/exercises/first-pod.yaml"
	withSetup := func(step string) map[string]string {
		return map[string]string{ex: replace(goodExercise, "setup:\n", "setup:\n  - "+step+"\n")}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"file path climbs out", withSetup(`file: {path: "{{LAB}}/notes/../../.bashrc", content: x}`),
			`first-pod.yaml:8: setup[0].file.path: "{{LAB}}/notes/../../.bashrc" has a ".." element; write the path inside {{LAB}}/ without ".."`},
		{"tls cert outside the lab", withSetup(`tls: {cert: /etc/ssl/shop.crt, key: "{{LAB}}/shop.key", host: shop}`),
			`first-pod.yaml:8: setup[0].tls.cert: TLS files must be written under {{LAB}}/ (found "/etc/ssl/shop.crt")`},
		{"tls key climbs out", withSetup(`tls: {cert: "{{LAB}}/shop.crt", key: "{{LAB}}/../shop.key", host: shop}`),
			`first-pod.yaml:8: setup[0].tls.key: "{{LAB}}/../shop.key" has a ".." element; write the path inside {{LAB}}/ without ".."`},
		{"delete in a namespace not owned", withSetup(`delete: {kind: ConfigMap, name: coredns, namespace: kube-system}`),
			`first-pod.yaml:8: setup[0].delete.namespace: deletes ConfigMap coredns in namespace "kube-system", which the exercise does not own; an exercise deletes only in its own namespaces (list it under namespaces)`},
		{"cleanup deletes a namespace not owned", map[string]string{ex: goodExercise + "cleanup:\n  - delete: {kind: Namespace, name: kube-system}\n"},
			`first-pod.yaml:25: cleanup[0].delete.name: deletes namespace "kube-system", which the exercise does not own (list it under namespaces)`},
		{"delete a node", withSetup(`delete: {kind: Node, name: "{{WORKER}}"}`),
			`first-pod.yaml:8: setup[0].delete.kind: an exercise never deletes a Node (it would not come back); use nodeLabel or nodeTaint`},
		{"image read as an option", map[string]string{"course.yaml": replace(goodCourse, "images: [nginx:1.27]", `images: ["--output=/tmp/x:1"]`)},
			`course.yaml:5: images[0]: "--output=/tmp/x:1" is not an image reference (it starts with "-", and commands would read it as an option)`},
		{"run script does not parse", map[string]string{ex: replace(goodExercise, "    - run: kubectl -n pod-1 run web --image=nginx:1.27", "    - run: |\n        echo 'unterminated\n")},
			`first-pod.yaml:24: solution.steps[0].run: the shell script does not parse:`},
		{"image in a reading outside the pack", map[string]string{"lessons/pods/reading.md": "# Pods\n\n![x](../../../secret.png)\n"},
			`reading.md:3: image ../../../secret.png is outside the pack; ship it in the pack`},
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
}
