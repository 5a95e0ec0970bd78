package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons/progress"
)

const testPack = "../../tui/testdata/pack"

// recordProgress writes some progress for the test pack into a state dir.
func recordProgress(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Course("testpack")
	tr.MarkDone("pods-basics/first-pod")
	tr.RevealHint("pods-basics/first-pod", 3)
	tr.RevealSolution("pods-basics/labels")
	tr.RevealSolution("services/clusterip")
	tr.MarkDone("services/clusterip")
	tr.MarkRead("pods-basics")
	tr.RecordQuiz("pods-basics", 1, 2)
	tr.SetLast(progress.Location{Screen: progress.ScreenLesson, Lesson: "services"})
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestProgressText(t *testing.T) {
	dir := recordProgress(t)
	code, out, errOut := runCLI(t, "progress", "--course", testPack, "--state-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// labels had its solution revealed and was never solved: not
	// complete. clusterip was solved after revealing it.
	for _, want := range []string{
		"A small test course: 2 of 3 exercises complete (66%), 1 of 2 lessons read",
		"1 solved after revealing the solution",
		"1 with the solution revealed, not solved yet",
		"Resumes at: lesson services",
		"◐ pods-basics                  1/2 exercises  read, quiz 1/2 (best 1)",
		"● pods-basics/first-pod                    1 hint(s), solved ",
		"◎ pods-basics/labels                       solution revealed, not solved",
		"● services                     1/1 exercises",
		"● services/clusterip                       solved ",
		"Pods  1/2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestProgressJSON(t *testing.T) {
	dir := recordProgress(t)
	code, out, errOut := runCLI(t, "progress", "--json", "--course", testPack, "--state-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v progressJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if v.Course != "testpack" || v.Exercises.Total != 3 || v.Exercises.Done != 2 || v.Exercises.Revealed != 1 || v.Exercises.SolvedAfterReveal != 1 || v.Exercises.Percent != 66 {
		t.Errorf("summary %+v", v.Exercises)
	}
	if v.Last == nil || v.Last.Lesson != "services" || v.File != filepath.Join(dir, progress.FileName) {
		t.Errorf("last %+v, file %s", v.Last, v.File)
	}
	l := v.Tracks[0].Lessons[0]
	if l.Status != progress.InProgress || !l.Read || l.Quiz == nil || l.Quiz.Best != 1 {
		t.Errorf("lesson %+v", l)
	}
	if e := l.Exercises[0]; e.Status != progress.Done || e.Hints != 1 || e.DoneAt == nil {
		t.Errorf("exercise %+v", e)
	}
	if e := l.Exercises[1]; e.Status != progress.Revealed || !e.SolutionRevealed || e.DoneAt != nil {
		t.Errorf("revealed exercise %+v", e)
	}
	if e := v.Tracks[1].Lessons[0].Exercises[0]; e.Status != progress.Done || !e.SolutionRevealed || !e.SolvedAfterReveal {
		t.Errorf("exercise solved after revealing %+v", e)
	}
	// The documented keys, including the nulls.
	for _, key := range []string{`"solutionRevealed": 1`, `"solvedAfterReveal": 1`, `"inProgress": 0`, `"revealedAt": null`, `"quiz": null`, `"lessons": {`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestProgressKeepsADamagedFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, progress.FileName), []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "progress", "--course", testPack, "--state-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "is damaged") || !strings.Contains(out, "0 of 3 exercises") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, progress.FileName+".corrupt-*"))
	if len(backups) != 1 {
		t.Errorf("backups %v, want the damaged file kept", backups)
	}
}
