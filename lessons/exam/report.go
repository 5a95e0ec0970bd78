package exam

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// NewResult scores an exam whose tasks were graded at graded. The time
// used stops at the duration; an exam graded after its deadline (resumed
// late, or graded at the time-out) is marked timed out.
func NewResult(st *State, tasks []TaskResult, graded time.Time) *Result {
	clock := st.Clock()
	r := &Result{
		ID: st.ID, Pool: st.Pool, Mode: st.Mode, Seed: st.Seed,
		Started: st.Started, Graded: graded.UTC(), Duration: st.Duration,
		TimeUsed: Seconds(clock.Used(graded).Round(time.Second)),
		TimedOut: clock.Expired(graded),
		PassMark: st.PassMark, Tasks: tasks,
	}
	r.Percent, r.UngradedPercent, r.Outcome, r.Domains = Score(r.Tasks, st.PassMark)
	return r
}

// TaskResultFor starts a task's result from the exercise and its place in
// the exam; the caller adds the graded checks.
func TaskResultFor(n int, ex *lessons.Exercise, t TaskState) TaskResult {
	return TaskResult{
		Number: n, ID: ex.ID, Title: ex.Title, Domain: ex.EffectiveDomain(), Weight: ex.Weight,
		Context: t.Context, Flagged: t.Flagged,
	}
}

// Attempt is one finished exam in the history.
type Attempt struct {
	ID       string        `json:"id"`
	Graded   time.Time     `json:"graded"`
	Pool     string        `json:"pool"`
	Mode     Mode          `json:"mode"`
	Seed     uint64        `json:"seed"`
	Tasks    int           `json:"tasks"`
	Percent  float64       `json:"percent"`
	Outcome  Outcome       `json:"outcome"`
	TimeUsed Seconds       `json:"timeUsed"`
	Domains  []DomainScore `json:"domains"`
	// TaskIDs are the exam's tasks, so the next draw can avoid them.
	TaskIDs []string `json:"taskIds,omitempty"`
}

// Attempt is the result's line in the history.
func (r *Result) Attempt() Attempt {
	return Attempt{
		ID: r.ID, Graded: r.Graded, Pool: r.Pool.ID, Mode: r.Mode, Seed: r.Seed, Tasks: len(r.Tasks),
		Percent: r.Percent, Outcome: r.Outcome, TimeUsed: r.TimeUsed, Domains: r.Domains, TaskIDs: r.TaskIDs(),
	}
}

// TaskIDs are the exam's tasks by exercise ID, in exam order.
func (r *Result) TaskIDs() []string {
	out := make([]string, len(r.Tasks))
	for i, t := range r.Tasks {
		out[i] = t.ID
	}
	return out
}

// Verdict is the outcome as one line: "PASSED 71.3 % (pass mark 66 %)".
func (r *Result) Verdict() string {
	s := fmt.Sprintf("%s %.1f %% (pass mark %d %%)", strings.ToUpper(string(r.Outcome)), r.Percent, r.PassMark)
	if r.UngradedPercent > 0 {
		s += fmt.Sprintf("; %.1f %% could not be graded", r.UngradedPercent)
	}
	return s
}

// Markdown renders the report: the verdict, the domains weakest first,
// each task with every check (expected against found), and the reference
// solution of every task not fully solved.
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Exam %s: %s\n\n", r.ID, r.Verdict())
	fmt.Fprintf(&b, "- Pool: %s (%s %s), mode %s, seed %d\n", r.Pool.Title, r.Pool.ID, r.Pool.Version, r.Mode, r.Seed)
	fmt.Fprintf(&b, "- Started %s, graded %s\n", r.Started.UTC().Format(time.RFC3339), r.Graded.UTC().Format(time.RFC3339))
	if r.Duration > 0 {
		fmt.Fprintf(&b, "- Time used: %s of %s", FormatClock(r.TimeUsed.D()), FormatClock(r.Duration.D()))
		if r.TimedOut {
			b.WriteString(" (time ran out)")
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(&b, "- Time used: %s (untimed)\n", FormatClock(r.TimeUsed.D()))
	}
	if r.Outcome == Undetermined {
		b.WriteString("\nSome checks could not be graded because the cluster did not answer them; they could change the verdict. " +
			"Make the lab healthy (kubedojo lab status) and grade again.\n")
	}
	b.WriteString("\n## Domains, weakest first\n\n| Domain | Tasks | Score |\n|---|---|---|\n")
	for _, d := range r.Domains {
		fmt.Fprintf(&b, "| %s | %d | %.1f %% |\n", d.Domain.Title(), d.Tasks, d.Percent)
	}
	b.WriteString("\n## Tasks\n\n| # | Task | Domain | Weight | Points | Score |\n|---|---|---|---|---|---|\n")
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, "| %d | %s | %s | %d %% | %d/%d | %.1f |\n", t.Number, t.Title, t.Domain.Short(), t.Weight, t.Earned, t.Possible, t.Score)
	}
	for _, t := range r.Tasks {
		fmt.Fprintf(&b, "\n### Task %d: %s (%d/%d points)\n\n", t.Number, t.Title, t.Earned, t.Possible)
		fmt.Fprintf(&b, "`%s`, context `%s`, weight %d %%", t.ID, t.Context, t.Weight)
		if t.Flagged {
			b.WriteString(", flagged for review")
		}
		b.WriteString("\n\n")
		for _, c := range t.Checks {
			fmt.Fprintf(&b, "- %s %s (%d point%s)\n", statusMark(c.Status), c.Title, c.Points, plural(c.Points))
			if c.Status == CheckPass {
				continue
			}
			if c.Message != "" {
				fmt.Fprintf(&b, "  - %s\n", oneLine(c.Message))
			}
			if c.Detail != "" {
				fmt.Fprintf(&b, "  - %s\n", oneLine(c.Detail))
			}
		}
		if t.Solution != nil && !t.Solved() {
			writeSolution(&b, t.Solution)
		}
	}
	return b.String()
}

func writeSolution(b *strings.Builder, s *lessons.Solution) {
	b.WriteString("\nReference solution:\n\n")
	if s.Explanation != "" {
		b.WriteString(strings.TrimSpace(s.Explanation) + "\n\n")
	}
	for _, st := range s.Steps {
		switch {
		case st.Run != "":
			fmt.Fprintf(b, "```sh\n%s\n```\n\n", strings.TrimRight(st.Run, "\n"))
		case st.Apply != "":
			fmt.Fprintf(b, "```yaml\n# kubectl apply -f -\n%s\n```\n\n", strings.TrimRight(st.Apply, "\n"))
		case st.Node != "":
			fmt.Fprintf(b, "```sh\n# on the node\n%s\n```\n\n", strings.TrimRight(st.Node, "\n"))
		case st.Wait != nil:
			fmt.Fprintf(b, "Then wait (up to %s) until it takes effect.\n\n", st.Wait.Timeout)
		case st.Delete != nil:
			fmt.Fprintf(b, "```sh\nkubectl delete %s\n```\n\n", st.Delete)
		}
	}
}

func statusMark(s CheckStatus) string {
	switch s {
	case CheckPass:
		return "[x]"
	case CheckFail:
		return "[ ]"
	}
	return "[?] (" + string(s) + ")"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// JUnit renders the result as a JUnit XML report (one test suite, one test
// case per task, failed when the task is not fully solved), for bootcamps
// that collect take-home exams in CI.
func (r *Result) JUnit() ([]byte, error) {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Error     *failure `xml:"error,omitempty"`
	}
	type property struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	type suite struct {
		XMLName    xml.Name   `xml:"testsuite"`
		Name       string     `xml:"name,attr"`
		Tests      int        `xml:"tests,attr"`
		Failures   int        `xml:"failures,attr"`
		Errors     int        `xml:"errors,attr"`
		Time       string     `xml:"time,attr"`
		Timestamp  string     `xml:"timestamp,attr"`
		Properties []property `xml:"properties>property"`
		Cases      []testcase `xml:"testcase"`
	}
	s := suite{
		Name: "kubedojo exam " + r.ID, Tests: len(r.Tasks),
		Time:      fmt.Sprintf("%d", int64(r.TimeUsed.D().Seconds())),
		Timestamp: r.Started.UTC().Format(time.RFC3339),
		Properties: []property{
			{"pool", r.Pool.ID}, {"seed", fmt.Sprint(r.Seed)}, {"mode", string(r.Mode)},
			{"score", fmt.Sprintf("%.1f", r.Percent)}, {"passMark", fmt.Sprint(r.PassMark)}, {"outcome", string(r.Outcome)},
		},
	}
	for _, t := range r.Tasks {
		tc := testcase{Name: fmt.Sprintf("%d %s", t.Number, t.ID), Classname: "exam." + string(t.Domain), Time: "0"}
		if !t.Solved() {
			var lines []string
			for _, c := range t.Checks {
				if c.Status != CheckPass {
					lines = append(lines, fmt.Sprintf("%s (%s): %s", c.ID, c.Status, oneLine(c.Message+" "+c.Detail)))
				}
			}
			f := &failure{Message: fmt.Sprintf("%d/%d points", t.Earned, t.Possible), Text: strings.Join(lines, "\n")}
			if t.Ungraded > 0 && t.Earned+t.Ungraded == t.Possible {
				tc.Error = f
				s.Errors++
			} else {
				tc.Failure = f
				s.Failures++
			}
		}
		s.Cases = append(s.Cases, tc)
	}
	out, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("junit report: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
