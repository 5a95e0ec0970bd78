package tuitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// Hostile is text a hostile pack hides in its strings: it would set the
// terminal's title, write "rm -rf ~" to the clipboard (OSC 52), clear the
// screen, ring the bell and move the cursor with a C1 CSI.
const Hostile = "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x07\u009b2J\r"

// ControlSequences lists what Hostile must not bring to the terminal.
var ControlSequences = []string{"\x1b]", "\x07", "\x1b[2J", "\u009b", "\r"}

// HostileCourse is the test pack with Hostile in the first lesson's title
// and reading and in the first exercise's title, task and hints.
func HostileCourse(tb testing.TB) *lessons.Course {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, os.DirFS(PackDir())); err != nil {
		tb.Fatal(err)
	}
	yamlEscaped := `\e]0;pwned\a\e]52;c;cm0gLXJmIH4=\a\e[2J\a\u009b2J\r`
	edit := func(name, old, new string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			tb.Fatalf("%s does not contain %q", name, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	edit("course.yaml", "title: Pods and containers", `title: "Pods and containers`+yamlEscaped+`"`)
	edit("lessons/pods-basics/reading.md", "\n\n", "\n\nHostile "+Hostile+" text.\n\n")
	ex := "lessons/pods-basics/exercises/first-pod.yaml"
	edit(ex, "title: Run your first pod", `title: "Run your first pod`+yamlEscaped+`"`)
	edit(ex, "  Wait until it is ready.", "  Wait until it is \\e]0;pwned\\a ready.")
	edit(ex, "- \"`kubectl run` creates", "- \"`kubectl run`"+yamlEscaped+" creates")
	c, err := lessons.Load(os.DirFS(dir))
	if err != nil {
		tb.Fatalf("load the hostile pack: %v", err)
	}
	return c
}

// NoControlSequences fails the test when view holds one of
// ControlSequences.
func NoControlSequences(tb testing.TB, view string) {
	tb.Helper()
	for _, seq := range ControlSequences {
		if strings.Contains(view, seq) {
			tb.Errorf("the view holds the control sequence %q:\n%q", seq, view)
		}
	}
}
