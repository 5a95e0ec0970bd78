package exam_test

import (
	"os"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons/exam"
)

// TestStoreResumesAndKeepsHistory: the exam in progress survives a
// restart with its clock; finishing it saves the report, appends to the
// history and ends it.
func TestStoreResumesAndKeepsHistory(t *testing.T) {
	s := exam.NewStore(t.TempDir())
	if st, err := s.Active(); st != nil || err != nil {
		t.Fatalf("fresh store: %v %v", st, err)
	}
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	st := testState(exam.ModeExam, 2*time.Hour, start)
	st.Tasks[1].Flagged, st.Current = true, 2
	if err := s.Save(st); err != nil {
		t.Fatal(err)
	}
	back, err := s.Active()
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != st.ID || !back.Started.Equal(start) || back.Duration != st.Duration || !back.Tasks[1].Flagged || back.Current != 2 || back.Seed != 9 {
		t.Fatalf("resumed %+v\nsaved %+v", back, st)
	}
	if back.Clock().Remaining(start.Add(30*time.Minute)) != 90*time.Minute {
		t.Errorf("resumed clock: %s left", back.Clock().Remaining(start.Add(30*time.Minute)))
	}
	for i, pct := range []exam.CheckStatus{exam.CheckFail, exam.CheckPass} {
		r := exam.NewResult(back, []exam.TaskResult{{Number: 1, ID: "x/y", Weight: 5, Checks: []exam.CheckResult{check("a", 1, pct)}}}, start.Add(time.Duration(i+1)*time.Hour))
		r.ID = back.ID + string(rune('a'+i))
		if err := s.Finish(r); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := s.Active(); st != nil {
		t.Error("a finished exam is still in progress")
	}
	h, err := s.History()
	if err != nil || len(h) != 2 || h[0].Percent != 0 || h[1].Percent != 100 || h[1].Outcome != exam.Passed {
		t.Fatalf("history %+v %v", h, err)
	}
	latest, err := s.Result("")
	if err != nil || latest.ID != h[1].ID || len(latest.Tasks) != 1 {
		t.Fatalf("latest report %+v %v", latest, err)
	}
	if _, err := os.Stat(s.ReportPath(h[0].ID, "md")); err != nil {
		t.Errorf("Markdown report: %v", err)
	}
	if _, err := s.Result("nope"); err == nil {
		t.Error("a missing report reads")
	}
}
