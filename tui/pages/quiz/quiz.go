// Package quiz is a lesson's multiple-choice quiz: one question at a time,
// the explanation after each answer, and the score recorded at the end.
package quiz

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Model is the quiz page.
type Model struct {
	c             *common.Common
	lesson        *lessons.Lesson
	width, height int

	idx      int // current question
	cursor   int // highlighted choice
	answered bool
	chosen   int
	score    int
	finished bool
}

// New returns the quiz of a lesson, which must have one.
func New(c *common.Common, l *lessons.Lesson) *Model {
	return &Model{c: c, lesson: l}
}

// Init does nothing: the quiz needs no background work.
func (m *Model) Init() tea.Cmd { return nil }

// Close does nothing: the quiz has no background work.
func (m *Model) Close() {}

// Title names the page in the header.
func (m *Model) Title() string { return "Quiz" }

// Location is this lesson's quiz.
func (m *Model) Location() progress.Location {
	return progress.Location{Screen: progress.ScreenQuiz, Lesson: m.lesson.ID}
}

// Focus is FocusNone: the quiz takes only its own keys.
func (m *Model) Focus() common.Focus { return common.FocusNone }

// SetSize sets the page's size.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// Score returns the right answers so far and the number of questions.
func (m *Model) Score() (int, int) { return m.score, len(m.questions()) }

// Finished reports whether every question was answered.
func (m *Model) Finished() bool { return m.finished }

func (m *Model) questions() []*lessons.Question { return m.lesson.Quiz.Questions }

// Update moves between choices, answers, and goes on to the next question.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := m.c.Keys
	if m.finished {
		if key.Matches(kp, k.Continue) {
			return messages.Cmd(messages.BackMsg{})
		}
		return nil
	}
	q := m.questions()[m.idx]
	switch {
	case m.answered && key.Matches(kp, k.Continue):
		return m.advance()
	case m.answered:
	case key.Matches(kp, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(kp, k.Down):
		m.cursor = min(len(q.Choices)-1, m.cursor+1)
	case key.Matches(kp, k.Answer):
		m.answer(m.cursor)
	case key.Matches(kp, k.Choose):
		if n, err := strconv.Atoi(kp.String()); err == nil && n >= 1 && n <= len(q.Choices) {
			m.cursor = n - 1
			m.answer(n - 1)
		}
	}
	return nil
}

func (m *Model) answer(choice int) {
	m.answered, m.chosen = true, choice
	if choice == m.questions()[m.idx].Correct() {
		m.score++
	}
}

// advance shows the next question, or finishes and records the score.
func (m *Model) advance() tea.Cmd {
	if m.idx+1 < len(m.questions()) {
		m.idx++
		m.cursor, m.answered = 0, false
		return nil
	}
	m.finished = true
	m.c.Progress.RecordQuiz(m.lesson.ID, m.score, len(m.questions()))
	return m.c.Save()
}

func (m *Model) wrap(style lipgloss.Style, text string, indent int) string {
	w := max(20, m.width-indent)
	lines := strings.Split(lipgloss.Wrap(strings.TrimSpace(text), w, " "), "\n")
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", indent) + style.Render(l)
	}
	return strings.Join(lines, "\n")
}

// View renders the current question, or the result.
func (m *Model) View() string {
	s := m.c.Styles
	total := len(m.questions())
	var b []string
	if m.finished {
		rec := m.c.Progress.Lesson(m.lesson.ID).Quiz
		b = append(b, s.Title.Render("Quiz complete"), "",
			fmt.Sprintf("You answered %d of %d questions right.", m.score, total))
		if rec != nil {
			b = append(b, s.Muted.Render(fmt.Sprintf("Best score %d/%d after %d attempt(s).", rec.Best, rec.Total, rec.Attempts)))
		}
		b = append(b, "", s.Muted.Render("Press "+m.c.Keys.Continue.Help().Key+" to go back to the lesson."))
		return lipgloss.NewStyle().MaxHeight(m.height).Render(strings.Join(b, "\n"))
	}

	q := m.questions()[m.idx]
	b = append(b, s.Muted.Render(fmt.Sprintf("Question %d of %d · %d right so far", m.idx+1, total, m.score)), "",
		m.wrap(s.Subtitle, q.Question, 0), "")
	correct := q.Correct()
	for i, ch := range q.Choices {
		prefix := "  "
		style := lipgloss.NewStyle()
		switch {
		case m.answered && i == correct:
			prefix, style = s.Pass.Render(styles.IconPass)+" ", s.Pass
		case m.answered && i == m.chosen:
			prefix, style = s.Fail.Render(styles.IconFail)+" ", s.Fail
		case !m.answered && i == m.cursor:
			prefix, style = s.Selected.Render(styles.Cursor)+" ", s.Selected
		}
		text := m.wrap(style, fmt.Sprintf("%d. %s", i+1, ch.Text), 2)
		b = append(b, prefix+strings.TrimPrefix(text, "  "))
	}
	if m.answered {
		verdict := s.Pass.Render("Right.")
		if m.chosen != correct {
			verdict = s.Fail.Render(fmt.Sprintf("Not quite: the answer is %d.", correct+1))
		}
		next := "next question"
		if m.idx+1 == total {
			next = "see your score"
		}
		b = append(b, "", verdict, m.wrap(lipgloss.NewStyle(), q.Explanation, 0), "",
			s.Muted.Render("Press "+m.c.Keys.Continue.Help().Key+" for the "+next+"."))
	}
	return lipgloss.NewStyle().MaxHeight(m.height).Render(strings.Join(b, "\n"))
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.answered || m.finished {
		return []key.Binding{k.Continue}
	}
	return []key.Binding{k.Up, k.Down, k.Choose, k.Answer}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
