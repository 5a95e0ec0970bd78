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

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/prose"
)

// Model is the check list of one exercise.
type Model struct {
	c             *common.Common
	checks        []lessons.Check
	report        result.Report
	hasReport     bool
	width, height int
	// final is the last final result of each check, by id, shown while
	// the check runs again.
	final map[string]result.Result
	// chosen is the id of the check the learner moved to ("" until then).
	chosen string
}

// row is a check as shown: its result (the last final one while it runs
// again) and whether it is being checked now.
type row struct {
	result.Result
	running bool
}

// New returns a check list for the given checks, all pending.
func New(c *common.Common, cs []lessons.Check) *Model {
	return &Model{c: c, checks: cs}
}

// SetReport shows a grading report.
func (m *Model) SetReport(r result.Report) {
	m.report, m.hasReport = r, true
	if m.final == nil {
		m.final = map[string]result.Result{}
	}
	for _, res := range m.rawRows() {
		if res.ID != "" && isFinal(res.Status) {
			m.final[res.ID] = res
		}
	}
}

// isFinal reports whether a status is an evaluation's outcome.
func isFinal(st result.Status) bool {
	return st != result.Pending && st != result.Running
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
		out[i] = row{Result: res, running: res.Status == result.Running}
		if prev, ok := m.final[res.ID]; ok && !isFinal(res.Status) {
			out[i].Result = prev
		}
	}
	return out
}

// rawRows pairs each check of the exercise with its result in the report,
// by id, falling back to position for results without an id; results for
// checks the exercise does not list are shown after them.
func (m *Model) rawRows() []result.Result {
	var rows []result.Result
	used := make([]bool, len(m.report.Results))
	for i, ch := range m.checks {
		r := result.Result{ID: ch.ID, Title: m.c.Expand(ch.Title), Status: result.Pending}
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
		case result.Pass:
			pass++
		case result.Error:
			errs++
		}
		if r.running {
			running++
		}
	}
	if !m.hasReport {
		return s.Muted.Render(prose.Plural(len(rows), "check", "checks") + ", not graded yet")
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

// Detail levels of a check's lines, from the most to the least room.
type level int

const (
	levelFull  level = iota // message and detail wrapped whole
	levelShort              // each detail cut to one line
	levelTitle              // the title alone
)

// selected is the index of the check shown whole: the one the learner
// moved to, else the first that fails or could not run (the one to work
// on); -1 when there is none.
func (m *Model) selected(rows []row) int {
	first := -1
	for i, r := range rows {
		if m.chosen != "" && r.ID == m.chosen {
			return i
		}
		if first < 0 && (r.Status == result.Fail || r.Status == result.Error) {
			first = i
		}
	}
	return first
}

// move selects the next (+1) or previous (-1) check, wrapping around.
func (m *Model) move(by int) {
	rows := m.rows()
	if len(rows) == 0 {
		return
	}
	i := m.selected(rows)
	if i < 0 && by < 0 {
		i = 0
	}
	m.chosen = rows[(i+by+len(rows))%len(rows)].ID
}

// Update moves the selection on the next and previous check keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, m.c.Keys.NextCheck):
			m.move(1)
		case key.Matches(kp, m.c.Keys.PrevCheck):
			m.move(-1)
		}
	}
	return nil
}

// View renders the list within the size set. The selected check is always
// shown whole; when the list does not fit, the other checks are shown
// with less: their details cut to one line, or their titles alone, as
// much as there is room for in order. When even that does not fit, the
// list scrolls to the selected check with a count of what is hidden.
func (m *Model) View() string {
	rows := m.rows()
	sel := m.selected(rows)
	width := max(20, m.width)
	blocks := make([][][]string, len(rows)) // by row, then level
	for i, r := range rows {
		for lv := levelFull; lv <= levelTitle; lv++ {
			blocks[i] = append(blocks[i], m.row(r, i == sel, lv, width))
		}
	}
	levels := make([]level, len(rows))
	total := func() int {
		n := 0
		for i, lv := range levels {
			n += len(blocks[i][lv])
		}
		return n
	}
	if m.height > 0 && total() > m.height {
		for i := range levels {
			if i != sel {
				levels[i] = levelTitle
			}
		}
		for _, better := range []level{levelShort, levelFull} {
			for i := range levels {
				was := levels[i]
				if i == sel || was <= better {
					continue
				}
				if levels[i] = better; total() > m.height {
					levels[i] = was
				}
			}
		}
	}
	var lines []string
	var selStart, selEnd int
	for i, lv := range levels {
		if i == sel {
			selStart = len(lines)
		}
		lines = append(lines, blocks[i][lv]...)
		if i == sel {
			selEnd = len(lines)
		}
	}
	if m.height > 0 && len(lines) > m.height {
		lines = m.window(lines, selStart, selEnd)
	}
	return strings.Join(lines, "\n")
}

// Cut reports whether the list is shown shortened: some check's message
// can be read whole only by selecting it.
func (m *Model) Cut() bool {
	if m.height <= 0 {
		return false
	}
	rows := m.rows()
	sel, n := m.selected(rows), 0
	for i, r := range rows {
		n += len(m.row(r, i == sel, levelFull, max(20, m.width)))
	}
	return n > m.height
}

// window shows height lines of the list around the selected check's lines
// [selStart, selEnd), saying how many lines are hidden above and below.
func (m *Model) window(lines []string, selStart, selEnd int) []string {
	h, n := m.height, len(lines)
	if h < 3 {
		return lines[:h]
	}
	start := 0
	if selEnd > h-1 {
		// Room for both counts; the selected check ends at the bottom.
		start = max(1, min(selStart, selEnd-(h-2)))
	}
	avail := h
	if start > 0 {
		avail--
	}
	if start+avail < n {
		avail--
	}
	end := min(n, start+avail)
	var out []string
	if start > 0 {
		out = append(out, m.c.Styles.Muted.Render(fmt.Sprintf("  … %s above", prose.Plural(start, "line", "lines"))))
	}
	out = append(out, lines[start:end]...)
	if end < n {
		out = append(out, m.c.Styles.Muted.Render(fmt.Sprintf("  … %s below · %s: next check", prose.Plural(n-end, "line", "lines"), m.c.Keys.NextCheck.Help().Key)))
	}
	return out
}

// row renders one check: its state icon and title, then what the learner
// needs to know about it at the given level.
func (m *Model) row(r row, selected bool, lv level, width int) []string {
	s := m.c.Styles
	if selected {
		lv = levelFull
	}
	var out []string
	detail := func(style lipgloss.Style, text string) {
		text = strings.TrimSpace(text)
		if text == "" || lv == levelTitle {
			return
		}
		wrapped := strings.Split(prose.Block(style, s.Code, text, width-4), "\n")
		if lv == levelShort && len(wrapped) > 1 {
			wrapped = []string{ansi.Truncate(strings.Join(wrapped, " "), width-4, "…")}
		}
		for _, w := range wrapped {
			out = append(out, "    "+w)
		}
	}
	state := common.CheckState(r.Status)
	icon, style, note := state.Glyph(), s.Of(state), ""
	switch r.Status {
	case result.Error:
		note = " (could not check)"
	case result.Skipped:
		note = " (skipped)"
	}
	running := ""
	if r.running {
		running = s.Muted.Render(" · ") + s.Running.Render("checking…")
	}
	tail := style.Render(note) + running
	if selected {
		// Whole, on as many lines as it needs.
		title := strings.Split(prose.Block(s.Selected, s.Code, r.Title, width-2-lipgloss.Width(tail)), "\n")
		for i, t := range title {
			prefix := "  "
			if i == 0 {
				prefix = style.Render(icon) + " "
			}
			line := prefix + t
			if i == len(title)-1 {
				line += tail
			}
			out = append(out, line)
		}
	} else {
		title := ansi.Truncate(prose.Inline(lipgloss.NewStyle(), s.Code, r.Title), width-2-lipgloss.Width(tail), "…")
		out = append(out, style.Render(icon)+" "+title+tail)
	}
	switch r.Status {
	case result.Fail:
		detail(s.Fail, r.Message)
		detail(s.Muted, r.Detail)
	case result.Error:
		detail(s.Error, "environment problem, not your answer: "+r.Detail)
	case result.Skipped:
		detail(s.Muted, r.Detail)
	}
	return out
}

// ShortHelp lists the list's keys.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.c.Keys.NextCheck} }

// FullHelp lists the list's keys.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.c.Keys.NextCheck, m.c.Keys.PrevCheck}}
}
