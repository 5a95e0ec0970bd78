// Package checklist shows an exercise's checks with their live state: a
// row per check with its state icon, and under each failing check the
// author's message and what was expected and found. Environment errors are
// shown as such, never as a wrong answer.
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
}

// New returns a check list for the given checks, all pending.
func New(c *common.Common, cs []lessons.Check) *Model {
	return &Model{c: c, checks: cs}
}

// SetReport shows a grading report.
func (m *Model) SetReport(r checks.Report) {
	m.report, m.hasReport = r, true
}

// SetSize sets the space the list may use.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
}

// rows pairs each check of the exercise with its result, by id, falling
// back to position for results without an id; results for checks the
// exercise does not list are shown after them.
func (m *Model) rows() []checks.Result {
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
	var pass, errs int
	for _, r := range rows {
		switch r.Status {
		case checks.Pass:
			pass++
		case checks.Error:
			errs++
		}
	}
	if !m.hasReport {
		return s.Muted.Render(fmt.Sprintf("%d checks, not graded yet", len(rows)))
	}
	out := fmt.Sprintf("%d/%d pass", pass, len(rows))
	if errs > 0 {
		out += s.Error.Render(fmt.Sprintf(" · %d could not run", errs))
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
		case checks.Pass:
			icon, style = styles.IconPass, s.Pass
		case checks.Fail:
			icon, style = styles.IconFail, s.Fail
		case checks.Error:
			icon, style, note = styles.IconError, s.Error, " (could not check)"
		case checks.Skipped:
			icon, style, note = styles.IconSkipped, s.Skipped, " (skipped)"
		}
		title := ansi.Truncate(r.Title, width-2-lipgloss.Width(note), "…")
		out = append(out, style.Render(icon)+" "+title+style.Render(note))
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
