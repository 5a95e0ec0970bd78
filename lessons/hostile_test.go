package lessons_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// diskPack writes the good pack, changed by files, into a directory and
// returns it; a file whose content starts with "->" becomes a symbolic link
// to the rest, "|fifo" a named pipe.
func diskPack(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if files == nil {
		files = map[string]string{}
	}
	for name, f := range pack(nil) {
		if _, changed := files[name]; !changed && !underLink(files, name) {
			files[name] = string(f.Data)
		}
	}
	for name, content := range files {
		if content == "" || underLink(files, name) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasPrefix(content, "->"):
			err = os.Symlink(content[2:], p)
		case content == "|fifo":
			err = syscall.Mkfifo(p, 0o644)
		default:
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// underLink says whether name is inside a folder that files make a link.
func underLink(files map[string]string, name string) bool {
	for dir, content := range files {
		if strings.HasPrefix(content, "->") && strings.HasPrefix(name, dir+"/") {
			return true
		}
	}
	return false
}

// loadWithin loads dir as the command line does and fails the test when
// that takes longer than limit (a hostile pack must not hang kubedojo).
func loadWithin(t *testing.T, dir string, limit time.Duration) (*lessons.Course, []string) {
	t.Helper()
	type loaded struct {
		c   *lessons.Course
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		c, err := lessons.Load(os.DirFS(dir))
		done <- loaded{c, err}
	}()
	select {
	case l := <-done:
		var ps lessons.Problems
		if l.err != nil && !errors.As(l.err, &ps) {
			t.Fatalf("unexpected error type %T: %v", l.err, l.err)
		}
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.String()
		}
		return l.c, out
	case <-time.After(limit):
		t.Fatalf("loading the pack took more than %s", limit)
		return nil, nil
	}
}

func wantProblem(t *testing.T, problems []string, parts ...string) {
	t.Helper()
	for _, p := range problems {
		all := true
		for _, part := range parts {
			all = all && strings.Contains(p, part)
		}
		if all {
			return
		}
	}
	t.Fatalf("no problem contains %q; got:\n%s", parts, strings.Join(problems, "\n"))
}

// aliasBomb is an exercise file of about 1.9 KB whose checks, followed
// through their aliases, are 10^9 checks.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString(strings.Split(goodExercise, "checks:")[0])
	b.WriteString("checks:\n  - &c0 {id: a, title: t, message: m, exists: Pod/web}\n")
	for i := 1; i <= 9; i++ {
		refs := strings.Repeat(fmt.Sprintf("*c%d, ", i-1), 10)
		fmt.Fprintf(&b, "  - &c%d {id: c%d, title: t, message: m, allOf: [%s]}\n", i, i, strings.TrimSuffix(refs, ", "))
	}
	b.WriteString("hints: [a, b]\nsolution: {steps: [{run: kubectl get pods}]}\n")
	return b.String()
}

func TestAliasBombIsAClearErrorQuickly(t *testing.T) {
	bomb := aliasBomb()
	if len(bomb) > 2500 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	dir := diskPack(t, map[string]string{"lessons/pods/exercises/first-pod.yaml": bomb})
	_, problems := loadWithin(t, dir, 5*time.Second)
	wantProblem(t, problems, "first-pod.yaml:", "aliases", "write")
	if len(problems) != 1 {
		t.Fatalf("want one problem, got:\n%s", strings.Join(problems, "\n"))
	}
}

func TestPackFilesMustBeRegularFilesInsideThePack(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("# Secret\n\nroot:x:0:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"reading linked outside", map[string]string{"lessons/pods/reading.md": "->" + outside},
			[]string{"lessons/pods/reading.md:", "link", "outside the pack", "copy"}},
		{"reading linked up and out", map[string]string{"lessons/pods/reading.md": "->../../../" + filepath.Base(outside)},
			[]string{"lessons/pods/reading.md:", "outside the pack"}},
		{"exercise linked to /dev/zero", map[string]string{"lessons/pods/exercises/first-pod.yaml": "->/dev/zero"},
			[]string{"first-pod.yaml:", "outside the pack"}},
		{"reading is a FIFO", map[string]string{"lessons/pods/reading.md": "|fifo"},
			[]string{"lessons/pods/reading.md:", "named pipe", "regular file"}},
		{"lesson folder linked outside", map[string]string{"lessons/pods": "->" + filepath.Dir(outside)},
			[]string{"lessons/pods", "outside the pack"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := diskPack(t, tc.files)
			c, problems := loadWithin(t, dir, 5*time.Second)
			wantProblem(t, problems, tc.want...)
			if c != nil && c.Lesson("pods") != nil && strings.Contains(c.Lesson("pods").Reading, "root:") {
				t.Fatal("the reading from outside the pack was loaded")
			}
		})
	}
}

func TestLinksInsideThePackAreFollowed(t *testing.T) {
	dir := diskPack(t, map[string]string{
		"shared/pods.md":          "# Pods\n\nShared reading.\n",
		"lessons/pods/reading.md": "->../../shared/pods.md",
	})
	c, problems := loadWithin(t, dir, 5*time.Second)
	if len(problems) > 0 {
		t.Fatalf("problems:\n%s", strings.Join(problems, "\n"))
	}
	if !strings.Contains(c.Lesson("pods").Reading, "Shared reading") {
		t.Fatalf("reading %q", c.Lesson("pods").Reading)
	}
}

func TestHugeReadingIsRefusedWithItsSize(t *testing.T) {
	dir := diskPack(t, nil)
	f, err := os.OpenFile(filepath.Join(dir, "lessons/pods/reading.md"), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("# Pods\n\n"); err != nil {
		t.Fatal(err)
	}
	// A sparse file: 200 MB to the loader, nothing on the disk.
	if err := f.Truncate(200 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	_, problems := loadWithin(t, dir, 5*time.Second)
	wantProblem(t, problems, "lessons/pods/reading.md:", "200.0 MiB", "limit")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("refusing the reading took %s", d)
	}
}

func TestDuplicateKeyIsOneClearProblem(t *testing.T) {
	for _, tc := range []struct{ name, exercise string }{
		{"top level", replace(goodExercise, "title: First pod\n", "title: First pod\ntitle: Again\n")},
		{"last key", goodExercise + "hints: [a, b]\n"},
		{"in a check", replace(goodExercise, "    title: web exists\n", "    title: web exists\n    title: again\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := problemsOf(t, map[string]string{"lessons/pods/exercises/first-pod.yaml": tc.exercise})
			if len(problems) != 1 {
				t.Fatalf("want one problem, got:\n%s", strings.Join(problems, "\n"))
			}
			wantProblem(t, problems, "first-pod.yaml:", "twice", "also at line", "keep one")
		})
	}
}

func TestInvalidUTF8HasALine(t *testing.T) {
	for _, tc := range []struct {
		file, content, want string
	}{
		{"lessons/pods/exercises/first-pod.yaml", replace(goodExercise, "Create pod", "Create \xff pod"), "first-pod.yaml:6:"},
		{"lessons/pods/reading.md", "# Pods\n\nbad \xff byte\n", "reading.md:3:"},
		{"course.yaml", replace(goodCourse, "title: Demo", "title: D\xc3emo"), "course.yaml:3:"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			problems := problemsOf(t, map[string]string{tc.file: tc.content})
			wantProblem(t, problems, tc.want, "UTF-8")
		})
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"plain\n\ttext":                        "plain\n\ttext",
		"title\x1b]0;pwned\x07 end":            "title end",
		"copy\x1b]52;c;cm0gLXJmIH4=\x1b\\ end": "copy end",
		"\x1b[2Jclear \x1b[31mred\x1b[0m":      "clear red",
		"bell\x07 back\bspace\x7f":             "bell backspace",
		"c1 \u009b2J csi":                      "c1 2J csi",
		"dos\r\nline\rover":                    "dos\nlineover",
		"日本語 ✓":                                "日本語 ✓",
	} {
		if got := lessons.PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}
