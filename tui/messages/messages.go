// Package messages holds the Bubble Tea messages that pages and the root
// send each other: navigation, errors and notices, and changes in shared
// state. It imports nothing of the TUI, so every package can use it.
package messages

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/lessons"
)

// OpenLessonMsg opens a lesson's reading on top of the current page.
type OpenLessonMsg struct{ Lesson *lessons.Lesson }

// OpenExerciseMsg opens an exercise. With Replace it takes the current
// page's place (moving on to the next exercise) instead of stacking on it.
type OpenExerciseMsg struct {
	Exercise *lessons.Exercise
	Replace  bool
}

// OpenQuizMsg opens a lesson's quiz, replacing the current page if Replace.
type OpenQuizMsg struct {
	Lesson  *lessons.Lesson
	Replace bool
}

// StartExamMsg opens the mock exam: the one in progress, or a new one;
// Clean first removes the tasks earlier exams left on the lab (the learner
// agreed to it).
type StartExamMsg struct{ Clean bool }

// ExamLeftoversMsg says a new exam was not started because Tasks tasks of
// earlier exams, with the learner's work, are still on the lab: the page
// that asked for the exam asks whether to remove them.
type ExamLeftoversMsg struct{ Tasks int }

// BackMsg closes the current page.
type BackMsg struct{}

// ErrorMsg is a recoverable problem shown on the status line. Err should say
// what to do about it.
type ErrorMsg struct{ Err error }

// NoticeMsg is information shown on the status line.
type NoticeMsg struct{ Text string }

// ThemeChangedMsg tells pages that the styles were rebuilt for a new
// background colour, so rendered text must be rendered again.
type ThemeChangedMsg struct{}

// LabChangedMsg tells pages that Common.LabState changed.
type LabChangedMsg struct{}

// LabAnswersMsg reports, from live grading, whether the lab's API server
// answers: Unreachable says why not, "" means it answers (again).
type LabAnswersMsg struct{ Unreachable string }

// VarsChangedMsg tells pages that Common.Vars arrived, so text with
// template variables must be expanded again.
type VarsChangedMsg struct{}

// Cmd wraps a message in a command.
func Cmd(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}
