// Package progress stores what a learner has done: exercises started, solved
// or given up on, hints and solutions revealed, lessons read, quiz scores and
// the place to resume. It keeps one versioned JSON file in the state
// directory and rewrites it atomically after every change, so a crash or a
// full disk never leaves half a file behind.
//
// Records are keyed by course id and then by lesson and exercise id, the
// stable ids of the lesson-pack format, so several packs can share one state
// directory.
//
// The TUI and the command line record the same events the same way: an
// exercise is started (Tracker.StartExercise) when its environment is set
// up for an attempt (the TUI opening it, kubedojo lab reset), and done
// (Tracker.MarkDone) when a grading passes every check (the TUI's live
// grading, kubedojo check, check --watch). Both may run at once: a save
// merges what the other saved (merge.go).
package progress

import (
	"time"
)

// Version is the format version of progress.json that this package writes.
// Files with a lower version are upgraded on load; files with a higher one
// are refused rather than overwritten.
const Version = 1

// FileName is the name of the progress file inside the state directory.
const FileName = "progress.json"

// Status is how far the learner got with an exercise.
type Status string

// Exercise statuses. Done means every check passed once; nothing else
// completes an exercise. Revealed means the learner saw the reference
// solution and has not solved the exercise (yet): when its checks pass
// it becomes Done, and Exercise.SolutionRevealed keeps that the solution
// was seen.
const (
	NotStarted Status = "not-started"
	InProgress Status = "in-progress"
	Done       Status = "done"
	Revealed   Status = "solution-revealed"
)

// Complete reports whether the exercise needs no more work: it is solved.
// A revealed solution is not a solved exercise.
func (s Status) Complete() bool { return s == Done }

// File is the JSON document stored in progress.json.
//
//	{
//	  "version": 1,
//	  "courses": {
//	    "cka": {
//	      "updated": "2026-11-25T17:23:53Z",
//	      "lessons": {
//	        "pods-basics": {"read": true, "readAt": "…", "quiz": {"score": 3, "total": 4, "best": 4, "attempts": 2, "at": "…"}}
//	      },
//	      "exercises": {
//	        "pods-basics/first-pod": {"status": "done", "hints": 1, "solutionRevealed": false, "startedAt": "…", "doneAt": "…"}
//	      },
//	      "last": {"screen": "exercise", "lesson": "pods-basics", "exercise": "pods-basics/first-pod"}
//	    }
//	  }
//	}
type File struct {
	Version int                `json:"version"`
	Courses map[string]*Course `json:"courses"`
}

// Course is the learner's record for one lesson pack.
type Course struct {
	Updated   time.Time            `json:"updated"`
	Lessons   map[string]*Lesson   `json:"lessons,omitempty"`
	Exercises map[string]*Exercise `json:"exercises,omitempty"`
	// Last is where the learner was, for resuming.
	Last *Location `json:"last,omitempty"`
}

// Lesson is the learner's record for one lesson.
type Lesson struct {
	Read   bool       `json:"read,omitempty"`
	ReadAt *time.Time `json:"readAt,omitempty"`
	Quiz   *Quiz      `json:"quiz,omitempty"`
}

// Quiz is the learner's quiz record for one lesson: the last attempt and
// the best one.
type Quiz struct {
	Score    int       `json:"score"`
	Total    int       `json:"total"`
	Best     int       `json:"best"`
	Attempts int       `json:"attempts"`
	At       time.Time `json:"at"`
}

// Exercise is the learner's record for one exercise.
type Exercise struct {
	Status Status `json:"status"`
	// Hints is how many hints have been revealed (they are revealed in
	// order).
	Hints            int        `json:"hints,omitempty"`
	SolutionRevealed bool       `json:"solutionRevealed,omitempty"`
	StartedAt        *time.Time `json:"startedAt,omitempty"`
	DoneAt           *time.Time `json:"doneAt,omitempty"`
	RevealedAt       *time.Time `json:"revealedAt,omitempty"`
}

// SolvedAfterReveal reports whether the exercise was solved after its
// solution was shown (rather than solved first and looked up after).
func (e Exercise) SolvedAfterReveal() bool {
	return e.Status == Done && e.SolutionRevealed &&
		(e.RevealedAt == nil || e.DoneAt == nil || !e.RevealedAt.After(*e.DoneAt))
}

// Screen names a TUI screen for resuming.
type Screen string

// The screens a learner can resume on.
const (
	ScreenMap      Screen = "map"
	ScreenLesson   Screen = "lesson"
	ScreenExercise Screen = "exercise"
	ScreenQuiz     Screen = "quiz"
)

// Location is a place in the course: a screen and the lesson or exercise it
// shows.
type Location struct {
	Screen   Screen `json:"screen"`
	Lesson   string `json:"lesson,omitempty"`
	Exercise string `json:"exercise,omitempty"`
}
