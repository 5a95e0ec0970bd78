package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackTextCannotControlTheTerminal: escape sequences in a pack's
// titles, and in the names of its files, reach the command line's output
// as nothing (they would set the terminal's title or write its clipboard).
func TestPackTextCannotControlTheTerminal(t *testing.T) {
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
	const hostile = `\e]0;pwned\a\e]52;c;cm0gLXJmIH4=\a\u009b2J\r`
	write("course.yaml", "format: kubedojo/v1\nid: hostile\ntitle: \"Hostile"+hostile+"\"\nversion: 1\ntracks:\n  - id: t\n    title: \"Track"+hostile+"\"\n"+
		"    lessons:\n      - {id: l, title: \"Lesson"+hostile+"\", domain: networking, exercises: [e]}\n")
	write("lessons/l/reading.md", "# L\n")
	write("lessons/l/quiz.yaml", "questions:\n  - id: q\n    question: Q?\n    choices: [{text: a, correct: true}, {text: b}]\n    explanation: x\n")
	write("lessons/l/exercises/e.yaml", "id: e\ntitle: \"Exercise"+hostile+"\"\ntier: kubelet\nnamespaces: [n]\ntask: do it\nchecks:\n  - id: c\n    title: c\n    message: m\n    exists: Pod/p\nhints: [a, b]\nsolution: {steps: [{run: 'true'}]}\n")
	code, out, errOut := runCLI(t, "--course", dir, "list")
	if code != exitOK || !strings.Contains(out, "Exercise") || !strings.Contains(out, "Lesson") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	noControlSequences(t, "list", out+errOut)

	write("lessons/l/exercises/stray\x1b]0;pwned\x07.yaml", "id: stray\n")
	code, out, errOut = runCLI(t, "lint", dir)
	if code != exitFail || !strings.Contains(out, "stray") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	noControlSequences(t, "lint", out+errOut)
}

func noControlSequences(t *testing.T, what, out string) {
	t.Helper()
	for _, seq := range []string{"\x1b", "\x07", "\u009b", "\r"} {
		if strings.Contains(out, seq) {
			t.Errorf("%s printed the control character %q:\n%q", what, seq, out)
		}
	}
}
