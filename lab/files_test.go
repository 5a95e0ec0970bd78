package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// A link inside the lab directory (left by the learner, or by an earlier
// pack) must not let a file step write anywhere else: not into the file it
// points to, nor into a folder outside the lab.
func TestFileStepsDoNotWriteThroughLinks(t *testing.T) {
	lab, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "bashrc")
	if err := os.WriteFile(victim, []byte("learner's own\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(lab, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(lab, "certs")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(lab, "inner")); err != nil {
		t.Fatal(err)
	}
	vars := lessons.Vars{Lab: lab}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"file onto a link", writeLabFile(vars, &lessons.FileStep{Path: lab + "/notes.txt", Content: "pwned\n"})},
		{"file into a linked folder", writeLabFile(vars, &lessons.FileStep{Path: lab + "/certs/new.txt", Content: "pwned\n"})},
		{"tls into a linked folder", writeTLS(vars, &lessons.TLSStep{Cert: lab + "/certs/c.crt", Key: lab + "/certs/c.key", Host: "a.b"})},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), "link") {
			t.Errorf("%s: want an error naming the link, got %v", tc.name, tc.err)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "learner's own\n" {
		t.Errorf("the file outside the lab became %q", data)
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Errorf("files appeared outside the lab: %v", entries)
	}
	// A folder linked within the lab (relatively: os.Root takes an absolute
	// link for one that leaves) is harmless.
	if err := os.Mkdir(filepath.Join(lab, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeLabFile(vars, &lessons.FileStep{Path: lab + "/inner/ok.txt", Content: "ok\n"}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(lab, "real", "ok.txt")); string(data) != "ok\n" {
		t.Errorf("ok.txt is %q", data)
	}
}
