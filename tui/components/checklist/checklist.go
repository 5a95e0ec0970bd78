// Package checklist shows an exercise's checks with their live state: a
// row per check with its state icon, and under each failing check the
// author's message and what was expected and found. Environment errors are
// shown as such, never as a wrong answer. A grader may report checks as
// running while others of the same evaluation are final: each running
// check says so on its own row, and one that had a result keeps showing it
// until the new one arrives.
package checklist

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Model is the check list of one exercise.
type Model struct {
	c             *common.Common
	checks        []lessons.Check
	report        checks.Report
	hasReport     bool
	width, height int
	// final is the last final result of each check, by id, shown while
	// the check runs again.
	final map[string]checks.Result
}

// row is a check as shown: its result (the last final one while it runs
// again) and whether it is being checked now.
type row struct {
	checks.Result
	running bool
}

// New returns a check list for the given checks, all pending.
func New(c *common.Common, cs []lessons.Check) *Model {
	return &Model{c: c, checks: cs}
}

// SetReport shows a grading report.
func (m *Model) SetReport(r checks.Report) {
	m.report, m.hasReport = r, true
	if m.final == nil {
		m.final = map[string]checks.Result{}
	}
	for _, res := range m.rawRows() {
		if res.ID != "" && isFinal(res.Status) {
			m.final[res.ID] = res
		}
	}
}

// isFinal reports whether a status is an evaluation's outcome.
func isFinal(st checks.Status) bool {
	return st != checks.Pending && st != checks.Running
}

// SetSize sets the space the list may use.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
}

// rows are the checks as shown: a check that is running or pending in the
// report shows its last final result, if it had one.
func (m *Model) rows() []row {
	raw := m.rawRows()
	out := make([]row, len(raw))
	for i, res := range raw {
		out[i] = row{Result: res, running: res.Status == checks.Running}
		if prev, ok := m.final[res.ID]; ok && !isFinal(res.Status) {
			out[i].Result = prev
		}
	}
	return out
}

// rawRows pairs each check of the exercise with its result in the report,
// by id, falling back to position for results without an id; results for
// checks the exercise does not list are shown after them.
func (m *Model) rawRows() []checks.Result {
	var rows []checks.Result
	used := make([]bool, len(m.report.Results))
	for i, ch := range m.checks {
		r := checks.Result{ID: ch.ID, Title: m.c.Expand(ch.Title), Status: checks.Pending}
		if m.hasReport {
			for j, res := range m.report.Results {
				if !used[j] && (res.ID == ch.ID && ch.ID != "" || res.ID == "" && j == i) {
					used[j] = true
					title := r.Title
					r = res
					if r.Title == "" {
						r.Title = title
					}
					break
				}
			}
		}
		rows = append(rows, r)
	}
	for j, res := range m.report.Results {
		if !used[j] {
			rows = append(rows, res)
		}
	}
	return rows
}

// Summary is a one-line tally such as "2/3 pass · 1 could not run".
func (m *Model) Summary() string {
	s := m.c.Styles
	rows := m.rows()
	var pass, errs, running int
	for _, r := range rows {
		switch r.Status {
		case checks.Pass:
			pass++
		case checks.Error:
			errs++
		}
		if r.running {
			running++
		}
	}
	if !m.hasReport {
		return s.Muted.Render(fmt.Sprintf("%d checks, not graded yet", len(rows)))
	}
	out := fmt.Sprintf("%d/%d pass", pass, len(rows))
	if errs > 0 {
		out += s.Error.Render(fmt.Sprintf(" · %d could not run", errs))
	}
	if running > 0 {
		out += s.Running.Render(fmt.Sprintf(" · %d checking…", running))
	}
	return out
}

// View renders the list within the size set; when it does not fit, details
// are shortened to one line each, then rows are cut with a count of what
// is hidden.
func (m *Model) View() string {
	lines := m.lines(false)
	if m.height > 0 && len(lines) > m.height {
		lines = m.lines(true)
	}
	if m.height > 0 && len(lines) > m.height {
		hidden := len(lines) - m.height + 1
		lines = append(lines[:m.height-1], m.c.Styles.Muted.Render(fmt.Sprintf("  … %d more lines; make the window taller", hidden)))
	}
	return strings.Join(lines, "\n")
}

func (m *Model) lines(short bool) []string {
	s := m.c.Styles
	width := max(20, m.width)
	var out []string
	detail := func(style lipgloss.Style, text string) {
		text = strings.TrimSpace(text)
		if text == "" {
			return
		}
		wrapped := strings.Split(lipgloss.Wrap(text, width-4, " "), "\n")
		if short && len(wrapped) > 1 {
			wrapped = []string{ansi.Truncate(strings.Join(wrapped, " "), width-4, "…")}
		}
		for _, w := range wrapped {
			out = append(out, "    "+style.Render(w))
		}
	}
	for _, r := range m.rows() {
		icon, style, note := styles.IconPending, s.Pending, ""
		switch r.Status {
		case checks.Running:
			icon, style = styles.IconRunning, s.Running
		case checks.Pass:
			icon, style = styles.IconPass, s.Pass
		case checks.Fail:
			icon, style = styles.IconFail, s.Fail
		case checks.Error:
			icon, style, note = styles.IconError, s.Error, " (could not check)"
		case checks.Skipped:
			icon, style, note = styles.IconSkipped, s.Skipped, " (skipped)"
		}
		running := ""
		if r.running {
			running = s.Muted.Render(" · ") + s.Running.Render("checking…")
		}
		title := ansi.Truncate(r.Title, width-2-lipgloss.Width(note)-lipgloss.Width(running), "…")
		out = append(out, style.Render(icon)+" "+title+style.Render(note)+running)
		switch r.Status {
		case checks.Fail:
			detail(s.Fail, r.Message)
			detail(s.Muted, r.Detail)
		case checks.Error:
			detail(s.Error, "environment problem, not your answer: "+r.Detail)
		case checks.Skipped:
			detail(s.Muted, r.Detail)
		}
	}
	return out
}
