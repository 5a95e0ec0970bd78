package progress

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// saverEnv makes the test binary a saver process (TestHelperSaver).
const saverEnv = "KUBEDOJO_PROGRESS_SAVER"

// TestHelperSaver is a kubedojo process that keeps one store open and
// saves after each of its changes, as a TUI does. It runs only as the
// child of TestProcessesKeepEachOthersSaves.
func TestHelperSaver(t *testing.T) {
	spec := os.Getenv(saverEnv) // dir:id:count
	if spec == "" {
		t.Skip("a helper process of TestProcessesKeepEachOthersSaves")
	}
	parts := strings.Split(spec, ":")
	n, _ := strconv.Atoi(parts[2])
	s, err := Open(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Course("c")
	for i := range n {
		tr.StartExercise(fmt.Sprintf("%s/ex-%d", parts[1], i))
		tr.RevealHint("shared", 1000)
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProcessesKeepEachOthersSaves runs kubedojo processes that save to
// one state directory at the same time: every change of every process
// is on disk at the end.
func TestProcessesKeepEachOthersSaves(t *testing.T) {
	const procs, saves = 4, 60
	dir := t.TempDir()
	var wg sync.WaitGroup
	for p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSaver$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s:p%d:%d", saverEnv, dir, p, saves))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("saver %d: %v\n%s", p, err, out)
			}
		}()
	}
	wg.Wait()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Course("c")
	lost := 0
	for p := range procs {
		for i := range saves {
			if c.Exercise(fmt.Sprintf("p%d/ex-%d", p, i)).Status != InProgress {
				lost++
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d saved changes lost", lost, procs*saves)
	}
	// Hints only add up: each process revealed one per save, and a merge
	// keeps the larger count, so the file holds at least one process's.
	if h := c.Exercise("shared").Hints; h < saves {
		t.Errorf("hints = %d, want at least %d", h, saves)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, FileName+".tmp-*")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestSaveRemovesTempFilesOfCrashedSaves(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{FileName + ".tmp-111", FileName + ".tmp-222"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(`{"version":1,"cour`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(dir, "notes.tmp-1")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Course("c").StartExercise("a")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, FileName+".tmp-*")); len(tmp) > 0 {
		t.Errorf("temporary files of crashed saves left: %v", tmp)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is not kubedojo's was removed: %v", err)
	}
}

func TestUnknownStatusKeepsTheRestOfTheFile(t *testing.T) {
	dir := t.TempDir()
	raw := `{"version": 1, "courses": {"c": {"exercises": {
		"a": {"status": "done", "doneAt": "2026-11-25T12:00:00Z"},
		"b": {"status": "paused-by-a-newer-kubedojo", "startedAt": "2026-11-25T11:00:00Z"},
		"d": {"status": "graded", "doneAt": "2026-11-25T12:30:00Z"}
	}, "lessons": {"l": {"read": true}}}}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v (one unknown status set the whole file aside)", err)
	}
	c := s.Course("c")
	if c.Exercise("a").Status != Done || !c.Lesson("l").Read {
		t.Errorf("the known records were not kept: a=%+v l=%+v", c.Exercise("a"), c.Lesson("l"))
	}
	if b := c.Exercise("b"); b.Status != InProgress || b.StartedAt == nil {
		t.Errorf("b = %+v, want in progress (started, status unknown)", b)
	}
	if d := c.Exercise("d"); d.Status != Done {
		t.Errorf("d = %+v, want done (it has a done time)", d)
	}
	if backups, _ := filepath.Glob(filepath.Join(dir, FileName+".corrupt-*")); len(backups) > 0 {
		t.Errorf("file set aside: %v", backups)
	}
}
