package lessons_test

import (
	"errors"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

const goodCourse = `format: kubedojo/v1
id: demo
title: Demo
version: 1.0.0
images: [nginx:1.27]
tracks:
  - id: basics
    title: Basics
    lessons:
      - id: pods
        title: Pods
        domain: workloads
        exercises: [first-pod]
`

const goodQuiz = `questions:
  - id: q1
    question: Which is a pod?
    choices:
      - text: a group of containers
        correct: true
      - text: a node
    explanation: Pods group containers.
`

const goodExercise = `id: first-pod
title: First pod
tier: kubelet
namespaces: [pod-1]
task: |
  Create pod web.
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: seed}
      data: {a: b}
checks:
  - id: exists
    title: web exists
    message: pod web not found
    exists: Pod/web
hints:
  - kubectl run
  - kubectl run web --image=nginx:1.27
solution:
  steps:
    - run: kubectl -n pod-1 run web --image=nginx:1.27
`

func pack(files map[string]string) fstest.MapFS {
	fs := fstest.MapFS{
		"course.yaml":                           {Data: []byte(goodCourse)},
		"lessons/pods/reading.md":               {Data: []byte("# Pods\n\nRead me.\n")},
		"lessons/pods/quiz.yaml":                {Data: []byte(goodQuiz)},
		"lessons/pods/exercises/first-pod.yaml": {Data: []byte(goodExercise)},
	}
	for name, data := range files {
		if data == "" {
			delete(fs, name)
			continue
		}
		fs[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fs
}

func problemsOf(t *testing.T, files map[string]string) []string {
	t.Helper()
	_, err := lessons.Load(pack(files))
	if err == nil {
		return nil
	}
	var ps lessons.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func TestGoodPackLoads(t *testing.T) {
	c, err := lessons.Load(pack(nil))
	if err != nil {
		t.Fatal(err)
	}
	ex := c.Exercise("pods/first-pod")
	if ex == nil || ex.Lesson.ID != "pods" || ex.DefaultNamespace() != "pod-1" || ex.Checks[0].Kind() != "exists" {
		t.Fatalf("loaded %+v", ex)
	}
	if c.Lesson("pods").Quiz().Questions[0].Correct() != 0 {
		t.Fatal("quiz answer")
	}
}

const poolCourse = `format: kubedojo/v1
id: mock
title: Mock exams
version: 1.0.0
exam: {duration: 2h, passMark: 66, tasks: 1}
tracks:
  - id: tasks
    title: Tasks
    lessons:
      - id: pods
        title: Pods
        domain: workloads
        exercises: [first-pod]
`

// TestExamPool loads a pool whose lesson has no reading and no quiz, and
// checks the exam rules: tasks need weights, points sit on top-level checks,
// weights belong to pools only.
func TestExamPool(t *testing.T) {
	task := replace(goodExercise, "tier: kubelet", "tier: kubelet\nweight: 4")
	c, err := lessons.Load(pack(map[string]string{"course.yaml": poolCourse, "lessons/pods/reading.md": "", "lessons/pods/quiz.yaml": "", "lessons/pods/exercises/first-pod.yaml": task}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsExamPool() || c.Exam.Duration.Hours() != 2 || c.Exercises()[0].Weight != 4 || c.Exercises()[0].Checks[0].PointsWorth() != 1 {
		t.Fatalf("pool loaded as %+v", c.Exam)
	}
	ex := "lessons/pods/exercises/first-pod.yaml"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"task without weight", map[string]string{"course.yaml": poolCourse, ex: goodExercise},
			[]string{`lessons/pods/exercises/first-pod.yaml:1: weight: an exam task needs a weight (1–20), shown to the learner as its share of the exam`}},
		{"weight outside a pool", map[string]string{ex: task},
			[]string{`lessons/pods/exercises/first-pod.yaml:4: weight: only exam tasks have a weight (add exam: to course.yaml to make the pack an exam pool)`}},
		{"nested points and too many tasks", map[string]string{"course.yaml": replace(poolCourse, "tasks: 1}", "tasks: 3}"), ex: replace(task, "    exists: Pod/web\n", "    points: 2\n    allOf: [{exists: Pod/web, points: 1}]\n")},
			[]string{
				`course.yaml:5: exam.tasks: an exam draws 3 tasks but the pool has only 1`,
				`lessons/pods/exercises/first-pod.yaml:19: checks[0].allOf[0].points: points belong on top-level checks; a nested check counts through its parent`,
			}},
		{"breaks without exclusive, unknown and twice", map[string]string{"course.yaml": replace(poolCourse, "tasks: 1}", "tasks: 1, maxBreaking: -1}"), ex: replace(task, "weight: 4", "weight: 4\nbreaks: [coredns, sheduler, coredns]")},
			[]string{
				`course.yaml:5: exam.maxBreaking: cannot be negative (omit it for 3)`,
				`lessons/pods/exercises/first-pod.yaml:5: breaks: a task that breaks a shared component changes the whole cluster: mark it exclusive: true`,
				`lessons/pods/exercises/first-pod.yaml:5: breaks[1]: unknown component "sheduler" (did you mean "scheduler"?); known: apiserver, certificates, cni, container-runtime, controller-manager, coredns, etcd, kube-proxy, kubelet, scheduler, worker-scheduling`,
				`lessons/pods/exercises/first-pod.yaml:5: breaks[2]: component "coredns" is listed twice`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := problemsOf(t, tc.files)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestNodeStepsLoad reads node label and taint steps as a pack writes them,
// with template variables expanded like every other field.
func TestNodeStepsLoad(t *testing.T) {
	src := replace(replace(goodExercise, "tier: kubelet", "tier: kubelet\nworkers: 1"), "  - apply: |", `  - nodeLabel: {node: "{{WORKER}}", labels: {disk: ssd, example.com/tier: ""}}
  - nodeTaint:
      node: "{{WORKER}}"
      taints:
        - {key: maintenance, value: "true", effect: NoSchedule}
        - {key: dedicated, effect: NoExecute}
  - apply: |`)
	c, err := lessons.Load(pack(map[string]string{"lessons/pods/exercises/first-pod.yaml": src}))
	if err != nil {
		t.Fatal(err)
	}
	ex := c.Exercise("pods/first-pod").Expand(lessons.Vars{Node: "cp", Worker: "w1"})
	label, taint := ex.Setup[0], ex.Setup[1]
	if label.Action() != "nodeLabel" || label.NodeLabel.Node != "w1" || label.NodeLabel.Labels["disk"] != "ssd" || len(label.NodeLabel.Labels) != 2 {
		t.Errorf("nodeLabel step %s %+v", label.Action(), label.NodeLabel)
	}
	want := []lessons.Taint{{Key: "maintenance", Value: "true", Effect: "NoSchedule"}, {Key: "dedicated", Effect: "NoExecute"}}
	if taint.Action() != "nodeTaint" || taint.NodeTaint.Node != "w1" || !slices.Equal(taint.NodeTaint.Taints, want) {
		t.Errorf("nodeTaint step %s %+v", taint.Action(), taint.NodeTaint)
	}
}

// TestNodeScriptsOnAWorker reads node steps that name the node they run in.
func TestNodeScriptsOnAWorker(t *testing.T) {
	src := replace(replace(goodExercise, "tier: kubelet", "tier: node-access\nworkers: 1"), "  - apply: |", `  - node: systemctl stop kubelet
    onNode: "{{WORKER}}"
  - node: "true"
  - apply: |`) + `cleanup:
  - node: systemctl start kubelet
    onNode: "{{WORKER}}"
`
	c, err := lessons.Load(pack(map[string]string{"lessons/pods/exercises/first-pod.yaml": src}))
	if err != nil {
		t.Fatal(err)
	}
	ex := c.Exercise("pods/first-pod").Expand(lessons.Vars{Node: "cp", Worker: "w1"})
	if s := ex.Setup[0]; s.Action() != "node" || s.OnNode != "w1" {
		t.Errorf("setup step %s on %q", s.Action(), s.OnNode)
	}
	if s := ex.Setup[1]; s.OnNode != "" {
		t.Errorf("a node step without onNode runs on %q, want \"\" (the control plane)", s.OnNode)
	}
	if c := ex.Cleanup[0]; c.Node != "systemctl start kubelet" || c.OnNode != "w1" {
		t.Errorf("cleanup step %q on %q", c.Node, c.OnNode)
	}
}

// TestNodeCommandReadsAnswers: a node check may compare the learner's answer
// with what only the node knows; the key then counts as checked, and the
// reference survives the template expansion for the grader to fill in.
func TestNodeCommandReadsAnswers(t *testing.T) {
	src := replace(replace(goodExercise, "tier: kubelet", "tier: node-access\nanswers:\n  - {key: hash, description: the CA hash}"),
		"    exists: Pod/web", `    node: {command: "test {{answer:hash}} = \"$(cat /etc/{{NODE}}.hash)\""}`)
	c, err := lessons.Load(pack(map[string]string{"lessons/pods/exercises/first-pod.yaml": src}))
	if err != nil {
		t.Fatal(err)
	}
	ex := c.Exercise("pods/first-pod").Expand(lessons.Vars{Node: "cp"})
	if got, want := ex.Checks[0].Node.Command, `test {{answer:hash}} = "$(cat /etc/cp.hash)"`; got != want {
		t.Errorf("expanded node command %q, want %q", got, want)
	}
	if got, want := lessons.ExpandShellAnswers(ex.Checks[0].Node.Command, map[string]string{"hash": "a b'$(reboot)"}), `test 'a b'\''$(reboot)' = "$(cat /etc/cp.hash)"`; got != want {
		t.Errorf("answer in node command %q, want %q", got, want)
	}
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("test fixture does not contain " + old)
	}
	return strings.Replace(s, old, new, 1)
}

// TestBrokenPacks asserts the exact message and position of each problem an
// author can make.
func TestBrokenPacks(t *testing.T) {
	ex := "lessons/pods/exercises/first-pod.yaml"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"missing course file", map[string]string{"course.yaml": ""},
			[]string{"course.yaml: missing: a lesson pack starts with course.yaml at its root"}},
		{"invalid YAML", map[string]string{"course.yaml": "format: [kubedojo\n"},
			[]string{"course.yaml:2: invalid YAML: did not find expected ',' or ']'"}},
		// yaml.v3 counts a parser error's line from 0 (a scanner error's
		// from 1); either is reported at the line where it is.
		{"parser error on a later line", map[string]string{"course.yaml": goodCourse + "- stray\n"},
			[]string{"course.yaml:14: invalid YAML: did not find expected key"}},
		{"unclosed list on a later line", map[string]string{"course.yaml": replace(goodCourse, "images: [nginx:1.27]", "images: [nginx:1.27")},
			[]string{"course.yaml:5: invalid YAML: did not find expected ',' or ']'"}},
		{"scanner error on a later line", map[string]string{"course.yaml": replace(goodCourse, "title: Demo\n", "title: Demo\n  x: y\n")},
			[]string{"course.yaml:4: invalid YAML: mapping values are not allowed in this context"}},
		{"manifest parser error", map[string]string{ex: replace(goodExercise, "      data: {a: b}\n", "      data: {a: b}\n      - stray\n")},
			[]string{"lessons/pods/exercises/first-pod.yaml:13: setup[0].apply: invalid YAML: did not find expected key"}},
		{"unsupported format", map[string]string{"course.yaml": replace(goodCourse, "kubedojo/v1", "kubedojo/v9")},
			[]string{`course.yaml:1: format: unsupported pack format "kubedojo/v9"; this kubedojo reads "kubedojo/v1"`}},
		{"unknown domain and field typo", map[string]string{"course.yaml": replace(replace(goodCourse, "domain: workloads", "domain: pods"), "title: Basics", "titel: Basics")},
			[]string{
				`course.yaml:7: tracks[0].title: is required`,
				`course.yaml:8: tracks[0].titel: unknown field "titel" (did you mean "title"?)`,
				`course.yaml:12: tracks[0].lessons[0].domain: unknown CKA domain "pods" (one of architecture, workloads, networking, storage, troubleshooting, background)`,
			}},
		{"latest image", map[string]string{"course.yaml": replace(goodCourse, "nginx:1.27", "nginx")},
			[]string{`course.yaml:5: images[0]: image "nginx" has no tag; pin one (untagged means :latest, which is always pulled)`}},
		{"duplicate lesson id", map[string]string{"course.yaml": goodCourse + "      - {id: pods, title: Again, domain: workloads, exercises: [first-pod]}\n"},
			[]string{`course.yaml:14: tracks[0].lessons[1].id: duplicate lesson id "pods" (also tracks[0].lessons[0])`}},
		{"missing exercise file and stray file", map[string]string{ex: "", "lessons/pods/exercises/second.yaml": goodExercise},
			[]string{
				"course.yaml:13: tracks[0].lessons[0].exercises[0]: exercise file lessons/pods/exercises/first-pod.yaml is missing",
				"lessons/pods/exercises/second.yaml: exercise is not listed under lesson pods in course.yaml (add \"second\" to its exercises)",
			}},
		{"unknown tier, check kind and missing hints", map[string]string{ex: replace(replace(replace(goodExercise, "tier: kubelet", "tier: cluster"), "exists: Pod/web", "exsits: Pod/web"), "  - kubectl run web --image=nginx:1.27\n", "")},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:3: tier: unknown tier "cluster" (one of api, controllers, kubelet, node-access, addon)`,
				`lessons/pods/exercises/first-pod.yaml:14: checks[0]: no check kind given (one of exists, absent, field, condition, pods, workload, container, service, selects, access, exec, http, logs, events, node, answer, unchanged, dryRun, kubeconfig, allOf, anyOf)`,
				`lessons/pods/exercises/first-pod.yaml:17: checks[0].exsits: unknown check kind "exsits" (did you mean "exists"?)`,
				`lessons/pods/exercises/first-pod.yaml:18: hints: give 2 or 3 progressive hints (found 1)`,
			}},
		{"duplicate check ids and bad JSONPath", map[string]string{ex: replace(goodExercise, "    exists: Pod/web\n", "    exists: Pod/web\n  - id: exists\n    title: t\n    message: m\n    field: {object: Pod/web, path: '.spec.containers[', equals: x}\n")},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:18: checks[1].id: duplicate check id "exists"`,
				`lessons/pods/exercises/first-pod.yaml:21: checks[1].field.path: invalid JSONPath ".spec.containers[": unterminated array`,
			}},
		{"invalid start-state manifest", map[string]string{ex: replace(replace(goodExercise, "kind: ConfigMap", "kind: Pod"), "data: {a: b}", "spec: {containers: [{name: c, imagee: nginx:1.27}]}")},
			[]string{`lessons/pods/exercises/first-pod.yaml:12: setup[0].apply: spec.containers[0].imagee: unknown field`}},
		{"manifest outside the exercise namespaces", map[string]string{ex: replace(goodExercise, "metadata: {name: seed}", "metadata: {name: seed, namespace: other}")},
			[]string{`lessons/pods/exercises/first-pod.yaml:9: setup[0].apply: ConfigMap seed is in namespace "other", which the exercise does not own (list it under namespaces)`}},
		{"exec check below the kubelet tier", map[string]string{ex: replace(replace(goodExercise, "tier: kubelet", "tier: api"), "exists: Pod/web", "exec: {pod: web, command: [id]}")},
			[]string{`lessons/pods/exercises/first-pod.yaml:17: checks[0].exec: exec needs tier kubelet or higher (the exercise is api)`}},
		{"http sample out of bounds", map[string]string{ex: replace(goodExercise, "exists: Pod/web", "http: {from: web, url: http://x, sample: {requests: 1, shares: [{expect: v1, atLeast: 0.9, atMost: 0.5}, {expect: ''}]}}")},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:17: checks[0].http.sample.requests: must be between 2 and 200 (got 1)`,
				`lessons/pods/exercises/first-pod.yaml:17: checks[0].http.sample.shares[0]: atLeast and atMost are fractions with 0 <= atLeast <= atMost <= 1 (got 0.9 and 0.5)`,
				`lessons/pods/exercises/first-pod.yaml:17: checks[0].http.sample.shares[1].expect: is required`,
			}},
		// An add-on exercise runs on a lab with pods, not necessarily with
		// node access (lab.Capabilities.Serves), so lint asks for the tier.
		{"node check in an add-on exercise", map[string]string{ex: replace(replace(goodExercise, "tier: kubelet", "tier: addon\naddon: metrics-server"), "exists: Pod/web", "node: {command: \"true\"}")},
			[]string{`lessons/pods/exercises/first-pod.yaml:18: checks[0].node: node checks needs tier node-access or higher (the exercise is addon)`}},
		{"run in a start state and unknown template var", map[string]string{ex: replace(goodExercise, "  - apply: |", "  - run: kubectl get pods -n {{NAMESPACE}}\n  - apply: |")},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:8: unknown template variable {{NAMESPACE}} (known: {{NODE}}, {{NODE_IP}}, {{WORKER}}, {{LAB}})`,
				`lessons/pods/exercises/first-pod.yaml:8: setup[0].run: start states cannot run shell commands (the learner may have no kubectl yet); use apply, delete, wait, file, tls or node`,
			}},
		{"unknown competency", map[string]string{ex: replace(goodExercise, "tier: kubelet", "tier: kubelet\ncompetency: wl-deploi")},
			[]string{`lessons/pods/exercises/first-pod.yaml:4: competency: unknown CKA competency "wl-deploi" (did you mean "wl-deploy"?); known: arch-crd-operators, arch-ha, arch-helm-kustomize, arch-infra, arch-interfaces, arch-kubeadm, arch-lifecycle, arch-rbac, containers-docker, etcd-backup, net-connectivity, net-dns, net-gateway, net-ingress, net-policy, net-services, sto-classes, sto-pv-pvc, sto-volumes, ts-components, ts-logs, ts-monitoring, ts-nodes, ts-services-networking, wl-admission-scheduling, wl-autoscale, wl-config, wl-deploy, wl-selfheal`}},
		{"id does not match file name", map[string]string{ex: replace(goodExercise, "id: first-pod", "id: first")},
			[]string{`lessons/pods/exercises/first-pod.yaml:1: id: "first" does not match the file name "first-pod"`}},
		{"answer key not declared", map[string]string{ex: replace(goodExercise, "exists: Pod/web", "answer: {key: phase, equals: Running}")},
			[]string{`lessons/pods/exercises/first-pod.yaml:17: checks[0].answer.key: answer key "phase" is not declared under answers`}},
		{"events by name with a selector", map[string]string{ex: replace(goodExercise, "exists: Pod/web", "events: {object: {kind: Pod, name: web, selector: app=web}, reason: Killing, byName: true}")},
			[]string{`lessons/pods/exercises/first-pod.yaml:17: checks[0].events.object.selector: byName and namePrefix match events by the object's name; events carry no labels, so drop the selector`}},
		{"quiz question with an unknown competency", map[string]string{"lessons/pods/quiz.yaml": replace(goodQuiz, "    explanation: Pods group containers.\n", "    explanation: Pods group containers.\n    competency: net-ingres\n")},
			[]string{`lessons/pods/quiz.yaml:9: questions[0].competency: unknown CKA competency "net-ingres" (did you mean "net-ingress"?); known: arch-crd-operators, arch-ha, arch-helm-kustomize, arch-infra, arch-interfaces, arch-kubeadm, arch-lifecycle, arch-rbac, containers-docker, etcd-backup, net-connectivity, net-dns, net-gateway, net-ingress, net-policy, net-services, sto-classes, sto-pv-pvc, sto-volumes, ts-components, ts-logs, ts-monitoring, ts-nodes, ts-services-networking, wl-admission-scheduling, wl-autoscale, wl-config, wl-deploy, wl-selfheal`}},
		{"quiz without a correct answer", map[string]string{"lessons/pods/quiz.yaml": replace(goodQuiz, "        correct: true\n", "")},
			[]string{"lessons/pods/quiz.yaml:4: questions[0].choices: no choice is marked correct: true"}},
		{"missing reading and image", map[string]string{"lessons/pods/reading.md": "# Pods\n\n![diagram](images/pod.png)\n"},
			[]string{"lessons/pods/reading.md:3: image images/pod.png is missing (looked for lessons/pods/images/pod.png)"}},
		{"node label and taint steps", map[string]string{ex: replace(goodExercise, "  - apply: |", `  - nodeLabel: {node: "{{WORKER}}", labels: {"disk/": ssd, tier: "a b"}}
  - nodeTaint: {node: Worker_1, taints: [{key: dedicated, value: ml, effect: NoSchedul}, {value: x, effect: NoSchedule}]}
  - nodeLabel: {node: "{{NODE}}", labels: {}}
  - nodeTaint: {node: "{{NODE}}", taints: [{key: a, effect: NoExecute}, {key: a, value: b, effect: NoExecute}]}
  - apply: |`)},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:8: setup[0].nodeLabel.labels: "disk/" is not a valid label key ([prefix/]name: a name of up to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit, after an optional DNS subdomain prefix)`,
				`lessons/pods/exercises/first-pod.yaml:8: setup[0].nodeLabel.labels: label tier: "a b" is not a valid value (up to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit)`,
				`lessons/pods/exercises/first-pod.yaml:8: setup[0].nodeLabel.node: {{WORKER}} needs workers: 1 (or more) on the exercise`,
				`lessons/pods/exercises/first-pod.yaml:9: setup[1].nodeTaint.node: "Worker_1" is neither {{NODE}}, {{WORKER}} nor a valid node name`,
				`lessons/pods/exercises/first-pod.yaml:9: setup[1].nodeTaint.taints[0].effect: unknown taint effect "NoSchedul" (NoSchedule, PreferNoSchedule or NoExecute)`,
				`lessons/pods/exercises/first-pod.yaml:9: setup[1].nodeTaint.taints[1].key: is required`,
				`lessons/pods/exercises/first-pod.yaml:10: setup[2].nodeLabel.labels: give at least one label`,
				`lessons/pods/exercises/first-pod.yaml:11: setup[3].nodeTaint.taints[1]: taint a:NoExecute is listed twice (a node has one taint per key and effect)`,
			}},
		{"onNode without a node command, and on a worker the exercise does not ask for", map[string]string{ex: replace(replace(goodExercise, "tier: kubelet", "tier: node-access"), "  - apply: |", `  - node: systemctl stop kubelet
    onNode: "{{WORKER}}"
  - delete: ConfigMap/x
    onNode: "{{NODE}}"
  - apply: |`)},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:9: setup[0].onNode: {{WORKER}} needs workers: 1 (or more) on the exercise`,
				`lessons/pods/exercises/first-pod.yaml:11: setup[1].onNode: only node steps run inside a node (this step is delete)`,
			}},
		{"node steps in a solution", map[string]string{ex: replace(goodExercise, "    - run: kubectl -n pod-1 run web --image=nginx:1.27\n", "    - nodeLabel: {node: \"{{NODE}}\", labels: {disk: ssd}}\n")},
			[]string{`lessons/pods/exercises/first-pod.yaml:23: solution.steps[0].nodeLabel: a reference solution does what the learner does: label or taint nodes with kubectl in a run step`}},
		{"bad duration and two kinds", map[string]string{ex: replace(goodExercise, "    exists: Pod/web\n", "    eventually: soon\n    exists: Pod/web\n    absent: Pod/web\n")},
			[]string{
				`lessons/pods/exercises/first-pod.yaml:14: checks[0]: one check has one kind; found exists and absent (use allOf to combine)`,
				`lessons/pods/exercises/first-pod.yaml:17: checks[0].eventually: invalid duration "soon" (write it like 30s, 90s or 2m)`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := problemsOf(t, tc.files)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestBuiltinCourseLoadsValidated: the commands load the built-in course
// with LoadValidated, which skips validation; this test, with
// TestBuiltinCourseLints, is where that validation happens instead. What
// LoadValidated returns must be exactly what Load returns, or a built-in
// course that Load would change (control characters stripped, say) or
// reject would reach learners unvalidated.
func TestBuiltinCourseLoadsValidated(t *testing.T) {
	for name, fsys := range map[string]fs.FS{"course": assets.Course(), "exam pool": assets.ExamPool()} {
		want, err := lessons.Load(fsys)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := lessons.LoadValidated(fsys)
		if err != nil {
			t.Fatalf("%s: LoadValidated: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: LoadValidated and Load disagree; a built-in pack must load the same without validation", name)
		}
		lazy, err := lessons.LoadValidatedLazily(fsys)
		if err != nil {
			t.Fatalf("%s: LoadValidatedLazily: %v", name, err)
		}
		if err := lessons.Settle(lazy); err != nil {
			t.Fatalf("%s: decoding the exercises of LoadValidatedLazily: %v", name, err)
		}
		if !reflect.DeepEqual(lazy, want) {
			t.Fatalf("%s: LoadValidatedLazily and Load disagree once every exercise is decoded", name)
		}
	}
	// And it would notice: a pack whose text Load cleans differs.
	dirty := pack(map[string]string{"course.yaml": strings.Replace(goodCourse, "title: Demo", `title: "Demo\e]0;x\a"`, 1)})
	want, err := lessons.Load(dirty)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := lessons.LoadValidated(dirty)
	if reflect.DeepEqual(got, want) {
		t.Fatal("a title with an escape sequence loads the same with and without validation")
	}
}

// TestLoadValidatedLesson: loading one lesson gives that lesson's
// exercises exactly as the whole course has them, and no other lesson's.
func TestLoadValidatedLesson(t *testing.T) {
	whole, err := lessons.LoadValidated(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	ex := whole.Exercises()[len(whole.Exercises())/2]
	one, err := lessons.LoadValidatedLesson(assets.Course(), ex.Lesson.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := one.Exercise(ex.ID)
	if got == nil {
		t.Fatalf("%s is not in its lesson's load", ex.ID)
	}
	if !reflect.DeepEqual(got.Checks, ex.Checks) || got.Task != ex.Task || got.Lesson.Reading != ex.Lesson.Reading {
		t.Fatalf("%s loads differently alone", ex.ID)
	}
	if n := len(one.Exercises()); n != len(ex.Lesson.Exercises()) {
		t.Fatalf("%d exercises loaded, want the lesson's %d", n, len(ex.Lesson.Exercises()))
	}
	if one.ID != whole.ID || len(one.Lessons()) != len(whole.Lessons()) {
		t.Fatal("the course around the lesson differs")
	}
}

// openCounter is a pack that counts the files opened under it (the
// loader reads lessons in parallel).
type openCounter struct {
	fs.FS
	mu     sync.Mutex
	opened map[string]int
}

func (o *openCounter) Open(name string) (fs.File, error) {
	o.mu.Lock()
	o.opened[name]++
	o.mu.Unlock()
	return o.FS.Open(name)
}

// counts is a copy of the counts.
func (o *openCounter) counts() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps.Clone(o.opened)
}

// exerciseFiles are the exercise and quiz files opened.
func (o *openCounter) exerciseFiles() []string {
	var out []string
	for name := range o.counts() {
		if strings.Contains(name, "/exercises/") || strings.HasSuffix(name, "/"+lessons.QuizFile) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// TestLoadValidatedLazilyDecodesOnFirstUse: the TUI's load of the built-in
// course reads no exercise or quiz file until a lesson's exercises are
// asked for, then that lesson's alone, once; ids and counts need none.
func TestLoadValidatedLazilyDecodesOnFirstUse(t *testing.T) {
	fsys := &openCounter{FS: assets.Course(), opened: map[string]int{}}
	c, err := lessons.LoadValidatedLazily(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := fsys.exerciseFiles(); len(got) > 0 {
		t.Fatalf("loading read %d exercise and quiz files, want none: %v", len(got), got)
	}
	whole, err := lessons.LoadValidated(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	ids := 0
	for _, l := range c.Lessons() {
		var want []string
		for _, ex := range whole.Lesson(l.ID).Exercises() {
			want = append(want, ex.ID)
		}
		if got := l.ExerciseIDs(); !slices.Equal(got, want) {
			t.Fatalf("lesson %s: ids %v without decoding, want %v", l.ID, got, want)
		}
		ids += len(want)
	}
	if len(fsys.exerciseFiles()) > 0 || ids == 0 {
		t.Fatalf("ExerciseIDs read exercise files (%v), or there are no exercises (%d)", fsys.exerciseFiles(), ids)
	}
	l := c.Lessons()[len(c.Lessons())/2]
	var opens map[string]int
	for i := range 2 {
		if n := len(l.Exercises()); n != len(l.ExerciseNames) || n == 0 {
			t.Fatalf("lesson %s: %d exercises decoded, want %d", l.ID, n, len(l.ExerciseNames))
		}
		if i == 0 {
			opens = fsys.counts()
		}
	}
	got := fsys.exerciseFiles()
	if len(got) != len(l.ExerciseNames)+1 || l.Quiz() == nil {
		t.Fatalf("decoding lesson %s read %v, want its %d exercise files and its quiz", l.ID, got, len(l.ExerciseNames))
	}
	for _, name := range got {
		if !strings.HasPrefix(name, l.Dir+"/") {
			t.Fatalf("decoding lesson %s opened %s", l.ID, name)
		}
	}
	if !maps.Equal(opens, fsys.counts()) {
		t.Fatalf("lesson %s: asking for its exercises again read files again", l.ID)
	}
	if ex := c.Exercise(l.ExerciseIDs()[0]); ex == nil || ex.Lesson != l || len(ex.Checks) == 0 {
		t.Fatalf("exercise %s after decoding: %+v", l.ExerciseIDs()[0], ex)
	}
}

// TestLoadValidatedLazilyDecodesOnceForConcurrentReaders: the TUI's pages
// and its background commands may ask for a lesson's exercises at the same
// time; all get the same ones, decoded once (go test -race checks the rest).
func TestLoadValidatedLazilyDecodesOnceForConcurrentReaders(t *testing.T) {
	c, err := lessons.LoadValidatedLazily(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons()[0]
	got := make([][]*lessons.Exercise, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			if l.Quiz() == nil {
				t.Error("no quiz")
			}
			got[i] = l.Exercises()
		})
	}
	wg.Wait()
	for _, exs := range got {
		if len(exs) == 0 || !slices.Equal(exs, got[0]) {
			t.Fatalf("readers got different exercises: %v, %v", exs, got[0])
		}
	}
}

// TestLoadValidatedLazilyReportsWhatDoesNotDecode: a lazily loaded pack
// whose exercise file is broken (not the built-in course, which the tests
// validate) loads; the lesson's Decode says which file and why, and its
// exercises are those that decoded.
func TestLoadValidatedLazilyReportsWhatDoesNotDecode(t *testing.T) {
	fsys := pack(map[string]string{
		"course.yaml":                        strings.Replace(goodCourse, "exercises: [first-pod]", "exercises: [first-pod, broken]", 1),
		"lessons/pods/exercises/broken.yaml": "id: broken\ntitle: [unclosed\n",
	})
	c, err := lessons.LoadValidatedLazily(fsys)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lesson("pods")
	if got := l.ExerciseIDs(); !slices.Equal(got, []string{"pods/first-pod", "pods/broken"}) {
		t.Fatalf("ids %v", got)
	}
	err = l.Decode()
	var ps lessons.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || !strings.Contains(err.Error(), "lessons/pods/exercises/broken.yaml") || !strings.Contains(err.Error(), "invalid YAML") {
		t.Fatalf("Decode: %v", err)
	}
	if exs := l.Exercises(); len(exs) != 1 || exs[0].ID != "pods/first-pod" {
		t.Fatalf("exercises %v", exs)
	}
	if _, err := lessons.Load(fsys); err == nil {
		t.Fatal("Load accepts the broken exercise")
	}
}

// TestBuiltinCourseLints makes a broken built-in lesson fail CI.
func TestBuiltinCourseLints(t *testing.T) {
	c, err := lessons.Load(assets.Course())
	if err != nil {
		t.Fatalf("the built-in course has problems:\n%v", err)
	}
	if len(c.Exercises()) == 0 {
		t.Fatal("the built-in course has no exercises")
	}
	// Coverage against the exam is only meaningful when every built-in
	// exercise says which competency it trains.
	for _, ex := range c.Exercises() {
		if ex.Competency == "" {
			t.Errorf("%s: no competency (add competency: <id> from lessons.Competencies)", ex.ID)
		}
	}
}

// FuzzLoadExercise feeds arbitrary bytes as an exercise file: the loader
// must report problems, never panic.
func FuzzLoadExercise(f *testing.F) {
	f.Add(goodExercise)
	f.Add(replace(goodExercise, "exists: Pod/web", "allOf: [{field: {object: Pod/web, path: .x, has: {a: [1, {b: 2}]}}}]"))
	f.Add("checks: [{id: a, exists: {kind: 1}}]")
	f.Add("setup: [{apply: \"---\\n- a\\n\"}]")
	f.Add("{")
	f.Add("id: first-pod\nchecks: &a [*a]\n")
	f.Fuzz(func(t *testing.T, data string) {
		_, _ = lessons.Load(pack(map[string]string{"lessons/pods/exercises/first-pod.yaml": data}))
	})
}
