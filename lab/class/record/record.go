// Package record holds what a class's progress records say and how the
// board reads them: each learner's latest state on each exercise, and the
// rule that turns it into a board cell (done, in progress, stuck). It has
// no cluster dependencies, so the board's TUI page and the snapshots of
// kubedojo class board --json/--csv share it.
package record

import (
	"time"
)

// State is where a learner stands on one exercise.
type State string

// States of an exercise in a progress record. The board derives "stuck"
// from StateFailing and how long it has lasted.
const (
	StateNotStarted State = "not-started"
	StateFailing    State = "failing"
	StateDone       State = "done"
)

// Exercise is the latest grading of one exercise, as the learner's
// kubedojo reported it.
type Exercise struct {
	State  State `json:"state"`
	Passed int   `json:"passed"`
	Total  int   `json:"total"`
	// FailingSince is when the exercise started failing without a pass in
	// between (zero unless State is failing).
	FailingSince time.Time `json:"failingSince,omitzero"`
	// Check and Message are the first failing check's title and message.
	Check   string    `json:"check,omitempty"`
	Message string    `json:"message,omitempty"`
	Updated time.Time `json:"updated"`
}

// Assignment is one exercise of a class with the namespaces the pack
// names (each learner works in LearnerNamespace copies of them).
type Assignment struct {
	ID         string   `json:"id"`
	Namespaces []string `json:"namespaces"`
	// PodSecurity is the exercise's Pod Security level when it is
	// stricter than baseline (restricted), which its namespaces enforce.
	PodSecurity string `json:"podSecurity,omitempty"`
}

// Progress is a learner's progress record: one entry per exercise they
// have opened.
type Progress struct {
	Class   string `json:"class"`
	Learner string `json:"learner"`
	// Assigned are the class's exercises, so that the learner's kubedojo
	// needs no other record.
	Assigned  []Assignment        `json:"assigned"`
	Exercises map[string]Exercise `json:"exercises"`
}

// Cell is what the board shows for one learner and exercise.
type Cell string

// Board cells.
const (
	CellNotStarted Cell = "not-started"
	CellInProgress Cell = "in-progress"
	CellStuck      Cell = "stuck"
	CellDone       Cell = "done"
)

// Cell classifies an exercise at now: stuck when it has been failing for
// longer than stuckAfter.
func (e Exercise) Cell(now time.Time, stuckAfter time.Duration) Cell {
	switch e.State {
	case StateDone:
		return CellDone
	case StateFailing:
		if !e.FailingSince.IsZero() && now.Sub(e.FailingSince) > stuckAfter {
			return CellStuck
		}
		return CellInProgress
	}
	return CellNotStarted
}
