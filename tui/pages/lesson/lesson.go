// Package lesson is the lesson reader: the reading rendered with Glamour in
// a scrollable view, and under it the lesson's exercises and quiz to open
// next. Reaching the end of the reading marks the lesson read.
package lesson

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/components/markdown"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Model is the lesson reader page.
type Model struct {
	c             *common.Common
	lesson        *lessons.Lesson
	reader        *markdown.Model
	width, height int
	// sel is the selected entry below the reading: an exercise index, or
	// len(Exercises) for the quiz.
	sel int
}

// New returns the reader for a lesson, with the first unfinished exercise
// selected.
func New(c *common.Common, l *lessons.Lesson) *Model {
	m := &Model{c: c, lesson: l, reader: markdown.New(c)}
	m.sel = m.entries() - 1
	sum := progress.SummarizeLesson(l, c.Progress)
	for i, e := range sum.Exercises {
		if !e.Record.Status.Complete() {
			m.sel = i
			break
		}
	}
	m.sel = max(0, m.sel)
	m.reader.SetMarkdown(c.Expand(l.Reading))
	return m
}

// Lesson is the lesson shown.
func (m *Model) Lesson() *lessons.Lesson { return m.lesson }

func (m *Model) entries() int {
	n := len(m.lesson.Exercises())
	if m.lesson.Quiz() != nil {
		n++
	}
	return n
}

// Init renders the reading.
func (m *Model) Init() tea.Cmd { return m.reader.Render() }

// Close does nothing: rendering needs no stopping.
func (m *Model) Close() {}

// Title names the page in the header.
func (m *Model) Title() string { return m.lesson.Title }

// Location is this lesson's reading.
func (m *Model) Location() progress.Location {
	return progress.Location{Screen: progress.ScreenLesson, Lesson: m.lesson.ID}
}

// Focus is FocusNone: the reader has no input.
func (m *Model) Focus() common.Focus { return common.FocusNone }

// panelHeight is the height of the list under the reading.
func (m *Model) panelHeight() int { return 2 + m.entries() }

// SetSize sets the page's size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.reader.SetSize(width, max(3, height-m.panelHeight()))
}

// Update scrolls the reading, moves the selection below it, opens
// exercises and the quiz, and marks the lesson read at its end.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case messages.VarsChangedMsg:
		m.reader.SetMarkdown(m.c.Expand(m.lesson.Reading))
	case tea.KeyPressMsg:
		k := m.c.Keys
		n := m.entries()
		switch {
		case key.Matches(msg, k.NextItem) && n > 0:
			m.sel = (m.sel + 1) % n
			return nil
		case key.Matches(msg, k.PrevItem) && n > 0:
			m.sel = (m.sel + n - 1) % n
			return nil
		case key.Matches(msg, k.Open):
			return m.open()
		}
	}
	cmds = append(cmds, m.reader.Update(msg))
	if m.reader.AtBottom() {
		m.c.Progress.MarkRead(m.lesson.ID)
	}
	return tea.Batch(cmds...)
}

func (m *Model) open() tea.Cmd {
	switch {
	case m.sel < len(m.lesson.Exercises()):
		return messages.Cmd(messages.OpenExerciseMsg{Exercise: m.lesson.Exercises()[m.sel]})
	case m.lesson.Quiz() != nil:
		return messages.Cmd(messages.OpenQuizMsg{Lesson: m.lesson})
	}
	return nil
}

// View renders the reading and the list under it.
func (m *Model) View() string {
	s := m.c.Styles
	pct := fmt.Sprintf(" %d%% ", int(m.reader.ScrollPercent()*100))
	rule := s.Rule.Render(strings.Repeat("─", max(0, m.width-lipgloss.Width(pct)-2))) + s.Muted.Render(pct) + s.Rule.Render("──")
	lines := []string{m.reader.View(), rule}

	heading := "Exercises"
	if len(m.lesson.Exercises()) == 0 {
		heading = "Practice"
	}
	lines = append(lines, s.Subtitle.Render(heading)+s.Muted.Render("  "+m.c.Keys.NextItem.Help().Key+" to choose, "+m.c.Keys.Open.Help().Key+" to open"))
	sum := progress.SummarizeLesson(m.lesson, m.c.Progress)
	for i, e := range sum.Exercises {
		right := string(e.Exercise.Tier)
		if e.Exercise.Troubleshooting {
			right = "troubleshooting · " + right
		}
		lines = append(lines, m.entry(i, s.Mark(common.ProgressState(e.Record.Status)), e.Exercise.Title, right))
	}
	if q := m.lesson.Quiz(); q != nil {
		mark, right := s.Mark(styles.StateNotStarted), ""
		if rec := sum.Record.Quiz; rec != nil {
			mark, right = s.Mark(styles.StateDone), fmt.Sprintf("last %d/%d · best %d/%d", rec.Score, rec.Total, rec.Best, rec.Total)
		}
		lines = append(lines, m.entry(len(m.lesson.Exercises()), mark, "Quiz · "+prose.Plural(len(q.Questions), "question", "questions"), right))
	}
	return strings.Join(lines, "\n")
}

func (m *Model) entry(i int, mark, title, right string) string {
	s := m.c.Styles
	prefix, titleStyle := "  ", lipgloss.NewStyle()
	if i == m.sel {
		prefix, titleStyle = s.Selected.Render(styles.Cursor)+" ", s.Selected
	}
	titleW := max(8, m.width-4-lipgloss.Width(right)-1)
	title = ansi.Truncate(title, titleW, "…")
	gap := max(1, m.width-4-lipgloss.Width(title)-lipgloss.Width(right))
	return prefix + mark + " " + titleStyle.Render(title) + strings.Repeat(" ", gap) + s.Muted.Render(right)
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.reader.HasCodeBlocks() {
		return []key.Binding{k.Down, k.NextItem, k.Open, k.Copy}
	}
	return []key.Binding{k.Down, k.NextItem, k.Open}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{k.Scroll(), append([]key.Binding{k.NextItem, k.PrevItem, k.Open}, m.reader.BlockKeys()...)}
}
