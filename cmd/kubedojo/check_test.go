package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// TestPrintReportIndentsMultiLineDetails: command output shown under a
// failure stays indented under it.
func TestPrintReportIndentsMultiLineDetails(t *testing.T) {
	ex := &lessons.Exercise{ID: "l/e", Title: "E"}
	r := result.Report{Results: []result.Result{{Title: "dns", Status: result.Fail, Message: "m",
		Detail: "`nslookup x` failed with exit code 1; its output:\n  Server: 1\n\n  Address: 2"}}}
	var b bytes.Buffer
	printReport(&b, ex, r)
	want := "l/e — E\n  ✘ dns\n      m\n      `nslookup x` failed with exit code 1; its output:\n        Server: 1\n\n        Address: 2\n0/1 checks pass\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func failingReport(detail string) result.Report {
	return result.Report{Exercise: "l/e", Trigger: "retry", Results: []result.Result{
		{ID: "a", Title: "a", Status: result.Pass},
		{ID: "b", Title: "b", Status: result.Fail, Message: "m", Detail: detail}}}
}

// TestWatchPrintsOnlyChanges: check --watch prints a report when the result
// changes, not when a retry finds the same failure again.
func TestWatchPrintsOnlyChanges(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		var b bytes.Buffer
		p := &reportPrinter{w: &b, ex: &lessons.Exercise{ID: "l/e", Title: "E"}, json: asJSON, watch: true}
		p.print(failingReport("found 1"))
		n := b.Len()
		again := failingReport("found 1")
		again.Results[0].Duration = 5
		p.print(again)
		if b.Len() != n {
			t.Fatalf("json=%v: an identical result was printed again:\n%s", asJSON, b.String()[n:])
		}
		p.print(failingReport("found 2"))
		if b.Len() == n {
			t.Fatalf("json=%v: a changed result was not printed", asJSON)
		}
	}
}

// TestReportStylesOnlyOnATerminal: text output to a pipe has no escape
// codes; colour appears only on a terminal (forced here) and never with
// NO_COLOR.
func TestReportStylesOnlyOnATerminal(t *testing.T) {
	print := func() string {
		var b bytes.Buffer
		p := &reportPrinter{w: &b, ex: &lessons.Exercise{ID: "l/e", Title: "E"}, watch: true}
		p.print(failingReport("found 1"))
		return b.String()
	}
	if out := print(); strings.Contains(out, "\x1b") {
		t.Fatalf("escape codes in a pipe: %q", out)
	}
	// colorprofile treats the output as a terminal with TTY_FORCE.
	t.Setenv("TTY_FORCE", "1")
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	if out := print(); !strings.Contains(out, "\x1b[38;5;") {
		t.Fatalf("no colour on a terminal: %q", out)
	}
	t.Setenv("NO_COLOR", "1")
	if out := print(); strings.Contains(out, "\x1b[3") {
		t.Fatalf("colour despite NO_COLOR: %q", out)
	}
}

// TestWaitingNotice: on a terminal, check says what it waits for.
func TestWaitingNotice(t *testing.T) {
	var b bytes.Buffer
	notice := waitingNotice(&b, true)
	notice(checks.Waiting{Checks: []string{"ready", "traffic"}, UpTo: 29600 * time.Millisecond})
	notice(checks.Waiting{Checks: []string{"traffic"}, UpTo: 1500 * time.Millisecond})
	want := "waiting up to 30s for 2 checks (ready, traffic); --no-wait to skip\nwaiting up to 2s for 1 check (traffic); --no-wait to skip\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	notice(checks.Waiting{Checks: []string{"ready", "node"}, UpTo: 20 * time.Second, Why: []string{"pod web is starting", "node worker is not Ready (unknown) and may be coming back"}})
	want = "waiting up to 20s for 2 checks (ready: pod web is starting; node: node worker is not Ready (unknown) and may be coming back); --no-wait to skip\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	waitingNotice(&b, false)(checks.Waiting{Checks: []string{"ready"}, UpTo: time.Second})
	if b.Len() != 0 {
		t.Fatalf("a notice outside a terminal: %q", b.String())
	}
}

// TestCLIMarksAreTheTUIs: a check's status has the same glyph and colour
// in kubedojo check as in the TUI's checklist.
func TestCLIMarksAreTheTUIs(t *testing.T) {
	theme := styles.New(true)
	for _, st := range []result.Status{result.Pass, result.Fail, result.Error, result.Skipped, result.Pending} {
		out := reportText(&lessons.Exercise{ID: "l/e", Title: "E"}, result.Report{Results: []result.Result{{Title: "t", Status: st}}})
		if want := theme.Mark(common.CheckState(st)) + " t"; !strings.Contains(out, want) {
			t.Errorf("%s: the CLI's line\n%q\nlacks the TUI's mark %q", st, out, want)
		}
	}
}
