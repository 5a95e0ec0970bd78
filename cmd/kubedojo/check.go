package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// checkJSONVersion versions the documented JSON of "kubedojo check --json".
const checkJSONVersion = 1

// checkJSON is one report of "kubedojo check --json" (one per line with
// --watch). Fields are only ever added, never renamed or removed.
type checkJSON struct {
	Version  int             `json:"version"`
	Exercise string          `json:"exercise"`
	Title    string          `json:"title"`
	Status   string          `json:"status"` // pass, fail, error or unavailable
	Summary  checkSummary    `json:"summary"`
	Checks   []checkResultJS `json:"checks"`
	Time     time.Time       `json:"time"`
	Trigger  string          `json:"trigger,omitempty"`
	// Error says why nothing could be graded (no cluster, the API server
	// not answering); every check is then an error.
	Error string `json:"error,omitempty"`
}

type checkSummary struct {
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Error   int `json:"error"`
	Skipped int `json:"skipped"`
	Total   int `json:"total"`
}

type checkResultJS struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	Message    string `json:"message,omitempty"`
	Detail     string `json:"detail,omitempty"`
	DurationMS int64  `json:"durationMs"`
}

func reportJSON(ex *lessons.Exercise, r result.Report) checkJSON {
	c := r.Counts()
	out := checkJSON{Version: checkJSONVersion, Exercise: ex.ID, Title: ex.Title, Status: string(r.Outcome()), Time: r.Time.UTC(), Trigger: r.Trigger,
		Summary: checkSummary{Pass: c.Pass, Fail: c.Fail, Error: c.Error, Skipped: c.Skipped, Total: len(r.Results)}, Error: r.Unreachable}
	for _, res := range r.Results {
		out.Checks = append(out.Checks, checkResultJS{ID: res.ID, Title: res.Title, Status: string(res.Status),
			Message: res.Message, Detail: res.Detail, DurationMS: res.Duration.Milliseconds()})
	}
	return out
}

// exitFor is the documented exit code of a report's outcome.
func exitFor(r result.Report) int { return r.Outcome().ExitCode() }

// theme is the TUI's theme, for the CLI too: a state has the same glyph and
// colour in both. On a terminal it asks once for the background, as the
// TUI does; elsewhere the colours are dropped anyway, and the dark theme
// (the TUI's until its terminal answers) stands.
var theme = sync.OnceValue(func() *styles.Styles {
	dark := true
	if isTerminal(os.Stdout) && isTerminal(os.Stdin) {
		dark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	}
	return styles.New(dark)
})

// printReport writes a report for people. Styles become escape codes only
// on a terminal, without NO_COLOR.
func printReport(w io.Writer, ex *lessons.Exercise, r result.Report) {
	lipgloss.Fprint(w, reportText(ex, r))
}

// reportText renders a report with styles; multi-line details (command
// output) stay indented under their check.
func reportText(ex *lessons.Exercise, r result.Report) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	line(lipgloss.NewStyle().Bold(true).Render(ex.ID) + " — " + ex.Title)
	for _, res := range r.Results {
		line("  " + theme().Mark(common.CheckState(res.Status)) + " " + res.Title)
		if res.Status == result.Fail {
			if res.Message != "" {
				line(indented(res.Message, lipgloss.NewStyle()))
			}
			if res.Detail != "" {
				line(indented(res.Detail, theme().Muted))
			}
		}
		if res.Status == result.Error {
			line(indented(theme().Error.Render("environment problem (not your answer): ")+res.Detail, lipgloss.NewStyle()))
		}
		if res.Status == result.Skipped && r.Outcome() != result.Unavailable {
			line(indented(res.Detail, theme().Muted))
		}
	}
	c := r.Counts()
	summary := fmt.Sprintf("%d/%d checks pass", c.Pass, len(r.Results))
	switch {
	case r.Passed():
		summary = theme().Pass.Render("solved: ") + summary
	case r.Outcome() == result.Unavailable:
		// Every check has the same reason: say it once.
		summary = theme().Error.Render("not checked: ") + r.Results[0].Detail
	case c.Error > 0:
		summary += theme().Error.Render(fmt.Sprintf("; %d could not be checked (environment)", c.Error))
	}
	line(summary)
	return b.String()
}

// indented renders text under a check, each line styled on its own so that
// a block keeps its indentation and no line is padded.
func indented(text string, style lipgloss.Style) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "      " + style.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// waitingNotice tells a person on a terminal what check waits for; to a
// pipe or a file it says nothing (scripts read the report).
func waitingNotice(w io.Writer, tty bool) func(checks.Waiting) {
	return func(wt checks.Waiting) {
		if !tty {
			return
		}
		n := fmt.Sprintf("%d checks", len(wt.Checks))
		if len(wt.Checks) == 1 {
			n = "1 check"
		}
		what := strings.Join(wt.Checks, ", ")
		if len(wt.Why) == len(wt.Checks) {
			parts := make([]string, len(wt.Checks))
			for i, id := range wt.Checks {
				parts[i] = id + ": " + wt.Why[i]
			}
			what = strings.Join(parts, "; ")
		}
		fmt.Fprintf(w, "waiting up to %s for %s (%s); --no-wait to skip\n", wt.UpTo.Round(time.Second), n, what)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// reportPrinter writes the reports of one check command. With --watch it
// writes a report only when the result changed: a retry that finds the
// same failure prints nothing.
type reportPrinter struct {
	w           io.Writer
	ex          *lessons.Exercise
	json, watch bool
	last        []result.Result
}

// emitReport prints a report, then records what it means for the
// learner's progress (and class): recording reads the progress file, may
// wait for another kubedojo's save and reports over the network, and the
// report (check --watch: the moment a check turns green) waits for none of
// it.
func emitReport(ctx context.Context, p *reportPrinter, record *attempts, ex *lessons.Exercise) func(result.Report) {
	return func(r result.Report) {
		p.print(r)
		record.graded(ctx, ex, r)
	}
}

func (p *reportPrinter) print(r result.Report) {
	if p.watch {
		if p.last != nil && sameResults(p.last, r.Results) {
			return
		}
		p.last = append([]result.Result(nil), r.Results...)
	}
	if p.json {
		b, _ := json.Marshal(reportJSON(p.ex, r))
		fmt.Fprintln(p.w, string(b))
		return
	}
	text := reportText(p.ex, r)
	if p.watch {
		text = fmt.Sprintf("\n%s %s\n", theme().Muted.Render(r.Time.Format("15:04:05")), theme().Muted.Render(strings.TrimPrefix(r.Trigger, "change: "))) + text
	}
	lipgloss.Fprint(p.w, text)
}

// sameResults reports whether two reports say the same: each check's
// status and explanation, not when or how fast it was evaluated.
func sameResults(a, b []result.Result) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Says(b[i]) {
			return false
		}
	}
	return true
}

func newCheckCmd(opts *options) *cobra.Command {
	var asJSON, watch, noWait bool
	cmd := &cobra.Command{
		Use:   "check EXERCISE",
		Short: "Grade an exercise on the lab, without the TUI",
		Long: `check evaluates every check of an exercise on the live cluster and prints
each result; failing checks say what was expected and what was found. Checks
that converge over time (a rollout, a Job) are waited for as the exercise
allows, unless --no-wait; a failing check is not waited for while nothing it
reads is changing (its object does not exist, say). On a terminal, check
says on stderr what it waits for.

Exit status: 0 all checks pass, 1 some fail, 2 environment error (no cluster,
API unreachable, permission denied) — never a wrong answer.

--json prints one JSON object (with --watch, one per line, each time the
result changes):
  {"version":1,"exercise":"pods-basics/first-pod","title":"…","status":"fail",
   "summary":{"pass":3,"fail":2,"error":0,"skipped":0,"total":5},
   "checks":[{"id":"image","title":"…","status":"fail","message":"…",
              "detail":"…","durationMs":12}],
   "time":"2026-11-25T12:00:00Z"}
status is pass, fail, error or unavailable (the lab cannot run the exercise:
a missing worker, add-on or node access; every check is skipped with the
reason, exit status 2); each check's status is pass, fail, error or skipped.
When nothing can be graded (no cluster, the API server not answering, also
for a while during --watch) status is error, every check is an error and
"error" says why. Fields are only ever added in version 1.`,
		Example: `  kubedojo lab reset pods-basics/first-pod    # set it up
  kubedojo check pods-basics/first-pod
  kubedojo check pods-basics/first-pod --json | jq .summary
  kubedojo check pods-basics/first-pod --watch`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ex, s, err := opts.exerciseSession(cmd.Context(), args[0])
			if err != nil && ex != nil && asJSON {
				// Scripts read stdout: say there, too, that nothing could
				// be graded.
				r := session.ErrorReport(ex, err)
				r.Unreachable = err.Error()
				(&reportPrinter{w: cmd.OutOrStdout(), ex: ex, json: true}).print(r)
			}
			if err != nil {
				return err
			}
			p := &reportPrinter{w: cmd.OutOrStdout(), ex: ex, json: asJSON, watch: watch}
			if err := s.Unavailable(cmd.Context(), ex); errors.Is(err, lab.ErrUnavailable) {
				p.print(session.ErrorReport(ex, err))
				return withCode(exitEnv, errSilent)
			} else if err != nil {
				return withCode(exitEnv, err)
			}
			record := opts.attempts(cmd.Context(), cmd.ErrOrStderr())
			emit := emitReport(cmd.Context(), p, record, ex)
			if watch {
				var last result.Report
				err := s.Grader.Watch(cmd.Context(), ex, func(r result.Report) {
					last = r
					emit(r)
				})
				if err != nil {
					return withCode(exitEnv, err)
				}
				return withCode(exitFor(last), errSilent)
			}
			var rep result.Report
			if noWait {
				rep = s.Grader.Evaluate(cmd.Context(), ex)
			} else {
				stderr := cmd.ErrOrStderr()
				rep = s.Grader.Converge(cmd.Context(), ex, 0, 2*time.Second, checks.WithWaiting(waitingNotice(stderr, isTerminal(stderr))))
			}
			emit(rep)
			if code := exitFor(rep); code != exitOK {
				return withCode(code, errSilent)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (documented above)")
	cmd.Flags().BoolVar(&watch, "watch", false, "keep watching the cluster and print each new result until interrupted")
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "report at once, without waiting for converging checks")
	return cmd
}
