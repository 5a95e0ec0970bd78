package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestReportFilesAreReadableOnlyByTheLearner: JUnit reports of verify and
// exam hold check messages (what was found in the cluster), so they are
// written 0600, and a report written over an older one readable by others
// becomes 0600 too.
func TestReportFilesAreReadableOnlyByTheLearner(t *testing.T) {
	mode := func(path string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	dir := t.TempDir()
	fresh := filepath.Join(dir, "verify.xml")
	if err := writeJUnit(fresh, &lessons.Course{ID: "c"}, []checks.VerifyResult{{Exercise: "a/b", Status: checks.Verified}}); err != nil {
		t.Fatal(err)
	}
	if m := mode(fresh); m != 0o600 {
		t.Errorf("verify --junit wrote mode %v, want 0600", m)
	}
	older := filepath.Join(dir, "older.xml")
	if err := os.WriteFile(older, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeJUnit(older, &lessons.Course{ID: "c"}, nil); err != nil {
		t.Fatal(err)
	}
	if m := mode(older); m != 0o600 {
		t.Errorf("verify --junit over a 0644 file left mode %v, want 0600", m)
	}
	exams := finishedExams(t)
	junit := filepath.Join(dir, "exam.xml")
	if err := os.WriteFile(junit, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "--state-dir", exams, "exam", "report", "--junit", junit); code != exitOK {
		t.Fatalf("exam report: exit %d, %s", code, errOut)
	}
	if m := mode(junit); m != 0o600 {
		t.Errorf("exam report --junit left mode %v, want 0600", m)
	}
}
