package progress

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)

func fixedClock() func() time.Time {
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Minute) }
}

func TestSaveAndReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := open(dir, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Course("cka")
	tr.StartExercise("pods/first")
	if n, ok := tr.RevealHint("pods/first", 2); n != 1 || !ok {
		t.Fatalf("RevealHint = %d, %v", n, ok)
	}
	tr.MarkDone("pods/first")
	tr.RevealSolution("pods/second")
	tr.MarkRead("pods")
	tr.RecordQuiz("pods", 2, 4)
	tr.RecordQuiz("pods", 1, 4)
	tr.SetLast(Location{Screen: ScreenExercise, Lesson: "pods", Exercise: "pods/second"})
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr2 := s2.Course("cka")
	first := tr2.Exercise("pods/first")
	if first.Status != Done || first.Hints != 1 || first.DoneAt == nil || first.StartedAt == nil {
		t.Errorf("first = %+v", first)
	}
	if second := tr2.Exercise("pods/second"); second.Status != Revealed || !second.SolutionRevealed {
		t.Errorf("second = %+v", second)
	}
	l := tr2.Lesson("pods")
	if !l.Read || l.Quiz == nil || l.Quiz.Score != 1 || l.Quiz.Best != 2 || l.Quiz.Attempts != 2 || l.Quiz.Total != 4 {
		t.Errorf("lesson = %+v quiz %+v", l, l.Quiz)
	}
	if last, ok := tr2.Last(); !ok || last.Exercise != "pods/second" || last.Screen != ScreenExercise {
		t.Errorf("last = %+v, %v", last, ok)
	}
	if other := s2.Course("workshop").Exercise("pods/first"); other.Status != NotStarted {
		t.Errorf("courses are not separate: %+v", other)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || entries[0].Name() != FileName || entries[1].Name() != FileName+".lock" {
		t.Errorf("state dir holds %v, want only %s and its lock file (no temp files)", entries, FileName)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(raw), `"version": 1`) {
		t.Errorf("file has no version:\n%s", raw)
	}
}

func TestStatusTransitions(t *testing.T) {
	tests := []struct {
		name  string
		steps func(tr *Tracker)
		want  Status
	}{
		{"untouched", func(*Tracker) {}, NotStarted},
		{"opened", func(tr *Tracker) { tr.StartExercise("x") }, InProgress},
		{"hint starts it", func(tr *Tracker) { tr.RevealHint("x", 3) }, InProgress},
		{"solved", func(tr *Tracker) { tr.StartExercise("x"); tr.MarkDone("x") }, Done},
		{"solved then peeked", func(tr *Tracker) { tr.MarkDone("x"); tr.RevealSolution("x") }, Done},
		// Revealed is its own state, short of done: only passing checks
		// complete an exercise, whether the solution was seen or not.
		{"peeked then solved", func(tr *Tracker) { tr.RevealSolution("x"); tr.MarkDone("x") }, Done},
		{"peeked", func(tr *Tracker) { tr.StartExercise("x"); tr.RevealSolution("x") }, Revealed},
		{"peeked, not complete", func(tr *Tracker) {
			tr.RevealSolution("x")
			if tr.Exercise("x").Status.Complete() {
				panic("a revealed solution counts as complete")
			}
		}, Revealed},
		{"reopened after done", func(tr *Tracker) { tr.MarkDone("x"); tr.StartExercise("x") }, Done},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := open(t.TempDir(), fixedClock())
			if err != nil {
				t.Fatal(err)
			}
			tr := s.Course("c")
			tt.steps(tr)
			if got := tr.Exercise("x").Status; got != tt.want {
				t.Errorf("status = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestOlderFilesSolvedAfterRevealAreDone: a record an older kubedojo
// wrote as solution-revealed although its checks passed (doneAt) is done.
func TestOlderFilesSolvedAfterRevealAreDone(t *testing.T) {
	dir := t.TempDir()
	old := `{"version": 1, "courses": {"c": {"updated": "2026-11-25T17:00:00Z", "exercises": {
  "a": {"status": "solution-revealed", "solutionRevealed": true, "revealedAt": "2026-11-25T16:00:00Z", "doneAt": "2026-11-25T16:30:00Z"},
  "b": {"status": "solution-revealed", "solutionRevealed": true, "revealedAt": "2026-11-25T16:00:00Z"}}}}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Course("c")
	if a := tr.Exercise("a"); a.Status != Done || !a.SolutionRevealed || !a.SolvedAfterReveal() {
		t.Errorf("a = %+v", a)
	}
	if b := tr.Exercise("b"); b.Status != Revealed || b.SolvedAfterReveal() {
		t.Errorf("b = %+v", b)
	}
}

func TestHintsStopAtAvailable(t *testing.T) {
	s, _ := open(t.TempDir(), fixedClock())
	tr := s.Course("c")
	for range 2 {
		tr.RevealHint("x", 2)
	}
	if n, changed := tr.RevealHint("x", 2); n != 2 || changed {
		t.Errorf("third hint of two: got %d, changed %v", n, changed)
	}
}

func TestSaveOnlyWhenChanged(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(dir, fixedClock())
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unchanged store wrote a file (stat err %v)", err)
	}
	tr := s.Course("c")
	tr.MarkRead("l")
	if tr.MarkRead("l") {
		t.Error("second MarkRead reported a change")
	}
	if tr.SetLast(Location{Screen: ScreenMap}); tr.SetLast(Location{Screen: ScreenMap}) {
		t.Error("same location reported a change")
	}
}

func TestCorruptFileIsBackedUp(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":       "{\"version\": 1, \"courses\": {",
		"empty":         "",
		"no version":    `{"courses": {}}`,
		"trailing data": `{"version": 1, "courses": {}} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := open(dir, func() time.Time { return t0 })
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CorruptError", err)
			}
			if s == nil {
				t.Fatal("store is nil; a damaged file must still give a usable store")
			}
			wantBackup := path + ".corrupt-20261125T170000Z"
			if ce.Backup != wantBackup {
				t.Errorf("backup = %s, want %s", ce.Backup, wantBackup)
			}
			got, rerr := os.ReadFile(wantBackup)
			if rerr != nil || string(got) != content {
				t.Errorf("backup holds %q (%v), want the original %q", got, rerr, content)
			}
			if !strings.Contains(err.Error(), wantBackup) {
				t.Errorf("message does not name the backup: %v", err)
			}
			s.Course("c").MarkRead("l")
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir); err != nil {
				t.Errorf("reopen after recovery: %v", err)
			}
		})
	}
}

func TestNewerVersionIsRefusedAndKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	content := `{"version": 99, "courses": {}}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if !errors.Is(err, ErrNewerVersion) || s != nil {
		t.Fatalf("Open = %v, %v; want nil store and ErrNewerVersion", s, err)
	}
	if got, _ := os.ReadFile(path); string(got) != content {
		t.Errorf("file was changed to %q", got)
	}
}

func TestConcurrentSavesKeepNewestState(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	tr := s.Course("c")
	var wg sync.WaitGroup
	for i := range 20 {
		tr.RevealHint("x", 100)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Save(); err != nil {
				t.Errorf("save %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := s2.Course("c").Exercise("x").Hints; n != 20 {
		t.Errorf("hints on disk = %d, want 20", n)
	}
}

// TestSaveKeepsWhatAnotherProcessSaved: the TUI and a kubedojo check in
// another terminal each keep a store of the same file; a save never drops
// what the other one saved in between (progress only moves forward, so
// the newer of each record wins).
func TestSaveKeepsWhatAnotherProcessSaved(t *testing.T) {
	dir := t.TempDir()
	tui, err := open(dir, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	cli, err := open(dir, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	tui.Course("c").StartExercise("a")
	tui.Course("c").RevealHint("b", 2)
	tui.Course("c").RecordQuiz("l", 1, 2)
	if err := tui.Save(); err != nil {
		t.Fatal(err)
	}
	cli.Course("c").StartExercise("a")
	cli.Course("c").MarkDone("a")
	cli.Course("other").StartExercise("x")
	if err := cli.Save(); err != nil {
		t.Fatal(err)
	}
	tui.Course("c").MarkRead("l")
	tui.Course("c").SetLast(Location{Screen: ScreenLesson, Lesson: "l"})
	if err := tui.Save(); err != nil {
		t.Fatal(err)
	}

	disk, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := disk.Course("c")
	if a := c.Exercise("a"); a.Status != Done || a.DoneAt == nil {
		t.Errorf("a = %+v, want done (saved by the other process)", a)
	}
	if b := c.Exercise("b"); b.Hints != 1 || b.Status != InProgress {
		t.Errorf("b = %+v", b)
	}
	if l := c.Lesson("l"); !l.Read || l.Quiz == nil || l.Quiz.Score != 1 {
		t.Errorf("lesson = %+v", l)
	}
	if last, ok := c.Last(); !ok || last.Lesson != "l" {
		t.Errorf("last = %+v", last)
	}
	if x := disk.Course("other").Exercise("x"); x.Status != InProgress {
		t.Errorf("other course = %+v", x)
	}
	// The store that saved last shows the other's changes too.
	if a := tui.Course("c").Exercise("a"); a.Status != Done {
		t.Errorf("the saving store still has a = %+v", a)
	}
}
