package lab

import (
	"os"
	"path/filepath"
	"testing"
)

// TestInstanceIDIsKeptInTheStateDirectory: one id per state directory,
// the same on every call, readable only by the user; another state
// directory is another instance.
func TestInstanceIDIsKeptInTheStateDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	first, err := InstanceID(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := InstanceID(dir)
	if err != nil || again != first || len(first) != 16 {
		t.Fatalf("InstanceID = %q then %q (%v), want one 16-digit id", first, again, err)
	}
	fi, err := os.Stat(filepath.Join(dir, instanceFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("instance file: %v %v, want mode 0600", fi.Mode(), err)
	}
	other, err := InstanceID(t.TempDir())
	if err != nil || other == first {
		t.Errorf("another state directory got %q (%v), the first %q", other, err, first)
	}
	if err := os.WriteFile(filepath.Join(dir, instanceFile), []byte("../../x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := InstanceID(dir); err == nil {
		t.Errorf("a damaged instance file was accepted")
	}
}
