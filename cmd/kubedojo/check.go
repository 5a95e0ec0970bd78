package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lessons"
)

// checkJSONVersion versions the documented JSON of "kubedojo check --json".
const checkJSONVersion = 1

// checkJSON is one report of "kubedojo check --json" (one per line with
// --watch). Fields are only ever added, never renamed or removed.
type checkJSON struct {
	Version  int             `json:"version"`
	Exercise string          `json:"exercise"`
	Title    string          `json:"title"`
	Status   string          `json:"status"` // pass, fail or error
	Summary  checkSummary    `json:"summary"`
	Checks   []checkResultJS `json:"checks"`
	Time     time.Time       `json:"time"`
	Trigger  string          `json:"trigger,omitempty"`
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

// overall is pass when every check passes, error when any check could not
// be evaluated, and fail otherwise.
func overall(r checks.Report) string {
	switch {
	case r.Passed():
		return "pass"
	case r.HasErrors():
		return "error"
	}
	return "fail"
}

func reportJSON(ex *lessons.Exercise, r checks.Report) checkJSON {
	c := r.Counts()
	out := checkJSON{Version: checkJSONVersion, Exercise: ex.ID, Title: ex.Title, Status: overall(r), Time: r.Time.UTC(), Trigger: r.Trigger,
		Summary: checkSummary{Pass: c.Pass, Fail: c.Fail, Error: c.Error, Skipped: c.Skipped, Total: len(r.Results)}}
	for _, res := range r.Results {
		out.Checks = append(out.Checks, checkResultJS{ID: res.ID, Title: res.Title, Status: string(res.Status),
			Message: res.Message, Detail: res.Detail, DurationMS: res.Duration.Milliseconds()})
	}
	return out
}

func exitFor(r checks.Report) int {
	switch overall(r) {
	case "pass":
		return exitOK
	case "error":
		return exitEnv
	}
	return exitFail
}

var (
	passStyle  = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	failStyle  = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	errorStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
	faintStyle = lipgloss.NewStyle().Faint(true)
)

// printReport writes a report for people.
func printReport(w io.Writer, ex *lessons.Exercise, r checks.Report) {
	lipgloss.Fprintln(w, lipgloss.NewStyle().Bold(true).Render(ex.ID)+" — "+ex.Title)
	for _, res := range r.Results {
		var mark string
		switch res.Status {
		case checks.Pass:
			mark = passStyle.Render("✓")
		case checks.Fail:
			mark = failStyle.Render("✗")
		case checks.Error:
			mark = errorStyle.Render("!")
		default:
			mark = faintStyle.Render("·")
		}
		lipgloss.Fprintln(w, "  "+mark+" "+res.Title)
		if res.Status == checks.Fail {
			if res.Message != "" {
				lipgloss.Fprintln(w, "      "+res.Message)
			}
			if res.Detail != "" {
				lipgloss.Fprintln(w, "      "+faintStyle.Render(res.Detail))
			}
		}
		if res.Status == checks.Error {
			lipgloss.Fprintln(w, "      "+errorStyle.Render("environment problem (not your answer): ")+res.Detail)
		}
	}
	c := r.Counts()
	summary := fmt.Sprintf("%d/%d checks pass", c.Pass, len(r.Results))
	switch {
	case r.Passed():
		summary = passStyle.Render("solved: ") + summary
	case c.Error > 0:
		summary += errorStyle.Render(fmt.Sprintf("; %d could not be checked (environment)", c.Error))
	}
	lipgloss.Fprintln(w, summary)
}

func newCheckCmd(opts *options) *cobra.Command {
	var asJSON, watch, noWait bool
	cmd := &cobra.Command{
		Use:   "check EXERCISE",
		Short: "Grade an exercise on the lab, without the TUI",
		Long: `check evaluates every check of an exercise on the live cluster and prints
each result; failing checks say what was expected and what was found. Checks
that converge over time (a rollout, a Job) are waited for as the exercise
allows, unless --no-wait.

Exit status: 0 all checks pass, 1 some fail, 2 environment error (no cluster,
API unreachable, permission denied) — never a wrong answer.

--json prints one JSON object (with --watch, one per line, each time the
result changes):
  {"version":1,"exercise":"pods-basics/first-pod","title":"…","status":"fail",
   "summary":{"pass":3,"fail":2,"error":0,"skipped":0,"total":5},
   "checks":[{"id":"image","title":"…","status":"fail","message":"…",
              "detail":"…","durationMs":12}],
   "time":"2026-11-25T12:00:00Z"}
status is pass, fail or error; each check's status is pass, fail, error or
skipped. Fields are only ever added in version 1.`,
		Example: `  kubedojo lab reset pods-basics/first-pod    # set it up
  kubedojo check pods-basics/first-pod
  kubedojo check pods-basics/first-pod --json | jq .summary
  kubedojo check pods-basics/first-pod --watch`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ex, s, err := opts.exerciseSession(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			record := opts.attempts(cmd.ErrOrStderr())
			emit := func(r checks.Report) {
				record.graded(ex, r)
				if asJSON {
					b, _ := json.Marshal(reportJSON(ex, r))
					fmt.Fprintln(out, string(b))
					return
				}
				if watch {
					fmt.Fprintf(out, "\n%s %s\n", faintStyle.Render(r.Time.Format("15:04:05")), faintStyle.Render(strings.TrimPrefix(r.Trigger, "change: ")))
				}
				printReport(out, ex, r)
			}
			if watch {
				var last checks.Report
				err := s.Grader.Watch(cmd.Context(), ex, func(r checks.Report) {
					last = r
					emit(r)
				})
				if err != nil {
					return withCode(exitEnv, err)
				}
				return withCode(exitFor(last), errSilent)
			}
			var rep checks.Report
			if noWait {
				rep = s.Grader.Evaluate(cmd.Context(), ex)
			} else {
				rep = s.Grader.Converge(cmd.Context(), ex, 0, 2*time.Second)
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
