package checks

import (
	"encoding/json"
	"time"
)

// Status is the outcome of one check.
type Status string

const (
	// Pending means the check has not been evaluated yet.
	Pending Status = "pending"
	// Running means the check is being evaluated now; a progressive report
	// carries it for checks that have not finished while others have.
	Running Status = "running"
	// Pass means the cluster is as the task asks.
	Pass Status = "pass"
	// Fail means the cluster is not as the task asks: a wrong or unfinished
	// answer.
	Fail Status = "fail"
	// Error means kubedojo could not tell (API unreachable, permission
	// denied, timeout, missing resource type). It is never counted as a
	// wrong answer.
	Error Status = "error"
	// Skipped means the check cannot run on this cluster (its tier or
	// add-on is missing); the reason says which.
	Skipped Status = "skipped"
)

// Result is the outcome of one check.
type Result struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Status is pass, fail, error, skipped or pending.
	Status Status `json:"status"`
	// Message is the exercise author's explanation, set when the check
	// fails.
	Message string `json:"message,omitempty"`
	// Detail says what was expected and what was found (fail), or what went
	// wrong in the environment (error), or why the check was skipped.
	Detail string `json:"detail,omitempty"`
	// Duration is how long the evaluation took (milliseconds in JSON).
	Duration time.Duration `json:"-"`
	// needs names the missing object a failure is about ("Pod web").
	needs string
	// obs is what the evaluation noticed (Converge uses it).
	obs *observation
}

// MarshalJSON writes Duration as whole milliseconds, the unit scripts
// expect.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"durationMs"`
	}{plain(r), r.Duration.Milliseconds()})
}

// Report is the graded state of one exercise.
type Report struct {
	Exercise string    `json:"exercise"`
	Results  []Result  `json:"checks"`
	Time     time.Time `json:"time"`
	// Trigger says what caused this evaluation ("initial", "change: Pod
	// pod-1/web", "retry").
	Trigger string `json:"-"`
	// Unreachable says why the API server does not answer when a watch
	// lost it (every result is then an environment error); "" otherwise.
	Unreachable string `json:"-"`
}

// Counts tallies results by status.
type Counts struct {
	Pass, Fail, Error, Skipped, Pending int
}

// Counts tallies the report's results.
func (r Report) Counts() Counts {
	var c Counts
	for _, res := range r.Results {
		switch res.Status {
		case Pass:
			c.Pass++
		case Fail:
			c.Fail++
		case Error:
			c.Error++
		case Skipped:
			c.Skipped++
		default:
			c.Pending++
		}
	}
	return c
}

// Passed reports whether every check passed: the exercise is solved.
func (r Report) Passed() bool {
	if len(r.Results) == 0 {
		return false
	}
	for _, res := range r.Results {
		if res.Status != Pass {
			return false
		}
	}
	return true
}

// HasErrors reports whether any check hit an environment problem.
func (r Report) HasErrors() bool { return r.Counts().Error > 0 }
