package common

import (
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// TestStatusesHaveMarksOfTheirOwn: no two check statuses, and no two
// progress statuses, are shown with the same mark.
func TestStatusesHaveMarksOfTheirOwn(t *testing.T) {
	checks := map[styles.State]result.Status{}
	for _, st := range []result.Status{result.Pending, result.Running, result.Pass, result.Fail, result.Error, result.Skipped} {
		if other, dup := checks[CheckState(st)]; dup {
			t.Errorf("check statuses %s and %s look the same", other, st)
		}
		checks[CheckState(st)] = st
	}
	prog := map[styles.State]progress.Status{}
	for _, st := range []progress.Status{progress.NotStarted, progress.InProgress, progress.Done, progress.Revealed} {
		if other, dup := prog[ProgressState(st)]; dup {
			t.Errorf("progress statuses %s and %s look the same", other, st)
		}
		prog[ProgressState(st)] = st
	}
}
