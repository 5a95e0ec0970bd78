// Package result holds what grading produces: the status of one check, a
// check's result and the report on an exercise, with the report's outcome
// and exit code. It imports nothing but the standard library, so that what
// shows results (the TUI's components, the command line) does not link the
// grading engine and its cluster clients.
package result

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

// Final reports whether a status is an evaluation's outcome rather than a
// check waiting for one (pending, running).
func (s Status) Final() bool { return s != Pending && s != Running }

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
}

// Says reports whether r says the same as o: the check, its status and its
// explanation, not when or how fast it was evaluated.
func (r Result) Says(o Result) bool {
	return r.ID == o.ID && r.Status == o.Status && r.Message == o.Message && r.Detail == o.Detail
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

// Outcome is the verdict on a whole report.
type Outcome string

// Outcomes of a report.
const (
	// Solved: every check passes.
	Solved Outcome = "pass"
	// Unsolved: some check fails and none could not be evaluated.
	Unsolved Outcome = "fail"
	// Undecided: some check could not be evaluated (an environment
	// problem), so the report says nothing about the answer.
	Undecided Outcome = "error"
	// Unavailable: the lab cannot run the exercise (every check skipped,
	// with the reason), which says nothing about the answer either.
	Unavailable Outcome = "unavailable"
)

// Outcome is pass when every check passes, error when any check could not
// be evaluated, unavailable when the lab cannot run the exercise (every
// check skipped), and fail otherwise.
func (r Report) Outcome() Outcome {
	switch {
	case r.Passed():
		return Solved
	case r.HasErrors():
		return Undecided
	case len(r.Results) > 0 && r.Counts().Skipped == len(r.Results):
		return Unavailable
	}
	return Unsolved
}

// ExitCode is the documented exit status of a command that reports the
// outcome: 0 solved, 1 unsolved, 2 undecided or unavailable (an
// environment problem, never a wrong answer).
func (o Outcome) ExitCode() int {
	switch o {
	case Solved:
		return 0
	case Unsolved:
		return 1
	}
	return 2
}
