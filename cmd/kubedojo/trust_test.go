package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// powerfulPack writes a pack whose one exercise runs a hostPath pod in
// its start state.
func powerfulPack(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("course.yaml", "format: kubedojo/v1\nid: workshop\ntitle: Workshop\nversion: 3\ntracks:\n  - id: t\n    title: T\n"+
		"    lessons:\n      - {id: l, title: L, domain: storage, exercises: [e]}\n")
	write("lessons/l/reading.md", "# L\n")
	write("lessons/l/quiz.yaml", "questions:\n  - id: q\n    question: Q?\n    choices: [{text: a, correct: true}, {text: b}]\n    explanation: x\n")
	write("lessons/l/exercises/e.yaml", "id: e\ntitle: E\ntier: kubelet\nnamespaces: [n]\npodSecurity: {level: privileged, reason: it reads the node's disk}\ntask: do it\n"+
		"setup:\n  - apply: |\n      apiVersion: v1\n      kind: Pod\n      metadata: {name: p}\n      spec:\n        volumes: [{name: r, hostPath: {path: /}}]\n        containers: [{name: c, image: busybox:1.36}]\n"+
		"checks:\n  - id: c\n    title: c\n    message: m\n    exists: Pod/p\nhints: [a, b]\nsolution: {steps: [{run: 'true'}]}\n")
	return dir
}

// TestPackWithPowersRunsOnlyWhenTrusted: a pack that is not built in and
// reaches past its namespaces is refused without a terminal, saying what
// it would do and how to agree; --trust-pack or an agreement remembered
// for its id and version lets it run; the built-in course needs neither.
func TestPackWithPowersRunsOnlyWhenTrusted(t *testing.T) {
	pack := powerfulPack(t)
	state := t.TempDir()
	bogus := filepath.Join(t.TempDir(), "missing-kubeconfig")
	code, _, errOut := runCLI(t, "--state-dir", state, "--course", pack, "--kubeconfig", bogus, "lab", "reset", "l/e")
	if code != exitEnv || !strings.Contains(errOut, `lesson pack "Workshop" (workshop, version 3) is not kubedojo's built-in course`) ||
		!strings.Contains(errOut, `l/e: its start state runs Pod p beyond Pod Security baseline: hostPath volumes (volume "r")`) ||
		!strings.Contains(errOut, "l/e: its namespaces admit privileged pods (it reads the node's disk)") ||
		!strings.Contains(errOut, "--trust-pack") {
		t.Fatalf("untrusted pack: exit %d, %s", code, errOut)
	}
	_, _, errOut = runCLI(t, "--state-dir", state, "--course", pack, "--kubeconfig", bogus, "--trust-pack", "lab", "reset", "l/e")
	if strings.Contains(errOut, "not kubedojo's built-in course") {
		t.Errorf("--trust-pack was refused: %s", errOut)
	}
	rec, err := readTrust(state)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Packs) != 0 {
		t.Errorf("--trust-pack was remembered: %v", rec.Packs)
	}
	o := &options{settings: testSettings(t, "--state-dir", state)}
	c, err := (&options{coursePath: pack}).loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	if err := rememberTrust(state, rec, c); err != nil {
		t.Fatal(err)
	}
	if err := o.trustPack(c); err != nil {
		t.Errorf("a pack agreed to before: %v", err)
	}
	c.Version = "4"
	if err := o.trustPack(c); err == nil {
		t.Errorf("a new version of a pack agreed to was not asked about")
	}
	_, _, errOut = runCLI(t, "--kubeconfig", bogus, "lab", "reset", "volumes/hostpath")
	if strings.Contains(errOut, "built-in course") {
		t.Errorf("the built-in course was not trusted: %s", errOut)
	}
}

// TestConfirmTrustAgreesOnlyOnYes: only y or yes agrees.
func TestConfirmTrustAgreesOnlyOnYes(t *testing.T) {
	for answer, want := range map[string]bool{"y\n": true, "yes\n": true, "\n": false, "n\n": false, "": false, "sure\n": false} {
		var out strings.Builder
		if got := confirmTrust(strings.NewReader(answer), &out, "pack x"); got != want {
			t.Errorf("answer %q: %v, want %v", answer, got, want)
		}
		if !strings.Contains(out.String(), "pack x") {
			t.Errorf("the question does not show what the pack does: %q", out.String())
		}
	}
}
