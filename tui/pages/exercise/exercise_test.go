package exercise

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

const first = "pods-basics/first-pod"

type fixture struct {
	*tuitest.Driver
	c      *common.Common
	page   *Model
	grader *tuitest.Grader
	lab    *tuitest.Lab
}

// open opens the exercise on a ready lab whose grader reports st.
func open(t *testing.T, id string, st result.Status, prepare ...func(*common.Common)) *fixture {
	t.Helper()
	c := tuitest.NewCommon(t)
	f := &fixture{c: c, grader: tuitest.NewGrader(st), lab: tuitest.ReadyLab()}
	c.Grader, c.Lab = f.grader, f.lab
	c.LabState = common.LabState{Ready: true}
	for _, p := range prepare {
		p(c)
	}
	f.page = New(c, c.Course.Exercise(id))
	f.Driver = tuitest.NewDriver(t, tuitest.PageModel{Page: f.page}, 80, 30)
	return f
}

func (f *fixture) record() progress.Exercise { return f.c.Progress.Exercise(f.page.ex.ID) }

// TestFirstOpenSetsUpThenWatches: the first open sets the exercise up
// (which never deletes an attempt), never resets it: the learner may have
// set it up and solved it from the command line.
func TestFirstOpenSetsUpThenWatches(t *testing.T) {
	f := open(t, first, result.Fail)
	if got := f.lab.SetUps(); len(got) != 1 {
		t.Fatalf("set-ups = %v, want one", got)
	}
	if got := f.lab.Resets(); len(got) != 0 {
		t.Fatalf("resets = %v on the first open: an attempt made outside the TUI would be lost", got)
	}
	if f.record().Status != progress.InProgress {
		t.Errorf("status = %s after set-up", f.record().Status)
	}
	if f.grader.Watching(first) != 1 {
		t.Fatal("not watching")
	}
	f.page.Close()
	f.Send()
	if n := f.grader.Watching(first); n != 0 {
		t.Errorf("%d watches still running after leaving", n)
	}
}

func TestReopenDoesNotResetTheLearnersWork(t *testing.T) {
	f := open(t, first, result.Fail, func(c *common.Common) { c.Progress.StartExercise(first) })
	if got := f.lab.Resets(); len(got) != 0 {
		t.Errorf("reopening an exercise in progress reset it: %v", got)
	}
	if f.grader.Watching(first) != 1 {
		t.Error("not watching")
	}
}

func TestLiveReportsAndDone(t *testing.T) {
	f := open(t, first, result.Fail)
	ex := f.page.ex
	if !strings.Contains(f.View(), "0/3 pass") {
		t.Fatalf("first report not shown:\n%s", f.View())
	}
	partial := tuitest.Uniform(ex, result.Fail)
	partial.Results[0].Status = result.Pass
	f.grader.Push(partial)
	f.Send()
	if !strings.Contains(f.View(), "1/3 pass") {
		t.Errorf("second report not shown:\n%s", f.View())
	}
	if f.record().Status == progress.Done {
		t.Fatal("done before all checks pass")
	}
	f.grader.Push(tuitest.Uniform(ex, result.Pass))
	f.Send()
	if rec := f.record(); rec.Status != progress.Done || rec.DoneAt == nil {
		t.Errorf("record = %+v, want done", rec)
	}
	if !strings.Contains(f.View(), "exercise done") {
		t.Errorf("no done banner:\n%s", f.View())
	}
}

func TestEnvironmentErrorsAreNotWrongAnswers(t *testing.T) {
	f := open(t, first, result.Error)
	v := f.View()
	if !strings.Contains(v, "could not run") || !strings.Contains(v, "environment problem, not your answer") {
		t.Errorf("errors not explained as environment problems:\n%s", v)
	}
	if strings.Contains(v, "✘") {
		t.Errorf("an environment error is drawn as a failed check:\n%s", v)
	}
}

func TestReportsOfAnOldWatchAreIgnored(t *testing.T) {
	f := open(t, first, result.Fail)
	old := f.page.watch.seq
	f.Press("c") // a one-shot check keeps the watch
	f.page.startWatch()
	f.Send(reportMsg{page: f.page.id, watch: old, report: tuitest.Uniform(f.page.ex, result.Pass)})
	if f.record().Status == progress.Done {
		t.Error("a report from a cancelled watch marked the exercise done")
	}
	f.Send(reportMsg{page: f.page.id + 100, report: tuitest.Uniform(f.page.ex, result.Pass)})
	if f.record().Status == progress.Done {
		t.Error("another page's report marked the exercise done")
	}
}

func TestHintsOneAtATime(t *testing.T) {
	f := open(t, first, result.Fail)
	hints := len(f.page.ex.Hints)
	for i := 1; i <= hints; i++ {
		f.Press("h")
		if got := f.record().Hints; got != i {
			t.Fatalf("after %d presses %d hints revealed", i, got)
		}
	}
	f.Press("h")
	if got := f.record().Hints; got != hints {
		t.Errorf("hints went past the last: %d", got)
	}
	if n := len(tuitest.SeenOf[messages.NoticeMsg](f.Driver)); n != 1 {
		t.Errorf("%d notices after the last hint, want one saying there are no more", n)
	}
}

func TestSolutionNeedsConfirmation(t *testing.T) {
	f := open(t, first, result.Fail)
	f.Press("S", "n")
	if f.record().SolutionRevealed || strings.Contains(f.View(), "Solution") {
		t.Fatal("answering no revealed the solution")
	}
	f.Press("S", "esc")
	if f.record().SolutionRevealed {
		t.Fatal("esc revealed the solution")
	}
	f.Press("S", "y")
	if rec := f.record(); !rec.SolutionRevealed || rec.Status != progress.Revealed {
		t.Errorf("record = %+v, want the solution recorded as revealed", rec)
	}
	if !strings.Contains(strings.Join(strings.Fields(f.page.reader.View()), " "), "kubectl -n pod-1 run web") {
		t.Errorf("solution not shown:\n%s", f.View())
	}
	f.Press("S")
	if f.page.confirm.Open() {
		t.Error("a revealed solution asks again")
	}
}

func TestResetAfterConfirmation(t *testing.T) {
	f := open(t, first, result.Fail)
	f.Press("r", "n")
	if n := len(f.lab.Resets()); n != 0 {
		t.Fatalf("declined reset ran: %d resets", n)
	}
	f.Press("r", "y")
	if n := len(f.lab.Resets()); n != 1 {
		t.Errorf("confirmed reset did not run: %d resets", n)
	}
	if got := tuitest.SeenOf[messages.NoticeMsg](f.Driver); len(got) != 1 {
		t.Errorf("notices = %v, want the reset announced", got)
	}
}

func TestSetupFailureIsShownWithTheFix(t *testing.T) {
	f := open(t, first, result.Fail, func(c *common.Common) {
		c.Lab.(*tuitest.Lab).SetUpErr = errors.New("namespace pod-1 is stuck terminating")
	})
	v := strings.Join(strings.Fields(f.View()), " ")
	if !strings.Contains(v, "Setting up the exercise failed (environment problem): namespace pod-1 is stuck terminating. Press r to try again.") {
		t.Errorf("set-up failure not explained:\n%s", f.View())
	}
	if f.grader.Watching(first) != 0 {
		t.Error("grading started although the set-up failed")
	}
	if f.record().Status != progress.NotStarted {
		t.Error("a failed set-up started the exercise")
	}
	f.lab.SetUpErr = nil
	f.Press("r", "y")
	if f.record().Status != progress.InProgress || f.grader.Watching(first) != 1 {
		t.Errorf("after a successful retry: status %s, %d watches", f.record().Status, f.grader.Watching(first))
	}
}

func TestShellThenRegrade(t *testing.T) {
	f := open(t, first, result.Fail)
	f.lab.ShellCmd = exec.Command("true")
	before := f.grader.Evaluations
	f.Press("s")
	execs := 0
	for _, m := range f.Seen {
		if fmt.Sprintf("%T", m) == "tea.execMsg" {
			execs++
		}
	}
	if execs != 1 {
		t.Fatalf("the shell was not run with tea.ExecProcess (messages: %v)", f.Seen)
	}
	f.Send(shellDoneMsg{page: f.page.id, err: &exec.ExitError{}})
	if f.grader.Evaluations != before+1 {
		t.Errorf("no re-grade after the shell (%d evaluations)", f.grader.Evaluations)
	}
	if n := len(tuitest.SeenOf[messages.ErrorMsg](f.Driver)); n != 0 {
		t.Errorf("an exit status was reported as an error")
	}
	f.Send(shellDoneMsg{page: f.page.id, err: errors.New("exec: \"zsh\": not found")})
	if n := len(tuitest.SeenOf[messages.ErrorMsg](f.Driver)); n != 1 {
		t.Errorf("a shell that could not start was not reported")
	}
}

func TestActionsNeedTheLab(t *testing.T) {
	c := tuitest.NewCommon(t)
	p := New(c, c.Course.Exercise(first))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: p}, 80, 24)
	d.Press("s", "r", "c")
	if n := len(tuitest.SeenOf[messages.ErrorMsg](d)); n != 3 {
		t.Errorf("%d errors, want one per action explaining there is no lab", n)
	}
	if c.Progress.Exercise(first).Status != progress.NotStarted {
		t.Error("opening without a lab started the exercise")
	}
}

func TestNextGoesThroughTheLesson(t *testing.T) {
	f := open(t, first, result.Fail)
	f.Press("n")
	got := tuitest.SeenOf[messages.OpenExerciseMsg](f.Driver)
	if len(got) != 1 || got[0].Exercise.ID != "pods-basics/labels" || !got[0].Replace {
		t.Errorf("n opened %+v, want the next exercise in place", got)
	}
	g := open(t, "pods-basics/labels", result.Fail)
	g.Press("n")
	if q := tuitest.SeenOf[messages.OpenQuizMsg](g.Driver); len(q) != 1 || !q[0].Replace {
		t.Errorf("n after the last exercise opened %+v, want the quiz", q)
	}
}

func TestDocumentExpandsOnlyKnownVars(t *testing.T) {
	c := tuitest.NewCommon(t)
	ex := c.Course.Exercise(first)
	doc := document(ex, 1, true, c.Expand)
	for _, want := range []string{"# Run your first pod", "namespace `pod-1`", "## Hints (1 of 3)", "## Solution", "```sh\nkubectl -n pod-1 run web --image=nginx:1.27\n```", "{{NODE}}"} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "Do not forget") {
		t.Error("an unrevealed hint is in the document")
	}
}

// TestProgressiveReportsShowEachCheck feeds the reports of a grader that
// reports each check as it finishes: a running check says so on its own
// row while the others already show their result, and a check that had a
// result keeps it (marked as being checked again) instead of going back
// to pending.
func TestProgressiveReportsShowEachCheck(t *testing.T) {
	f := open(t, first, result.Fail)
	ex := f.page.ex
	final := tuitest.Uniform(ex, result.Fail)
	final.Results[0].Status, final.Results[0].Message, final.Results[0].Detail = result.Pass, "", ""
	steps := tuitest.Progression(final)

	f.grader.Push(steps[1]) // the first check passed, two still run
	f.Send()
	rows := checkRows(f.page.checks.View())
	if !strings.HasPrefix(rows[0], "✔ pod web exists") {
		t.Errorf("the finished check is not shown passed: %q", rows[0])
	}
	for _, r := range rows[1:] {
		if !strings.Contains(r, "checking…") {
			t.Errorf("a running check does not say it is being checked: %q", r)
		}
	}
	if s := ansi.Strip(f.page.checks.Summary()); !strings.Contains(s, "2 checking") {
		t.Errorf("summary %q does not count the running checks", s)
	}

	f.grader.Push(steps[len(steps)-1])
	f.Send()
	f.grader.Push(steps[0]) // the next evaluation starts: everything runs again
	f.Send()
	rows = checkRows(f.page.checks.View())
	for i, want := range []string{"✔ pod web exists", "✘ web runs nginx:1.27", "✘ web is ready"} {
		if !strings.HasPrefix(rows[i], want) || !strings.Contains(rows[i], "checking…") {
			t.Errorf("row %d = %q, want the last result %q marked as checking again", i, rows[i], want)
		}
	}
	pending := tuitest.Uniform(ex, result.Pending)
	f.grader.Push(pending)
	f.Send()
	rows = checkRows(f.page.checks.View())
	if !strings.HasPrefix(rows[0], "✔ pod web exists") || !strings.HasPrefix(rows[1], "✘") {
		t.Errorf("a final result went back to pending: %q", rows)
	}
	if f.record().Status == progress.Done {
		t.Error("done although a check failed")
	}
}

// checkRows returns the title rows of a check list view (not the detail
// lines under them).
func checkRows(view string) []string {
	var rows []string
	for _, l := range strings.Split(ansi.Strip(view), "\n") {
		if !strings.HasPrefix(l, " ") {
			rows = append(rows, l)
		}
	}
	return rows
}

// fakeTmux writes a tmux stand-in that records its arguments and its
// stdin, one file each, and returns its path.
func fakeTmux(t *testing.T) (bin, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	bin, argsFile = filepath.Join(dir, "tmux"), filepath.Join(dir, "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + argsFile + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, argsFile
}

// TestShellBesideInTmux opens the exercise shell in a tmux pane beside the
// TUI: the same command the shell key runs, in its directory and with its
// environment, so the task and the live checks stay in view.
func TestShellBesideInTmux(t *testing.T) {
	bin, argsFile := fakeTmux(t)
	f := open(t, first, result.Fail, func(c *common.Common) {
		c.Terminal = common.Terminal{Tmux: bin, Pane: "%3"}
	})
	shell := exec.Command("/bin/bash", "-l")
	shell.Dir = "/lab"
	shell.Env = []string{"HOME=/home/learner", "KUBECONFIG=/state/kubeconfig", "TMUX=/tmp/tmux-0/default,1,0", "TMUX_PANE=%3"}
	f.lab.ShellCmd = shell
	if !strings.Contains(helpText(f.page.ShortHelp()), "t side shell") {
		t.Errorf("help does not offer the side shell: %s", helpText(f.page.ShortHelp()))
	}
	f.Press("t")
	out, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatalf("tmux was not run: %v (messages %v)", err, f.Seen)
	}
	want := "split-window\n-h\n-t\n%3\n-c\n/lab\n-e\nHOME=/home/learner\n-e\nKUBECONFIG=/state/kubeconfig\n--\n/bin/bash\n-l\n"
	if string(out) != want {
		t.Errorf("tmux arguments:\n%s\nwant:\n%s", out, want)
	}
	if n := len(tuitest.SeenOf[messages.NoticeMsg](f.Driver)); n != 1 {
		t.Errorf("%d notices, want one saying where the shell opened", n)
	}
	if f.grader.Watching(first) != 1 {
		t.Error("live grading stopped while the side shell runs")
	}
}

// TestSecondTerminalOutsideTmux: without tmux the key explains how to work
// with two terminals, naming the command for the second one.
func TestSecondTerminalOutsideTmux(t *testing.T) {
	f := open(t, first, result.Fail, func(c *common.Common) {
		c.SecondTerminal = func(id string) string { return "kubedojo --state-dir /s lab shell " + id }
	})
	f.Press("t")
	notices := tuitest.SeenOf[messages.NoticeMsg](f.Driver)
	if len(notices) != 1 || !strings.Contains(notices[0].Text, "kubedojo --state-dir /s lab shell "+first) || !strings.Contains(notices[0].Text, "second terminal") {
		t.Errorf("notices %+v, want how to use a second terminal", notices)
	}
	if !strings.Contains(helpText(f.page.FullHelp()...), "second terminal") {
		t.Errorf("full help does not mention the second terminal: %s", helpText(f.page.FullHelp()...))
	}
}

func helpText(groups ...[]key.Binding) string {
	var b []string
	for _, g := range groups {
		for _, k := range g {
			b = append(b, k.Help().Key+" "+k.Help().Desc)
		}
	}
	return strings.Join(b, " • ")
}
