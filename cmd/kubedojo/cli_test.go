package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/spf13/pflag"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/config"
	"github.com/kubedojo/kubedojo/lessons"
)

// runCLI runs kubedojo with args and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	opts := &options{stdout: &stdout, stderr: &stderr}
	root := newRootCmd(opts)
	root.SetArgs(append([]string{"--state-dir", t.TempDir()}, args...))
	err := root.Execute()
	code := exitOK
	if err != nil {
		var ee *exitError
		code = exitUsage
		if ok := asExit(err, &ee); ok {
			code = ee.code
		}
		if msg := err.Error(); msg != "" {
			stderr.WriteString(msg + "\n")
		}
	}
	return code, stdout.String(), stderr.String()
}

// testSettings are the settings of a run with these flags, without
// environment variables or a config file.
func testSettings(t *testing.T, args ...string) config.Settings {
	t.Helper()
	fs := pflag.NewFlagSet("kubedojo", pflag.ContinueOnError)
	config.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	s, err := config.Choose(fs, func(string) string { return "" }, config.File{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func asExit(err error, target **exitError) bool {
	for err != nil {
		if e, ok := err.(*exitError); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestListGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "list")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.RequireEqual(t, out)
}

func TestListJSONGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "list", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v courseJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("list --json is not JSON: %v", err)
	}
	golden.RequireEqual(t, out)
}

func TestLintBuiltinCourse(t *testing.T) {
	course, err := lessons.Load(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	// The counts come from the course itself, so adding a lesson does not
	// break this test; what it pins is the shape of the summary line.
	want := fmt.Sprintf("built-in course: ok (%d tracks, %d lessons, %d exercises", len(course.Tracks), len(course.Lessons()), len(course.Exercises()))
	code, out, errOut := runCLI(t, "lint")
	if code != exitOK || !strings.Contains(out, want) {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
}

// TestLintBrokenCopy lints a deliberately broken copy of a small pack and
// expects every problem as file:line: field: message, and exit status 1.
func TestLintBrokenCopy(t *testing.T) {
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
	write("course.yaml", "format: kubedojo/v1\nid: broken\ntitle: Broken\nversion: 1\ntracks:\n  - id: t\n    title: T\n    lessons:\n      - {id: l, title: L, domain: networking, exercises: [e]}\n")
	write("lessons/l/reading.md", "# L\n")
	write("lessons/l/quiz.yaml", "questions:\n  - id: q\n    question: Q?\n    choices: [{text: a}, {text: b}]\n    explanation: x\n")
	write("lessons/l/exercises/e.yaml", "id: e\ntitle: E\ntier: kubelet\nnamespaces: [n]\ntask: do it\nchecks:\n  - id: c\n    title: c\n    message: m\n    container: {object: Pod/p, name: p, imagee: x}\nhints: [a, b]\nsolution: {steps: [{run: 'true'}]}\n")
	code, out, _ := runCLI(t, "lint", dir)
	want := `lessons/l/exercises/e.yaml:10: checks[0].container.imagee: unknown field "imagee" (did you mean "image"?)
lessons/l/quiz.yaml:4: questions[0].choices: no choice is marked correct: true
`
	if code != exitFail || out != want {
		t.Fatalf("exit %d, output:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestUnknownExerciseIsAUsageError(t *testing.T) {
	code, _, errOut := runCLI(t, "check", "first-pod")
	if code != exitUsage || !strings.Contains(errOut, `did you mean pods-basics/first-pod?`) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TestTyposAreUsageErrorsWithSuggestions: a mistyped command, subcommand
// or exercise id is a usage error that names the closest match in words,
// never a help page with exit status 0.
func TestTyposAreUsageErrorsWithSuggestions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lab", "statsu"}, `unknown command "statsu" for "kubedojo lab"; did you mean status?`},
		{[]string{"chek"}, `unknown command "chek" for "kubedojo"; did you mean check?`},
		{[]string{"check", "pods-basics/first-pd"}, `no exercise "pods-basics/first-pd"; did you mean pods-basics/first-pod?`},
		{[]string{"lab", "reset", "first-pd"}, `did you mean pods-basics/first-pod?`},
	} {
		code, out, errOut := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "[") {
			t.Errorf("kubedojo %s: exit %d, stderr %q, want %q (stdout %d bytes)", strings.Join(tc.args, " "), code, errOut, tc.want, len(out))
		}
	}
}

func TestReadableList(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a or b"},
		{[]string{"a", "b", "c"}, "a, b or c"},
	} {
		if got := orList(tc.in); got != tc.want {
			t.Errorf("orList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCourseNotFound: a --course directory that does not exist is named
// as not found, not as a pack without course.yaml.
func TestCourseNotFound(t *testing.T) {
	code, _, errOut := runCLI(t, "--course", "/nonexistent/pack", "list")
	if code != exitUsage || !strings.Contains(errOut, "/nonexistent/pack: not found") || strings.Contains(errOut, "course.yaml: missing") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "course.yaml")
	if err := os.WriteFile(file, []byte("id: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "--course", file, "list")
	if code != exitUsage || !strings.Contains(errOut, "is a file, not a directory") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestLabStatusWithoutDocker: lab status says that the container engine
// does not answer and how to start it, in text and JSON, with exit 2.
func TestLabStatusWithoutDocker(t *testing.T) {
	t.Setenv("KIND_EXPERIMENTAL_PROVIDER", "")
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	code, out, errOut := runCLI(t, "lab", "status")
	if code != exitEnv || !strings.Contains(out, "status:      not ready: ") || !strings.Contains(out, "Docker") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "lab", "status", "--json")
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != exitEnv || st["ready"] != false || st["problem"] == "" {
		t.Errorf("exit %d, JSON %v (%v):\n%s", code, st, err, out)
	}
}

// TestVersionNamesTheNodeImage: kubedojo version says which node image
// (and so which Kubernetes) a new lab gets, and why.
func TestVersionNamesTheNodeImage(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv(config.NodeImage.Env, "")
	code, out, _ := runCLI(t, "version")
	if code != exitOK || !strings.Contains(out, "node image: "+lab.DefaultNodeImage+" (Kubernetes "+lab.DefaultKubernetesVersion+", kubedojo's default)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	t.Setenv(config.NodeImage.Env, "local/kind-node:v1.33.13")
	code, out, _ = runCLI(t, "version")
	if code != exitOK || !strings.Contains(out, "node image: local/kind-node:v1.33.13 (from $"+config.NodeImage.Env+";") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestConfigFileErrorLine: a syntax error in the config file is reported
// at its own line.
func TestConfigFileErrorLine(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if err := os.MkdirAll(filepath.Join(dir, "kubedojo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kubedojo", "config.yaml"), []byte("labName: a\nworkers: 1\n- stray\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "lab", "status")
	if code != exitEnv || !strings.Contains(errOut, "config.yaml:3: did not find expected key") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestHelpDespiteABrokenConfigFile: help still answers when the config
// file is broken (other commands stop at it).
func TestHelpDespiteABrokenConfigFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if err := os.MkdirAll(filepath.Join(dir, "kubedojo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kubedojo", "config.yaml"), []byte("worker: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "help", "lab"); code != exitOK || !strings.Contains(out, "kubedojo lab") {
		t.Errorf("help: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "list"); code != exitEnv || !strings.Contains(errOut, "field worker not found") {
		t.Errorf("list: exit %d: %s", code, errOut)
	}
}

// TestUsageAndEnvironmentErrorsExitDifferently: a script tells a mistyped
// command (64, sysexits' EX_USAGE) from a broken environment (2).
func TestUsageAndEnvironmentErrorsExitDifferently(t *testing.T) {
	if code, _, errOut := runCLI(t, "check", "first-pod"); code != 64 {
		t.Fatalf("unknown exercise: exit %d, want 64: %s", code, errOut)
	}
	if exitEnv == exitUsage {
		t.Fatalf("usage and environment errors share exit code %d", exitEnv)
	}
}
