// Package board is the instructor's class board: a table of learners ×
// exercises, updated live from the watch of the class's progress records,
// each cell done, in progress or stuck, with the failing check of the
// selected cell below the table.
package board

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/lab/class/record"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/components/filter"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// UpdateMsg is a change of one learner's progress record, from the watch.
type UpdateMsg struct {
	Progress record.Progress
	Deleted  bool
}

// SyncedMsg says the watch has listed every record: the board is live.
type SyncedMsg struct{}

// WatchErrMsg is a problem of the watch; the watch retries by itself.
type WatchErrMsg struct{ Err error }

// tickMsg re-judges how long cells have been failing (no API request:
// "stuck" is a matter of the clock).
type tickMsg struct{}

// Options tune the board.
type Options struct {
	// StuckAfter is how long an exercise fails before its cell is stuck.
	StuckAfter time.Duration
	// Now is the clock (tests freeze it); time.Now when nil.
	Now func() time.Time
	// Tick is how often stuck cells are re-judged; 0 means every 15s.
	Tick time.Duration
}

// Model is the board page.
type Model struct {
	c       *common.Common
	board   *record.Board
	updates <-chan tea.Msg
	opts    Options

	sort      record.Sort
	stuckOnly bool
	filter    filter.Input
	filtering bool
	// learner and exercise are the selected cell, by name, so that the
	// selection stays on the same learner when the order changes.
	learner  string
	exercise int
	offset   int
	synced   bool
	watchErr error

	width, height int
}

// New builds the board of a class. updates delivers UpdateMsg, SyncedMsg
// and WatchErrMsg values from the watch; the page reads it in a command.
func New(c *common.Common, b *record.Board, updates <-chan tea.Msg, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick == 0 {
		opts.Tick = 15 * time.Second
	}
	m := &Model{c: c, board: b, updates: updates, opts: opts}
	if len(b.Learners) > 0 {
		m.learner = b.Learners[0]
	}
	return m
}

// Init starts reading the watch and the clock.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.listen(), m.tick()) }

func (m *Model) listen() tea.Cmd {
	ch := m.updates
	return messages.Listen(func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	})
}

func (m *Model) tick() tea.Cmd {
	return messages.Listen(tea.Tick(m.opts.Tick, func(time.Time) tea.Msg { return tickMsg{} }))
}

// SetSize sets the page's size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Filtering reports whether the filter has the keyboard.
func (m *Model) Filtering() bool { return m.filtering }

// Update handles the watch, the clock and keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case UpdateMsg:
		if msg.Deleted {
			delete(m.board.Progress, msg.Progress.Learner)
		} else {
			m.board.Progress[msg.Progress.Learner] = msg.Progress
		}
		return m.listen()
	case SyncedMsg:
		m.synced, m.watchErr = true, nil
		return m.listen()
	case WatchErrMsg:
		m.watchErr = msg.Err
		return m.listen()
	case tickMsg:
		return m.tick()
	case tea.PasteMsg:
		if m.filtering {
			m.filter.Update(msg)
		}
	case tea.KeyPressMsg:
		if m.filtering {
			m.updateFilter(msg)
			return nil
		}
		m.updateKey(msg)
	}
	return nil
}

func (m *Model) updateFilter(msg tea.KeyPressMsg) {
	m.filtering = m.filter.Key(msg, m.c.Keys)
	m.keepSelection(m.rows())
}

func (m *Model) updateKey(msg tea.KeyPressMsg) {
	k := m.c.Keys
	rows := m.rows()
	sel := m.selectedRow(rows)
	move := func(to int) {
		if len(rows) > 0 {
			m.learner = rows[max(0, min(len(rows)-1, to))].Learner
		}
	}
	switch {
	case key.Matches(msg, k.Up):
		move(sel - 1)
	case key.Matches(msg, k.Down):
		move(sel + 1)
	case key.Matches(msg, k.Top):
		move(0)
	case key.Matches(msg, k.Bottom):
		move(len(rows) - 1)
	case key.Matches(msg, k.Left):
		m.exercise = max(0, m.exercise-1)
	case key.Matches(msg, k.Right):
		m.exercise = min(len(m.board.Exercises)-1, m.exercise+1)
	case key.Matches(msg, k.Sort):
		m.sort = m.sort.Next()
	case key.Matches(msg, k.StuckOnly):
		m.stuckOnly = !m.stuckOnly
		m.keepSelection(m.rows())
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.filter.SelectAll()
	case key.Matches(msg, k.FilterCancel):
		m.filter.Value = ""
	}
}

// rows are the board's lines as shown: sorted, filtered.
func (m *Model) rows() []record.Row {
	all := m.board.Rows(m.opts.Now(), m.opts.StuckAfter)
	record.SortRows(all, m.sort)
	q := strings.ToLower(strings.TrimSpace(m.filter.Value))
	out := all[:0]
	for _, r := range all {
		if (q == "" || strings.Contains(r.Learner, q)) && (!m.stuckOnly || r.Stuck > 0) {
			out = append(out, r)
		}
	}
	return out
}

func (m *Model) selectedRow(rows []record.Row) int {
	for i, r := range rows {
		if r.Learner == m.learner {
			return i
		}
	}
	return -1
}

// keepSelection selects the first row when the filter hides the selected
// learner.
func (m *Model) keepSelection(rows []record.Row) {
	if m.selectedRow(rows) < 0 && len(rows) > 0 {
		m.learner = rows[0].Learner
	}
}

// Cell glyphs: one look per state everywhere in the TUI.
func cellGlyph(s *styles.Styles, c record.Cell) string {
	switch c {
	case record.CellDone:
		return s.Mark(styles.StateDone)
	case record.CellInProgress:
		return s.Mark(styles.StateInProgress)
	case record.CellStuck:
		return s.Mark(styles.StateFail)
	}
	return s.Mark(styles.StateNotStarted)
}

const nameWidth = 16

// View draws the status line, the table and the selected cell's detail.
func (m *Model) View() string {
	s := m.c.Styles
	rows := m.rows()
	m.keepSelection(rows)
	sel := m.selectedRow(rows)
	n := len(m.board.Exercises)
	colW := max(3, len(strconv.Itoa(n))+1)
	// Columns that fit beside the name and the totals.
	fit := max(1, (m.width-2-nameWidth-12)/colW)
	first := 0
	if m.exercise >= fit {
		first = m.exercise - fit + 1
	}
	last := min(n, first+fit)

	var b strings.Builder
	b.WriteString(m.statusLine(len(rows)) + "\n")
	if m.filtering || m.filter.Value != "" {
		b.WriteString(m.filter.View(s, m.filtering, m.width, "type to filter by learner") + "\n")
	}
	head := "  " + padRight("LEARNER", nameWidth)
	for i := first; i < last; i++ {
		label := padLeft(strconv.Itoa(i+1), colW)
		if i == m.exercise {
			label = s.Selected.Render(label)
		}
		head += label
	}
	b.WriteString(s.Subtitle.Render(head) + s.Subtitle.Render(padLeft("DONE", 7)+padLeft("STUCK", 6)) + "\n")

	detail := m.detail(rows, sel)
	tableH := max(1, m.height-lineCount(b.String())-lineCount(detail)-1)
	if sel >= 0 {
		if sel < m.offset {
			m.offset = sel
		}
		if sel >= m.offset+tableH {
			m.offset = sel - tableH + 1
		}
	}
	m.offset = max(0, min(m.offset, len(rows)-tableH))
	if len(rows) == 0 {
		b.WriteString(s.Muted.Render("  No learner matches.") + "\n")
	}
	for i := m.offset; i < min(len(rows), m.offset+tableH); i++ {
		r := rows[i]
		cursor, name := "  ", padRight(ansi.Truncate(r.Learner, nameWidth-1, "…"), nameWidth)
		if i == sel {
			cursor, name = s.Selected.Render(styles.Cursor+" "), s.Selected.Render(name)
		}
		line := cursor + name
		for j := first; j < last; j++ {
			g := cellGlyph(s, r.Cells[j].Cell)
			if i == sel && j == m.exercise {
				g = "[" + g + "]"
				line += strings.Repeat(" ", colW-3) + g
				continue
			}
			line += strings.Repeat(" ", colW-1) + g
		}
		stuck := padLeft(strconv.Itoa(r.Stuck), 6)
		if r.Stuck > 0 {
			stuck = s.Fail.Render(stuck)
		}
		line += padLeft(fmt.Sprintf("%d/%d", r.Done, n), 7) + stuck
		b.WriteString(line + "\n")
	}
	b.WriteString(detail)
	return strings.TrimRight(b.String(), "\n")
}

func (m *Model) statusLine(shown int) string {
	s := m.c.Styles
	live := s.Muted.Render("connecting…")
	switch {
	case m.watchErr != nil:
		live = s.StatusError.Render("watch interrupted, retrying: " + m.watchErr.Error())
	case m.synced:
		live = s.Pass.Render("live")
	}
	parts := []string{
		fmt.Sprintf("%d/%d learners", shown, len(m.board.Learners)),
		fmt.Sprintf("%d exercises", len(m.board.Exercises)),
		"sort: " + m.sort.String(),
		fmt.Sprintf("stuck after %s", m.opts.StuckAfter),
	}
	if m.stuckOnly {
		parts = append(parts, "stuck only")
	}
	return ansi.Truncate(s.Muted.Render(strings.Join(parts, " · ")+" · ")+live, m.width, "…")
}

// detail is the selected cell: the exercise, its state and, when it
// fails, the failing check's message.
func (m *Model) detail(rows []record.Row, sel int) string {
	s := m.c.Styles
	if len(m.board.Exercises) == 0 {
		return ""
	}
	id := m.board.Exercises[m.exercise]
	legend := strings.Join([]string{
		cellGlyph(s, record.CellDone) + " done", cellGlyph(s, record.CellInProgress) + " in progress",
		cellGlyph(s, record.CellStuck) + " stuck", cellGlyph(s, record.CellNotStarted) + " not started",
	}, "  ")
	lines := []string{s.Muted.Render("  ") + legend, s.Title.Render(fmt.Sprintf("%d. %s", m.exercise+1, id))}
	if sel < 0 {
		return strings.Join(lines, "\n") + "\n"
	}
	r := rows[sel]
	c := r.Cells[m.exercise]
	now := m.opts.Now()
	state := map[record.Cell]string{
		record.CellDone: "done", record.CellInProgress: "in progress",
		record.CellStuck: "stuck", record.CellNotStarted: "not started",
	}[c.Cell]
	line := fmt.Sprintf("%s: %s %s", r.Learner, cellGlyph(s, c.Cell), state)
	if c.Latest.Total > 0 {
		line += fmt.Sprintf(", %d/%d checks pass", c.Latest.Passed, c.Latest.Total)
	}
	if !c.Latest.FailingSince.IsZero() && c.Cell != record.CellDone {
		line += fmt.Sprintf(", failing for %s", now.Sub(c.Latest.FailingSince).Round(time.Minute))
	}
	lines = append(lines, ansi.Truncate(line, m.width, "…"))
	if c.Latest.Check != "" {
		msg := c.Latest.Check
		if c.Latest.Message != "" {
			msg += ": " + c.Latest.Message
		}
		for _, l := range strings.Split(ansi.Wordwrap(msg, max(10, m.width-4), ""), "\n") {
			lines = append(lines, "  "+s.Fail.Render(l))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func lineCount(s string) int { return strings.Count(s, "\n") }

func padRight(s string, w int) string { return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) }
func padLeft(s string, w int) string  { return strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) + s }

// ShortHelp lists the board's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.filtering {
		return []key.Binding{k.FilterAccept, k.FilterCancel}
	}
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Sort, k.StuckOnly, k.Filter}
}

// FullHelp lists every key of the board.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.Left, k.Right}, {k.Sort, k.StuckOnly, k.Filter, k.FilterCancel}}
}
