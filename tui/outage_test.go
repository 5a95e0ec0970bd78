package tui

import (
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// TestOutageShowsInTheHeaderAndClears: when live grading loses the API
// server, the checks are environment errors and the header says the lab
// does not answer; the next normal report puts "lab ready" back.
func TestOutageShowsInTheHeaderAndClears(t *testing.T) {
	a := newApp(t, 120, 40, withLab(result.Pass))
	a.Press("enter", "enter")
	a.contains(t, "lab ready")
	ex := a.exercise("pods-basics/first-pod")

	outage := tuitest.Uniform(ex, result.Error)
	outage.Unreachable = "the cluster's API server is not answering (no answer within 3s)"
	for i := range outage.Results {
		outage.Results[i].Detail = outage.Unreachable + ": this is the lab, not your answer"
	}
	a.grader.Push(outage)
	a.Send()
	a.contains(t, "lab not answering", "not your answer")
	a.lacks(t, "lab ready")

	a.grader.Push(tuitest.Uniform(ex, result.Pass))
	a.Send()
	a.contains(t, "lab ready")
	a.lacks(t, "lab not answering")
}
