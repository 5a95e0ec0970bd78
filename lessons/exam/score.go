package exam

import (
	"cmp"
	"slices"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// CheckStatus is a graded check's outcome, as the grader reports it.
type CheckStatus string

// The outcomes that matter for the score. Only a passing check earns its
// points; an error or a skipped check earned nothing but is no wrong
// answer either, so the result says the exam could not be fully graded.
const (
	CheckPass    CheckStatus = "pass"
	CheckFail    CheckStatus = "fail"
	CheckError   CheckStatus = "error"
	CheckSkipped CheckStatus = "skipped"
)

// CheckResult is one graded check of a task.
type CheckResult struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Points int         `json:"points"`
	Status CheckStatus `json:"status"`
	// Message and Detail say, for a check that did not pass, what the task
	// asked for and what the cluster showed.
	Message string `json:"message,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// TaskResult is one graded task.
type TaskResult struct {
	Number  int            `json:"number"`
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Domain  lessons.Domain `json:"domain"`
	Weight  int            `json:"weight"`
	Context string         `json:"context"`
	Flagged bool           `json:"flagged,omitempty"`
	Checks  []CheckResult  `json:"checks"`
	// Earned and Possible are the task's check points.
	Earned   int `json:"earned"`
	Possible int `json:"possible"`
	// Ungraded are points of checks that could not be graded.
	Ungraded int `json:"ungraded,omitempty"`
	// Score is the task's share of the exam it earned: Weight scaled by
	// Earned/Possible.
	Score float64 `json:"score"`
	// Solution is the reference solution, for a task not fully solved.
	Solution *lessons.Solution `json:"solution,omitempty"`
}

// Solved reports whether every check of the task passed.
func (t TaskResult) Solved() bool { return t.Possible > 0 && t.Earned == t.Possible }

// Percent is the task's score in percent of its weight.
func (t TaskResult) Percent() float64 { return percent(float64(t.Earned), float64(t.Possible)) }

// DomainScore is the score in one CKA domain.
type DomainScore struct {
	Domain lessons.Domain `json:"domain"`
	Tasks  int            `json:"tasks"`
	// Weight is the sum of the domain's task weights; Score what they
	// earned of it.
	Weight  int     `json:"weight"`
	Score   float64 `json:"score"`
	Percent float64 `json:"percent"`
}

// Outcome is the verdict of an exam.
type Outcome string

const (
	// Passed: the score reaches the pass mark.
	Passed Outcome = "passed"
	// Failed: the score stays below the pass mark, even if every check that
	// could not be graded had passed.
	Failed Outcome = "failed"
	// Undetermined: below the pass mark, but checks that could not be
	// graded (the cluster did not answer) could lift it over; grade again
	// once the cluster is healthy.
	Undetermined Outcome = "undetermined"
)

// Result is a graded exam.
type Result struct {
	ID       string    `json:"id"`
	Pool     PoolRef   `json:"pool"`
	Mode     Mode      `json:"mode"`
	Seed     uint64    `json:"seed"`
	Started  time.Time `json:"started"`
	Graded   time.Time `json:"graded"`
	Duration Seconds   `json:"duration"`
	// TimeUsed is the time from the start to the end, at most the
	// duration; TimedOut says the clock ran out first.
	TimeUsed Seconds `json:"timeUsed"`
	TimedOut bool    `json:"timedOut,omitempty"`
	PassMark int     `json:"passMark"`
	// Percent is the exam's score: the tasks' scores over their weights.
	Percent float64 `json:"percent"`
	// UngradedPercent is what checks that could not be graded were worth.
	UngradedPercent float64       `json:"ungradedPercent,omitempty"`
	Outcome         Outcome       `json:"outcome"`
	Tasks           []TaskResult  `json:"tasks"`
	Domains         []DomainScore `json:"domains"`
}

// ScoreTask fills in a task's points and score from its checks.
func ScoreTask(t *TaskResult) {
	t.Earned, t.Possible, t.Ungraded = 0, 0, 0
	for _, c := range t.Checks {
		t.Possible += c.Points
		switch c.Status {
		case CheckPass:
			t.Earned += c.Points
		case CheckError, CheckSkipped:
			t.Ungraded += c.Points
		}
	}
	t.Score = float64(t.Weight) * float64(t.Earned) / float64(max(t.Possible, 1))
}

// Score totals graded tasks into the exam's result: the score, the verdict
// against passMark, and the domains weakest first.
func Score(tasks []TaskResult, passMark int) (percentTotal, ungraded float64, outcome Outcome, domains []DomainScore) {
	var weight int
	var score, lost float64
	byDomain := map[lessons.Domain]*DomainScore{}
	for i := range tasks {
		t := &tasks[i]
		ScoreTask(t)
		weight += t.Weight
		score += t.Score
		lost += float64(t.Weight) * float64(t.Ungraded) / float64(max(t.Possible, 1))
		d := byDomain[t.Domain]
		if d == nil {
			d = &DomainScore{Domain: t.Domain}
			byDomain[t.Domain] = d
		}
		d.Tasks++
		d.Weight += t.Weight
		d.Score += t.Score
	}
	for _, d := range lessons.Domains {
		if s := byDomain[d]; s != nil {
			s.Percent = percent(s.Score, float64(s.Weight))
			domains = append(domains, *s)
		}
	}
	slices.SortStableFunc(domains, func(a, b DomainScore) int { return cmp.Compare(a.Percent, b.Percent) })
	percentTotal = percent(score, float64(weight))
	ungraded = percent(lost, float64(weight))
	switch {
	case percentTotal >= float64(passMark):
		outcome = Passed
	case percentTotal+ungraded >= float64(passMark):
		outcome = Undetermined
	default:
		outcome = Failed
	}
	return percentTotal, ungraded, outcome, domains
}

func percent(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * part / whole
}
