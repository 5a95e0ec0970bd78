package common

import (
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// CheckState is how a check's status is shown, in the TUI and the CLI.
func CheckState(st result.Status) styles.State {
	switch st {
	case result.Running:
		return styles.StateRunning
	case result.Pass:
		return styles.StatePass
	case result.Fail:
		return styles.StateFail
	case result.Error:
		return styles.StateError
	case result.Skipped:
		return styles.StateSkipped
	}
	return styles.StatePending
}

// ProgressState is how a lesson's or an exercise's progress is shown.
func ProgressState(st progress.Status) styles.State {
	switch st {
	case progress.InProgress:
		return styles.StateInProgress
	case progress.Done:
		return styles.StateDone
	case progress.Revealed:
		return styles.StateRevealed
	}
	return styles.StateNotStarted
}
