package exam_test

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
)

func check(id string, points int, st exam.CheckStatus) exam.CheckResult {
	return exam.CheckResult{ID: id, Title: id, Points: points, Status: st, Message: "msg " + id, Detail: "expected x, found y"}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestPartialCredit: a task earns its weight in proportion to the points
// of the checks that pass.
func TestPartialCredit(t *testing.T) {
	task := exam.TaskResult{Weight: 8, Checks: []exam.CheckResult{
		check("a", 1, exam.CheckPass), check("b", 3, exam.CheckPass), check("c", 2, exam.CheckFail), check("d", 1, exam.CheckError),
	}}
	exam.ScoreTask(&task)
	if task.Earned != 4 || task.Possible != 7 || task.Ungraded != 1 || !near(task.Score, 8*4.0/7) || task.Solved() {
		t.Errorf("task scored %+v", task)
	}
	all := exam.TaskResult{Weight: 5, Checks: []exam.CheckResult{check("a", 2, exam.CheckPass)}}
	exam.ScoreTask(&all)
	if !all.Solved() || !near(all.Score, 5) || !near(all.Percent(), 100) {
		t.Errorf("solved task scored %+v", all)
	}
}

// TestScoreVerdictAndDomains: the exam's percentage is the tasks' scores
// over their weights; domains come weakest first; checks that could not be
// graded leave the verdict open only when they could change it.
func TestScoreVerdictAndDomains(t *testing.T) {
	tasks := func(third exam.CheckStatus) []exam.TaskResult {
		return []exam.TaskResult{
			{Domain: lessons.DomainStorage, Weight: 10, Checks: []exam.CheckResult{check("a", 1, exam.CheckPass)}},
			{Domain: lessons.DomainTroubleshooting, Weight: 20, Checks: []exam.CheckResult{check("a", 1, exam.CheckPass), check("b", 1, exam.CheckFail)}},
			{Domain: lessons.DomainArchitecture, Weight: 10, Checks: []exam.CheckResult{check("a", 1, third)}},
		}
	}
	pct, ungraded, outcome, domains := exam.Score(tasks(exam.CheckFail), 66)
	if !near(pct, 50) || ungraded != 0 || outcome != exam.Failed {
		t.Errorf("score %.2f ungraded %.2f %s", pct, ungraded, outcome)
	}
	order := []lessons.Domain{domains[0].Domain, domains[1].Domain, domains[2].Domain}
	want := []lessons.Domain{lessons.DomainArchitecture, lessons.DomainTroubleshooting, lessons.DomainStorage}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("domains %v, want weakest first %v", order, want)
		}
	}
	if !near(domains[1].Percent, 50) || domains[1].Tasks != 1 || domains[1].Weight != 20 {
		t.Errorf("troubleshooting %+v", domains[1])
	}
	if pct, _, outcome, _ := exam.Score(tasks(exam.CheckPass), 66); !near(pct, 75) || outcome != exam.Passed {
		t.Errorf("with arch solved: %.2f %s", pct, outcome)
	}
	if pct, ungraded, outcome, _ := exam.Score(tasks(exam.CheckError), 66); !near(pct, 50) || !near(ungraded, 25) || outcome != exam.Undetermined {
		t.Errorf("with arch ungraded: %.2f %.2f %s", pct, ungraded, outcome)
	}
	if _, _, outcome, _ := exam.Score(tasks(exam.CheckError), 80); outcome != exam.Failed {
		t.Errorf("ungraded points that cannot reach the pass mark: %s", outcome)
	}
}

func testState(mode exam.Mode, d time.Duration, start time.Time) *exam.State {
	pool := uniformPool(4)
	drawn, _ := exam.Draw(pool, exam.DrawOptions{Seed: 9, Tasks: 3})
	st := exam.NewState(pool, "", drawn, mode, 9, d, start.Add(-time.Minute))
	st.Started = start
	return st
}

// TestTimeOut: an exam graded after its deadline is timed out and used
// exactly its duration; one graded in time used what it used.
func TestTimeOut(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	st := testState(exam.ModeExam, 2*time.Hour, start)
	r := exam.NewResult(st, nil, start.Add(3*time.Hour))
	if !r.TimedOut || r.TimeUsed.D() != 2*time.Hour {
		t.Errorf("graded an hour late: timed out %v, used %s", r.TimedOut, r.TimeUsed.D())
	}
	r = exam.NewResult(st, nil, start.Add(90*time.Minute))
	if r.TimedOut || r.TimeUsed.D() != 90*time.Minute {
		t.Errorf("graded in time: timed out %v, used %s", r.TimedOut, r.TimeUsed.D())
	}
	c := st.Clock()
	if c.Remaining(start.Add(110*time.Minute)) != 10*time.Minute || c.Expired(start.Add(119*time.Minute)) || !c.Expired(start.Add(2*time.Hour)) {
		t.Errorf("clock %+v", c)
	}
	training := testState(exam.ModeTraining, 2*time.Hour, start)
	if training.Duration != 0 || training.Clock().Expired(start.Add(100*time.Hour)) {
		t.Errorf("training has a clock: %+v", training.Clock())
	}
}

// TestAlerts: the 30, 15 and 5 minute alerts each fire once, and a late
// resume gives only the most urgent one due.
func TestAlerts(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := exam.Clock{Start: start, Duration: 2 * time.Hour}
	var last exam.Alert
	var fired []string
	for m := 0; m <= 120; m++ {
		if a, ok := c.DueAlert(start.Add(time.Duration(m)*time.Minute), last); ok {
			fired = append(fired, a.String())
			last = a
		}
	}
	if strings.Join(fired, ", ") != "30 minutes left, 15 minutes left, 5 minutes left" {
		t.Errorf("alerts: %v", fired)
	}
	if a, ok := c.DueAlert(start.Add(118*time.Minute), 0); !ok || a.String() != "5 minutes left" {
		t.Errorf("resumed with 2 minutes left: %v %v", a, ok)
	}
	short := exam.Clock{Start: start, Duration: 10 * time.Minute}
	if a, ok := short.DueAlert(start, 0); ok {
		t.Errorf("a 10-minute exam alerts at its start: %v", a)
	}
}

// TestReportFormats: the Markdown names every check that did not pass with
// what was expected and found, and the solution of unsolved tasks only;
// JUnit fails the unsolved task.
func TestReportFormats(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	st := testState(exam.ModeExam, 2*time.Hour, start)
	sol := &lessons.Solution{Explanation: "Scale it.", Steps: []lessons.Step{{Run: "kubectl scale deploy api --replicas=3"}}}
	tasks := []exam.TaskResult{
		{Number: 1, ID: "storage/a", Title: "Solved one", Domain: lessons.DomainStorage, Weight: 4, Context: "exam-a",
			Checks: []exam.CheckResult{check("ok", 1, exam.CheckPass)}, Solution: &lessons.Solution{Explanation: "NOT SHOWN"}},
		{Number: 2, ID: "workloads/b", Title: "Half done", Domain: lessons.DomainWorkloads, Weight: 8, Context: "exam-b", Flagged: true,
			Checks: []exam.CheckResult{check("ok", 1, exam.CheckPass), check("replicas", 1, exam.CheckFail)}, Solution: sol},
	}
	r := exam.NewResult(st, tasks, start.Add(time.Hour))
	md := r.Markdown()
	for _, want := range []string{"PASSED 66.7 % (pass mark 66 %)", "| Workloads & Scheduling | 1 | 50.0 % |", "[ ] replicas (1 point)", "msg replicas", "expected x, found y", "flagged for review", "kubectl scale deploy api --replicas=3", "Time used: 1:00:00 of 2:00:00"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "NOT SHOWN") {
		t.Error("the report shows the solution of a solved task")
	}
	if strings.Index(md, "Workloads & Scheduling") > strings.Index(md, "| Storage |") {
		t.Error("domains are not weakest first")
	}
	data, err := r.JUnit()
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(data, &suite); err != nil {
		t.Fatalf("junit: %v\n%s", err, data)
	}
	if suite.Tests != 2 || suite.Failures != 1 || suite.Cases[1].Failure == nil || suite.Cases[1].Failure.Message != "1/2 points" || suite.Cases[0].Failure != nil {
		t.Errorf("junit:\n%s", data)
	}
}
