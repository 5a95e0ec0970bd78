package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
)

// finishedExams records two graded exams of the built-in pool in a state
// directory: 0 % then 100 %.
func finishedExams(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	store := exam.NewStore(dir)
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for i, status := range []exam.CheckStatus{exam.CheckFail, exam.CheckPass} {
		st := &exam.State{ID: "2026120" + string(rune('1'+i)) + "-090000", Pool: exam.PoolRef{ID: "cka-mock", Title: "CKA mock exams"}, Mode: exam.ModeExam,
			Seed: uint64(i), Duration: exam.Seconds(2 * time.Hour), PassMark: 66, Started: start}
		tasks := []exam.TaskResult{{Number: 1, ID: "storage/x", Title: "X", Domain: lessons.DomainStorage, Weight: 5,
			Checks: []exam.CheckResult{{ID: "a", Title: "a", Points: 1, Status: status, Message: "needs a", Detail: "expected a, found b"}}}}
		if err := store.Finish(exam.NewResult(st, tasks, start.Add(time.Duration(i+1)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExamHistoryAndReport: the history lists attempts with the trend and
// the domains; report prints the latest or a named report, and writes
// JUnit on request.
func TestExamHistoryAndReport(t *testing.T) {
	dir := finishedExams(t)
	code, out, errOut := runCLI(t, "--state-dir", dir, "exam", "history")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "0.0%") || !strings.Contains(lines[2], "+100.0") || !strings.Contains(lines[2], "storage 100%") || !strings.Contains(lines[2], "passed") {
		t.Errorf("history:\n%s", out)
	}
	junit := filepath.Join(t.TempDir(), "exam.xml")
	code, out, errOut = runCLI(t, "--state-dir", dir, "exam", "report", "--junit", junit)
	if code != exitOK || !strings.Contains(out, "# Exam 20261202-090000: PASSED 100.0 %") {
		t.Errorf("latest report (exit %d, %s):\n%s", code, errOut, out)
	}
	if data, err := os.ReadFile(junit); err != nil || !strings.Contains(string(data), `<testsuite name="kubedojo exam 20261202-090000" tests="1" failures="0"`) {
		t.Errorf("junit %v:\n%s", err, data)
	}
	code, out, _ = runCLI(t, "--state-dir", dir, "exam", "report", "20261201-090000")
	if code != exitOK || !strings.Contains(out, "expected a, found b") {
		t.Errorf("named report (exit %d):\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "--state-dir", dir, "exam", "report", "nope"); code != exitUsage || !strings.Contains(errOut, `no report of exam "nope"`) {
		t.Errorf("missing report: exit %d, %s", code, errOut)
	}
}

// TestExamRefusals: bad flags, a lesson pack given as a pool and
// subcommands without an exam say what to do, before any cluster is
// contacted.
func TestExamRefusals(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"exam", "--mode", "mastery"}, exitUsage, `unknown exam mode "mastery" (exam or training)`},
		{[]string{"exam", "--pool", "../../assets/course"}, exitUsage, "is a lesson pack, not an exam pool"},
		{[]string{"exam", "status"}, exitUsage, "no exam is in progress (start one with kubedojo exam)"},
		{[]string{"exam", "history"}, exitOK, ""},
		{[]string{"exam", "clean", "--pool", "../../assets/course"}, exitUsage, "is a lesson pack, not an exam pool"},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit %d, %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}
