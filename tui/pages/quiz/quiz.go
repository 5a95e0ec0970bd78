// Package quiz is a lesson's multiple-choice quiz: one question at a time,
// an answer chosen and then confirmed, the explanation after each answer,
// and at the end the score, the recorded best, a review of the questions
// answered wrong and a retake.
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
	"github.com/kubedojo/kubedojo/tui/components/markdown"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Model is the quiz page.
type Model struct {
	c             *common.Common
	lesson        *lessons.Lesson
	width, height int

	idx      int // current question
	cursor   int // selected choice, answered with enter
	answered bool
	// chosen holds the answer given to each question so far.
	chosen   []int
	score    int
	finished bool
	// offset is the first line shown of a result taller than the page.
	offset int
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

func (m *Model) questions() []*lessons.Question { return m.lesson.Quiz().Questions }

// Update selects a choice, answers with it, goes on to the next question,
// and on the result scrolls, retakes or goes back.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := m.c.Keys
	if m.finished {
		switch {
		case key.Matches(kp, k.Continue):
			return messages.Cmd(messages.BackMsg{})
		case key.Matches(kp, k.Retake):
			m.retake()
		case key.Matches(kp, k.Up):
			m.offset--
		case key.Matches(kp, k.Down):
			m.offset++
		case key.Matches(kp, k.PageUp):
			m.offset -= max(1, m.height-1)
		case key.Matches(kp, k.PageDown):
			m.offset += max(1, m.height-1)
		case key.Matches(kp, k.Top):
			m.offset = 0
		case key.Matches(kp, k.Bottom):
			m.offset = 1 << 30 // clamped when drawn
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
		}
	}
	return nil
}

func (m *Model) answer(choice int) {
	m.answered = true
	m.chosen = append(m.chosen, choice)
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
	m.finished, m.offset = true, 0
	m.c.Progress.RecordQuiz(m.lesson.ID, m.score, len(m.questions()))
	return nil
}

// retake starts the quiz over; the progress keeps every attempt's score.
func (m *Model) retake() {
	*m = Model{c: m.c, lesson: m.lesson, width: m.width, height: m.height}
}

// textWidth is the width of the quiz's text: the page's, up to the width
// of a reading.
func (m *Model) textWidth() int { return max(20, min(m.width, markdown.MaxReadingWidth)) }

// block renders Markdown-ish text (inline code) in style, wrapped and
// indented.
func (m *Model) block(style lipgloss.Style, text string, indent int) string {
	lines := strings.Split(prose.Block(style, m.c.Styles.Code, text, m.textWidth()-indent), "\n")
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", indent) + l
	}
	return strings.Join(lines, "\n")
}

// View renders the current question, or the result.
func (m *Model) View() string {
	if m.finished {
		return m.result()
	}
	s := m.c.Styles
	total := len(m.questions())
	q := m.questions()[m.idx]
	b := []string{s.Muted.Render(fmt.Sprintf("Question %d of %d · %d right so far", m.idx+1, total, m.score)), "",
		m.block(s.Subtitle, q.Question, 0), ""}
	correct := q.Correct()
	for i, ch := range q.Choices {
		prefix := "  "
		style := lipgloss.NewStyle()
		switch {
		case m.answered && i == correct:
			prefix, style = s.Pass.Render(styles.IconPass)+" ", s.Pass
		case m.answered && i == m.chosen[m.idx]:
			prefix, style = s.Fail.Render(styles.IconFail)+" ", s.Fail
		case !m.answered && i == m.cursor:
			prefix, style = s.Selected.Render(styles.Cursor)+" ", s.Selected
		}
		text := m.block(style, fmt.Sprintf("%d. %s", i+1, ch.Text), 2)
		b = append(b, prefix+strings.TrimPrefix(text, "  "))
	}
	if !m.answered {
		k := m.c.Keys
		arrow := func(b key.Binding) string { a, _, _ := strings.Cut(b.Help().Key, "/"); return a }
		b = append(b, "", s.Muted.Render(fmt.Sprintf("Select an answer with 1-%d or %s%s, then press %s to answer.",
			len(q.Choices), arrow(k.Up), arrow(k.Down), k.Answer.Help().Key)))
	} else {
		verdict := s.Pass.Render("Right.")
		if m.chosen[m.idx] != correct {
			verdict = s.Fail.Render(fmt.Sprintf("Not quite: the answer is %d.", correct+1))
		}
		next := "next question"
		if m.idx+1 == total {
			next = "see your score"
		}
		b = append(b, "", verdict, m.block(lipgloss.NewStyle(), q.Explanation, 0), "",
			s.Muted.Render("Press "+m.c.Keys.Continue.Help().Key+" for the "+next+"."))
	}
	return lipgloss.NewStyle().MaxHeight(m.height).Render(strings.Join(b, "\n"))
}

// result is the score, the best so far, and a review of the questions
// answered wrong, scrolled when it is taller than the page.
func (m *Model) result() string {
	s, k := m.c.Styles, m.c.Keys
	total := len(m.questions())
	b := []string{s.Title.Render("Quiz complete"), "",
		fmt.Sprintf("You answered %d of %s right.", m.score, prose.Plural(total, "question", "questions"))}
	if rec := m.c.Progress.Lesson(m.lesson.ID).Quiz; rec != nil {
		b = append(b, s.Muted.Render(fmt.Sprintf("Best score %d/%d after %s.", rec.Best, rec.Total, prose.Plural(rec.Attempts, "attempt", "attempts"))))
	}
	b = append(b, "")
	if m.score == total {
		b = append(b, s.Pass.Render("All right: nothing to review."), "")
	} else {
		b = append(b, s.Subtitle.Render(fmt.Sprintf("To review (%d)", total-m.score)), "")
		for i, q := range m.questions() {
			chosen, correct := m.chosen[i], q.Correct()
			if chosen == correct {
				continue
			}
			b = append(b,
				s.Fail.Render(styles.IconFail)+" "+strings.TrimPrefix(m.block(s.Bold, q.Question, 2), "  "),
				m.block(s.Fail, "Your answer: "+q.Choices[chosen].Text, 2),
				m.block(s.Pass, "Right answer: "+q.Choices[correct].Text, 2),
				m.block(s.Muted, q.Explanation, 2), "")
		}
	}
	b = append(b, s.Muted.Render(fmt.Sprintf("Press %s to take the quiz again, %s to go back to the lesson.",
		k.Retake.Help().Key, k.Continue.Help().Key)))
	lines := strings.Split(strings.Join(b, "\n"), "\n")
	m.offset = max(0, min(m.offset, len(lines)-m.height))
	return strings.Join(lines[m.offset:min(len(lines), m.offset+max(1, m.height))], "\n")
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.finished:
		return []key.Binding{k.Retake, k.Continue, k.Down}
	case m.answered:
		return []key.Binding{k.Continue}
	}
	return []key.Binding{k.Up, k.Down, k.Choose, k.Answer}
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	if m.finished {
		k := m.c.Keys
		return [][]key.Binding{{k.Retake, k.Continue}, k.Scroll()}
	}
	return [][]key.Binding{m.ShortHelp()}
}
