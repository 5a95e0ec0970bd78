// Package coursemap is the first screen: the course's tracks and lessons
// with the learner's progress marks, CKA domain tags, quiz scores and overall
// progress, filtered with "/".
package coursemap

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
	"github.com/kubedojo/kubedojo/tui/components/confirm"
	"github.com/kubedojo/kubedojo/tui/components/filter"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Model is the course map page.
type Model struct {
	c             *common.Common
	width, height int
	// selected is the id of the selected lesson; it survives filtering.
	selected string
	// offset is the first list line on screen.
	offset    int
	filter    filter.Input
	filtering bool
	// confirm asks before a new exam deletes what earlier ones left.
	confirm *confirm.Model
}

// New returns the course map with the given lesson selected (the first
// lesson that is not complete when id is "").
func New(c *common.Common, selected string) *Model {
	m := &Model{c: c, selected: selected, confirm: confirm.New(c)}
	if m.selected == "" {
		sum := progress.Summarize(c.Course, c.Progress)
		for _, t := range sum.Tracks {
			for _, l := range t.Lessons {
				if m.selected == "" && l.Status != progress.Done && l.Status != progress.Revealed {
					m.selected = l.Lesson.ID
				}
			}
		}
	}
	return m
}

// Init does nothing: the map needs no background work.
func (m *Model) Init() tea.Cmd { return nil }

// Close does nothing: the map has no background work.
func (m *Model) Close() {}

// Title names the page in the header.
func (m *Model) Title() string { return "Course map" }

// Location is the course map.
func (m *Model) Location() progress.Location {
	return progress.Location{Screen: progress.ScreenMap, Lesson: m.selected}
}

// Focus is FocusInput while the filter is being typed.
func (m *Model) Focus() common.Focus {
	if m.confirm.Open() {
		return common.FocusPrompt
	}
	if m.filtering {
		return common.FocusInput
	}
	return common.FocusNone
}

// SetSize sets the page's size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.confirm.SetSize(width, 0)
}

// Selected is the id of the selected lesson.
func (m *Model) Selected() string { return m.selected }

// row is a line of the list: a track heading or a lesson.
type row struct {
	track  *progress.TrackSummary
	lesson *progress.LessonSummary
}

// rows returns the list's lines for the current filter.
func (m *Model) rows(sum *progress.Summary) []row {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value))
	var out []row
	for ti := range sum.Tracks {
		t := &sum.Tracks[ti]
		var ls []row
		for li := range t.Lessons {
			l := &t.Lessons[li]
			if q == "" || matches(q, t, l) {
				ls = append(ls, row{track: t, lesson: l})
			}
		}
		if len(ls) > 0 {
			out = append(out, row{track: t})
			out = append(out, ls...)
		}
	}
	return out
}

// matches reports whether a lesson matches the filter by its title, id,
// track or CKA domain, or by one of its exercises' titles and ids.
func matches(q string, t *progress.TrackSummary, l *progress.LessonSummary) bool {
	les := l.Lesson
	fields := []string{les.Title, les.ID, t.Track.Title, t.Track.ID, string(les.Domain), les.Domain.Short(), les.Domain.Title()}
	for _, ex := range les.Exercises() {
		fields = append(fields, ex.Title, ex.ID)
	}
	for _, s := range fields {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// lessonIndex returns the positions of lesson rows and the selected one's
// index among them (-1 when filtered out).
func (m *Model) lessonIndex(rows []row) (lessonRows []int, sel int) {
	sel = -1
	for i, r := range rows {
		if r.lesson != nil {
			if r.lesson.Lesson.ID == m.selected {
				sel = len(lessonRows)
			}
			lessonRows = append(lessonRows, i)
		}
	}
	return lessonRows, sel
}

// Update handles the filter, movement and opening a lesson.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if m.filtering {
			m.filter.Update(msg)
			m.keepSelectionVisible()
		}
	case messages.ExamLeftoversMsg:
		m.confirm.Ask(fmt.Sprintf("Delete the %s left by earlier exams (your work too) and start?", prose.Plural(msg.Tasks, "task", "tasks")),
			messages.Cmd(messages.StartExamMsg{Clean: true}))
	case tea.KeyPressMsg:
		if m.confirm.Open() {
			return m.confirm.Update(msg)
		}
		if m.filtering {
			m.updateFilter(msg)
			return nil
		}
		return m.updateList(msg)
	}
	return nil
}

func (m *Model) updateFilter(msg tea.KeyPressMsg) {
	if key.Matches(msg, m.c.Keys.Up, m.c.Keys.Down) && msg.Text == "" {
		// Arrows move the selection while typing; letters type.
		m.updateList(msg)
		return
	}
	m.filtering = m.filter.Key(msg, m.c.Keys)
	m.keepSelectionVisible()
}

// keepSelectionVisible selects the first match when the filter hides the
// selected lesson.
func (m *Model) keepSelectionVisible() {
	sum := progress.Summarize(m.c.Course, m.c.Progress)
	rows := m.rows(&sum)
	lessonRows, sel := m.lessonIndex(rows)
	if sel < 0 && len(lessonRows) > 0 {
		m.selected = rows[lessonRows[0]].lesson.Lesson.ID
	}
	m.offset = 0
}

func (m *Model) updateList(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	sum := progress.Summarize(m.c.Course, m.c.Progress)
	rows := m.rows(&sum)
	lessonRows, sel := m.lessonIndex(rows)
	move := func(to int) {
		if len(lessonRows) == 0 {
			return
		}
		to = max(0, min(len(lessonRows)-1, to))
		m.selected = rows[lessonRows[to]].lesson.Lesson.ID
	}
	page := max(1, m.listHeight()-2)
	switch {
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.filter.SelectAll()
	case key.Matches(msg, k.FilterCancel) && m.filter.Value != "":
		m.filter.Value = ""
	case key.Matches(msg, k.Up):
		move(sel - 1)
	case key.Matches(msg, k.Down):
		move(sel + 1)
	case key.Matches(msg, k.PageUp):
		move(sel - page)
	case key.Matches(msg, k.PageDown):
		move(sel + page)
	case key.Matches(msg, k.Top):
		move(0)
	case key.Matches(msg, k.Bottom):
		move(len(lessonRows) - 1)
	case m.c.Exams != nil && key.Matches(msg, k.Exam):
		return messages.Cmd(messages.StartExamMsg{})
	case key.Matches(msg, k.Open):
		if sel >= 0 {
			return messages.Cmd(messages.OpenLessonMsg{Lesson: rows[lessonRows[sel]].lesson.Lesson})
		}
	}
	return nil
}

// header is the course title and overall progress.
func (m *Model) header(sum *progress.Summary) []string {
	s := m.c.Styles
	title := ansi.Truncate(s.Title.Render(m.c.Course.Title), m.width, "…")
	stats := fmt.Sprintf(" %d%% · %d of %s complete · %d of %s read",
		sum.Percent(), sum.Complete(), prose.Plural(sum.Total, "exercise", "exercises"), sum.LessonsRead, prose.Plural(sum.Lessons, "lesson", "lessons"))
	barW := max(10, min(30, m.width-lipgloss.Width(stats)))
	line := s.Bar(barW, sum.Complete(), sum.Total) + s.Muted.Render(stats)
	return []string{title, ansi.Truncate(line, m.width, "…")}
}

// detail describes the selected lesson under the list.
func (m *Model) detail(sum *progress.Summary) []string {
	s := m.c.Styles
	var ls *progress.LessonSummary
	for ti := range sum.Tracks {
		for li := range sum.Tracks[ti].Lessons {
			if sum.Tracks[ti].Lessons[li].Lesson.ID == m.selected {
				ls = &sum.Tracks[ti].Lessons[li]
			}
		}
	}
	if ls == nil {
		return nil
	}
	l := ls.Lesson
	out := []string{s.Subtitle.Render(l.Title) + s.Muted.Render(" · "+l.Domain.Title())}
	facts := fmt.Sprintf("%s, %d complete", prose.Plural(ls.Total, "exercise", "exercises"), ls.Complete())
	if l.Quiz() != nil {
		facts += " · quiz of " + prose.Plural(len(l.Quiz().Questions), "question", "questions")
		if q := ls.Record.Quiz; q != nil {
			facts += fmt.Sprintf(", best %d/%d", q.Best, q.Total)
		}
	}
	if ls.Record.Read {
		facts += " · read"
	}
	out = append(out, s.Muted.Render(facts))
	if off := m.unavailable(l); len(off) > 0 {
		// Where the back end cannot serve some of the lesson (class mode),
		// that matters more than the goals.
		why := m.c.Unavailable(off[0])
		line := fmt.Sprintf("Unavailable here — %s: %s", off[0].Name(), why)
		if len(off) > 1 {
			line = fmt.Sprintf("%d of %d unavailable here — %s: %s", len(off), len(l.Exercises()), off[0].Name(), why)
		}
		out = append(out, s.Muted.Render(line))
	} else if len(l.Goals) > 0 {
		out = append(out, s.Muted.Render("You will: ")+strings.Join(l.Goals, "; "))
	}
	for i := range out {
		out[i] = ansi.Truncate(out[i], m.width, "…")
	}
	return out
}

// unavailable lists the lesson's exercises the back end cannot serve.
func (m *Model) unavailable(l *lessons.Lesson) []*lessons.Exercise {
	if m.c.Unavailable == nil {
		return nil
	}
	var out []*lessons.Exercise
	for _, ex := range l.Exercises() {
		if m.c.Unavailable(ex) != "" {
			out = append(out, ex)
		}
	}
	return out
}

// unavailableCount is the count column of a lesson none of whose
// exercises the back end serves.
const unavailableCount = "n/a"

func (m *Model) legend() string {
	s := m.c.Styles
	parts := []string{
		s.NotStarted.Render(styles.MarkNotStarted) + s.Muted.Render(" not started"),
		s.InProgress.Render(styles.MarkInProgress) + s.Muted.Render(" in progress"),
		s.Done.Render(styles.MarkDone) + s.Muted.Render(" done"),
		s.Revealed.Render(styles.MarkRevealed) + s.Muted.Render(" solution seen"),
	}
	if m.c.Unavailable != nil {
		parts = append(parts, s.Muted.Render(unavailableCount+" unavailable here"))
	}
	return ansi.Truncate(strings.Join(parts, "   "), m.width, "…")
}

// chrome is the number of lines around the list.
const chrome = 2 /* header */ + 1 /* filter or blank */ + 1 /* blank */ + 3 /* detail */ + 1 /* legend */

func (m *Model) listHeight() int { return max(3, m.height-chrome) }

// Columns of a lesson row: cursor, mark, title, domain, exercises, quiz.
const (
	domainW, countW, quizW = 12, 5, 9
	maxTitleW              = 56
	fixedW                 = 2 + 2 + 1 + domainW + 1 + countW + 1 + quizW
)

// rowWidth is the width of list rows: the terminal's, up to what a long
// title needs, so wide terminals do not spread the columns apart.
func (m *Model) rowWidth() int { return min(m.width, fixedW+maxTitleW) }

func (m *Model) renderRow(r row, selected bool) string {
	s := m.c.Styles
	w := m.rowWidth()
	if r.lesson == nil {
		t := r.track
		right := fmt.Sprintf("%d/%d", t.Complete(), t.Total)
		title := t.Track.Title
		if t.Track.Optional {
			title += " (optional)"
		}
		title = ansi.Truncate(title, max(1, w-lipgloss.Width(right)-1), "…")
		gap := max(1, w-lipgloss.Width(title)-lipgloss.Width(right))
		return s.Subtitle.Render(title) + strings.Repeat(" ", gap) + s.Muted.Render(right)
	}
	l := r.lesson
	prefix := "  "
	if selected {
		prefix = s.Selected.Render(styles.Cursor) + " "
	}
	domain := l.Lesson.Domain.Short()
	count := fmt.Sprintf("%d/%d", l.Complete(), l.Total)
	if off := m.unavailable(l.Lesson); len(off) > 0 && len(off) == len(l.Lesson.Exercises()) {
		count = unavailableCount
	}
	quiz := ""
	if q := l.Record.Quiz; q != nil {
		quiz = fmt.Sprintf("quiz %d/%d", q.Best, q.Total)
	}
	titleW := max(8, w-fixedW)
	title := ansi.Truncate(l.Lesson.Title, titleW, "…")
	titleStyle := lipgloss.NewStyle()
	if selected {
		titleStyle = s.Selected
	}
	return prefix + s.Mark(common.ProgressState(l.Status)) + " " +
		titleStyle.Render(title) + strings.Repeat(" ", titleW-lipgloss.Width(title)+1) +
		s.Tag.Render(fmt.Sprintf("%-*s", domainW, domain)) + " " +
		s.Muted.Render(fmt.Sprintf("%*s", countW, count)) + " " +
		s.Muted.Render(fmt.Sprintf("%-*s", quizW, quiz))
}

// View renders the page.
func (m *Model) View() string {
	s := m.c.Styles
	sum := progress.Summarize(m.c.Course, m.c.Progress)
	rows := m.rows(&sum)
	lines := m.header(&sum)
	switch {
	case m.confirm.Open():
		lines = append(lines, m.confirm.View())
	case m.filtering || m.filter.Value != "":
		lines = append(lines, m.filter.View(s, m.filtering, m.width, "type to filter by lesson, exercise, track or domain"))
	default:
		lines = append(lines, "")
	}

	h := m.listHeight()
	var list []string
	selLine := 0
	for i, r := range rows {
		sel := r.lesson != nil && r.lesson.Lesson.ID == m.selected
		if sel {
			selLine = i
		}
		list = append(list, m.renderRow(r, sel))
	}
	if len(rows) == 0 {
		list = append(list, s.Muted.Render(fmt.Sprintf("No lesson matches %q.", m.filter.Value)))
	}
	// Scroll so the selection stays visible, with its track heading when
	// there is room.
	if selLine-1 < m.offset {
		m.offset = max(0, selLine-1)
	}
	if selLine >= m.offset+h {
		m.offset = selLine - h + 1
	}
	m.offset = max(0, min(m.offset, len(list)-h))
	end := min(len(list), m.offset+h)
	visible := list[m.offset:end]
	for len(visible) < h {
		visible = append(visible, "")
	}
	lines = append(lines, visible...)
	lines = append(lines, "")
	detail := m.detail(&sum)
	for len(detail) < 3 {
		detail = append(detail, "")
	}
	lines = append(lines, detail[:3]...)
	lines = append(lines, m.legend())
	return strings.Join(lines, "\n")
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.confirm.Open() {
		return m.confirm.ShortHelp()
	}
	if m.filtering {
		return []key.Binding{k.FilterAccept, k.FilterCancel}
	}
	out := []key.Binding{k.Up, k.Down, k.Open, k.Filter}
	if m.filter.Value != "" {
		out = append(out, k.FilterCancel)
	}
	return out
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	if m.confirm.Open() {
		return m.confirm.FullHelp()
	}
	if m.filtering {
		return [][]key.Binding{{k.Up, k.Down, k.FilterAccept, k.FilterCancel}}
	}
	more := m.ShortHelp()[2:]
	if m.c.Exams != nil {
		more = append(more, k.Exam)
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, more}
}
