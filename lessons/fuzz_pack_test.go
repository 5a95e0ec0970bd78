package lessons_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Special files FuzzLoadPack puts into the pack beside the fuzzed text.
const (
	plainFiles       = iota
	readingOutside   // reading.md links to a file outside the pack
	exerciseDevZero  // the exercise file links to /dev/zero
	readingFIFO      // reading.md is a named pipe
	lessonDirOutside // the lesson folder links outside the pack
	readingLoop      // reading.md links to itself
	readingInside    // reading.md links to a file inside the pack
	readingFolder    // reading.md is a folder
	specialKinds
)

// FuzzLoadPack loads a pack from disk whose exercise file, reading and
// course title are fuzzed, with links and special files placed in it: the
// loader answers within seconds, never panics, never reads outside the
// pack, and nothing it returns (problems included) holds a terminal
// control character. CI runs it for a bounded time (README.md's test
// command); the seeds run with the unit tests.
func FuzzLoadPack(f *testing.F) {
	hostile := "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\u009b2J"
	for kind := range specialKinds {
		f.Add(goodExercise, "# Pods\n\nRead me.\n", "Demo", uint8(kind))
	}
	f.Add(aliasBomb(), "# Pods\n", "Demo", uint8(plainFiles))
	f.Add("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "# Pods\n", "Demo", uint8(plainFiles))
	f.Add(replace(goodExercise, "title: First pod", `title: "First`+`\e]0;pwned\a pod"`), "# Pods "+hostile+"\n", `Demo \e]52;c;eA==\a`, uint8(plainFiles))
	f.Add(goodExercise+"hints: [a, b]\n", "# Pods\n", "Demo", uint8(plainFiles))
	f.Add(replace(goodExercise, "Create pod", "Create \xff pod"), "# Pods \xc3\n", "D\xffemo", uint8(plainFiles))
	f.Add(replace(goodExercise, "kubectl -n pod-1 run web --image=nginx:1.27", `"cat <<EOF\n{{LAB}}\n"`), "# Pods\n", "Demo", uint8(plainFiles))
	f.Add("\x00\x01", "", "", uint8(readingFIFO))

	secret := filepath.Join(f.TempDir(), "secret.md")
	if err := os.WriteFile(secret, []byte("# Secret\n\nroot:x:0:0\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, exercise, reading, title string, special uint8) {
		files := map[string]string{
			"course.yaml":                           replace(goodCourse, "title: Demo", "title: "+yamlQuoted(title)),
			"lessons/pods/reading.md":               reading,
			"lessons/pods/exercises/first-pod.yaml": exercise,
		}
		for name, content := range files {
			if content == "" {
				files[name] = " " // diskPack skips empty files
			}
		}
		// From here, "" is a file diskPack does not write.
		switch special % specialKinds {
		case readingOutside:
			files["lessons/pods/reading.md"] = "->" + secret
		case exerciseDevZero:
			files["lessons/pods/exercises/first-pod.yaml"] = "->/dev/zero"
		case readingFIFO:
			files["lessons/pods/reading.md"] = "|fifo"
		case lessonDirOutside:
			files["lessons/pods"] = "->" + filepath.Dir(secret)
			files["lessons/pods/reading.md"] = ""
			files["lessons/pods/exercises/first-pod.yaml"] = ""
		case readingLoop:
			files["lessons/pods/reading.md"] = "->reading.md"
		case readingInside:
			files["shared.md"] = "# Shared\n\n" + reading
			files["lessons/pods/reading.md"] = "->../../shared.md"
		case readingFolder:
			files["lessons/pods/reading.md/x"] = "x"
			files["lessons/pods/reading.md"] = ""
		}
		dir := diskPack(t, files)
		// Generous: a hang (a FIFO read, an alias bomb walked) never ends,
		// and a busy CI machine must not make a finding of a slow load.
		c, problems := loadWithin(t, dir, 30*time.Second)
		texts := problems
		if c != nil {
			texts = append(texts, c.Title)
			for _, l := range c.Lessons() {
				texts = append(texts, l.Title, l.Reading)
				if strings.Contains(l.Reading, "root:x") {
					t.Fatal("the reading came from outside the pack")
				}
				for _, ex := range l.Exercises() {
					texts = append(texts, ex.Title, ex.Task)
					texts = append(texts, ex.Hints...)
				}
			}
		}
		for _, s := range texts {
			if strings.ContainsFunc(s, func(r rune) bool {
				return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f))
			}) {
				t.Fatalf("a control character reached the loaded pack: %q", s)
			}
		}
	})
}

// yamlQuoted writes s as a double-quoted YAML scalar, keeping backslash
// escapes the fuzzer wrote as they are.
func yamlQuoted(s string) string {
	return `"` + strings.NewReplacer(`"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
