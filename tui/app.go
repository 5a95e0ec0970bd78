// Package tui is kubedojo's terminal interface, built with Bubble Tea v2:
// the course map, the lesson reader, exercises graded live on the lab, and
// quizzes, with the learner's progress saved after every change.
//
// The root model here keeps a stack of pages (tui/pages/...), owns the
// shared Common state, starts the lab in the background, and handles what
// is global: quitting, help, resizing, colours, errors and navigation.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/components/labpanel"
	"github.com/kubedojo/kubedojo/tui/keymap"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/pages/coursemap"
	exampage "github.com/kubedojo/kubedojo/tui/pages/exam"
	"github.com/kubedojo/kubedojo/tui/pages/exercise"
	"github.com/kubedojo/kubedojo/tui/pages/lesson"
	"github.com/kubedojo/kubedojo/tui/pages/quiz"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Grader, Lab and the lab's progress and status types are defined next to
// the pages that use them; these aliases let callers of New name them from
// this package.
type (
	Grader      = common.Grader
	Lab         = common.Lab
	LabProgress = common.LabProgress
	LabStatus   = common.LabStatus
	Terminal    = common.Terminal
)

// Options configure the TUI.
type Options struct {
	// Course is the loaded lesson pack.
	Course *lessons.Course
	// Progress is the learner's progress store.
	Progress *progress.Store
	// Lab and Grader run and grade the exercises; leave both nil to run
	// without a lab (lessons and quizzes only).
	Lab    Lab
	Grader Grader
	// Vars returns the lab's template values ({{NODE}}, …); it is called
	// once the lab has started. Nil leaves the placeholders in the text.
	Vars func(ctx context.Context) (lessons.Vars, error)
	// Notice is shown on the status line at start, for example that a
	// damaged progress file was set aside.
	Notice string
	// Terminal is what the TUI may use of its terminal (DetectTerminal).
	Terminal Terminal
	// SecondTerminal returns the command that opens an exercise's shell
	// in another terminal; nil means "kubedojo lab shell ID".
	SecondTerminal func(exerciseID string) string
	// Log receives diagnostics; nil discards them.
	Log *slog.Logger
	// Exams opens mock exams from the course map (X); nil hides them.
	Exams common.Exams
	// Unavailable, when set, marks the exercises the back end cannot
	// serve on the course map, with the reason (common.Common.Unavailable).
	Unavailable func(ex *lessons.Exercise) string
	// Exam, when set, makes the TUI the exam screen of this exam alone
	// (kubedojo exam); Course is then the exam's pool.
	Exam common.ExamSession
	// ExamOptions tune the exam screen (tests freeze its clock).
	ExamOptions exampage.Options
}

// Model is the root Bubble Tea model.
type Model struct {
	c      *common.Common
	vars   func(context.Context) (lessons.Vars, error)
	pages  []common.Page
	help   help.Model
	status status
	lab    *labRun
	// examOpts tune the exam screens the course map opens.
	examOpts exampage.Options
	// saving is set while a save of the progress store runs.
	saving bool
}

// savedMsg ends a save of the progress store.
type savedMsg struct{ err error }

// examOpenedMsg carries the exam the course map asked for.
type examOpenedMsg struct {
	sess common.ExamSession
	err  error
}

// status is the status line: one message, an error or a notice.
type status struct {
	text  string
	isErr bool
}

// New builds the TUI and opens the place the learner left: the map, a
// lesson, an exercise or a quiz (with the pages that lead there beneath it,
// so esc goes back the usual way).
func New(ctx context.Context, opts Options) *Model {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c := &common.Common{
		Ctx:      ctx,
		Styles:   styles.New(true), // dark until the terminal answers
		Keys:     keymap.Default(),
		Log:      log,
		Course:   opts.Course,
		Progress: opts.Progress.Course(opts.Course.ID),
		Lab:      opts.Lab,
		Grader:   opts.Grader,
		Exams:    opts.Exams,

		Unavailable: opts.Unavailable,
		// kubedojo exam opens the screen on a lab it has connected to.
		LabState: common.LabState{Disabled: opts.Lab == nil && opts.Exam == nil, Ready: opts.Exam != nil},
		Terminal: opts.Terminal,

		SecondTerminal: opts.SecondTerminal,
	}
	m := &Model{c: c, vars: opts.Vars, help: help.New(), examOpts: opts.ExamOptions}
	m.help.Styles = c.Styles.Help
	if opts.Notice != "" {
		m.status = status{text: opts.Notice}
	}
	if opts.Exam != nil {
		m.pages = []common.Page{exampage.New(c, opts.Exam, opts.ExamOptions)}
		return m
	}
	var err error
	if m.pages, err = m.resumePages(); err != nil {
		m.status = status{text: err.Error(), isErr: true}
	}
	return m
}

// decodeErr is why some of a lazily loaded lesson's exercises did not
// decode (lessons.LoadValidatedLazily), for the status line.
func decodeErr(l *lessons.Lesson) error {
	if err := l.Decode(); err != nil {
		return fmt.Errorf("lesson %s: some exercises cannot be shown: %w", l.ID, err)
	}
	return nil
}

// resumePages rebuilds the page stack for the last recorded location; the
// error is why some exercises of the lesson it opens cannot be shown.
func (m *Model) resumePages() ([]common.Page, error) {
	c := m.c
	last, _ := c.Progress.Last()
	l := c.Course.Lesson(last.Lesson)
	pages := []common.Page{coursemap.New(c, last.Lesson)}
	if l == nil || last.Screen == progress.ScreenMap {
		return pages, nil
	}
	pages = append(pages, lesson.New(c, l))
	switch last.Screen {
	case progress.ScreenExercise:
		if ex := c.Course.Exercise(last.Exercise); ex != nil && ex.Lesson == l {
			pages = append(pages, exercise.New(c, ex))
		}
	case progress.ScreenQuiz:
		if l.Quiz() != nil {
			pages = append(pages, quiz.New(c, l))
		}
	}
	return pages, decodeErr(l)
}

func (m *Model) top() common.Page { return m.pages[len(m.pages)-1] }

// Init asks the terminal for its background colour, starts the lab and
// starts every page on the stack.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.startLab()}
	for _, p := range m.pages {
		cmds = append(cmds, p.Init())
	}
	return tea.Batch(cmds...)
}

// chrome is the header and the lines under the page.
func (m *Model) chromeHeight() int {
	h := 1 + lipgloss.Height(m.helpView())
	if sv := m.statusView(); sv != "" {
		h += lipgloss.Height(sv)
	}
	return h
}

// layout gives every page the space left by the header, status and help.
func (m *Model) layout() {
	m.help.SetWidth(m.c.Width)
	h := max(1, m.c.Height-m.chromeHeight())
	for _, p := range m.pages {
		p.SetSize(m.c.Width, h)
	}
}

// Update handles global keys and messages, then passes the rest on: keys
// to the page on top, everything else to every page (their messages carry
// ids, so each page takes only its own). Pages record progress in the
// store; the root saves it after any update that changed it, one save at
// a time.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.syncKeys()
	m.layout()
	if !m.saving && m.c.Progress.Store().Dirty() {
		m.saving = true
		cmd = tea.Batch(cmd, m.save())
	}
	return m, cmd
}

// save writes the progress file in the background.
func (m *Model) save() tea.Cmd {
	store := m.c.Progress.Store()
	return func() tea.Msg {
		if err := store.Save(); err != nil {
			return savedMsg{err: fmt.Errorf("%w: check that %s is writable", err, store.Path())}
		}
		return savedMsg{}
	}
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.layout()
		return m.broadcast(msg)
	case tea.BackgroundColorMsg:
		if msg.IsDark() == m.c.Styles.IsDark {
			return nil
		}
		m.c.Styles = styles.New(msg.IsDark())
		m.help.Styles = m.c.Styles.Help
		return m.broadcast(messages.ThemeChangedMsg{})
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	case savedMsg:
		m.saving = false
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: msg.err})
		}
		return nil
	case messages.ErrorMsg:
		m.status = status{text: msg.Err.Error(), isErr: true}
		m.c.Log.Error("shown to the learner", "err", msg.Err)
		return nil
	case messages.NoticeMsg:
		m.status = status{text: msg.Text}
		return nil
	case messages.OpenLessonMsg:
		cmd := m.push(lesson.New(m.c, msg.Lesson), false)
		if err := decodeErr(msg.Lesson); err != nil {
			return tea.Batch(cmd, messages.Cmd(messages.ErrorMsg{Err: err}))
		}
		return cmd
	case messages.OpenExerciseMsg:
		return m.push(exercise.New(m.c, msg.Exercise), msg.Replace)
	case messages.OpenQuizMsg:
		if msg.Lesson.Quiz() == nil {
			return nil
		}
		return m.push(quiz.New(m.c, msg.Lesson), msg.Replace)
	case messages.StartExamMsg:
		if m.c.Exams == nil || !m.c.LabState.Ready {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("the mock exam needs the lab, and it is not ready yet")})
		}
		exams, ctx, clean := m.c.Exams, m.c.Ctx, msg.Clean
		return func() tea.Msg {
			sess, err := exams.Open(ctx, clean)
			return examOpenedMsg{sess: sess, err: err}
		}
	case examOpenedMsg:
		var left *common.LeftoversError
		if errors.As(msg.err, &left) {
			return m.broadcast(messages.ExamLeftoversMsg{Tasks: left.Tasks})
		}
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("open the mock exam: %w", msg.err)})
		}
		return m.push(exampage.New(m.c, msg.sess, m.examOpts), false)
	case messages.BackMsg:
		return m.pop()
	case labEventMsg, labStartedMsg, labStatusMsg, varsMsg:
		return m.updateLab(msg)
	case messages.LabAnswersMsg:
		if m.c.LabState.Unreachable == msg.Unreachable {
			return nil
		}
		m.c.LabState.Unreachable = msg.Unreachable
		return m.broadcast(messages.LabChangedMsg{})
	}
	return m.broadcast(msg)
}

func (m *Model) updateKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	top := m.top()
	focus := top.Focus()
	switch {
	case focus == common.FocusInput && msg.String() == "ctrl+c",
		focus != common.FocusInput && key.Matches(msg, k.Quit):
		m.closeAll()
		return tea.Sequence(m.save(), tea.Quit)
	case focus != common.FocusInput && key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case focus == common.FocusNone && key.Matches(msg, k.Back):
		return m.pop()
	case focus == common.FocusNone && key.Matches(msg, k.RetryLab):
		return m.startLab()
	}
	m.status = status{}
	return top.Update(msg)
}

// syncKeys enables the global bindings that apply now, so help lists only
// those.
func (m *Model) syncKeys() {
	m.c.Keys.Back.SetEnabled(len(m.pages) > 1)
	m.c.Keys.RetryLab.SetEnabled(m.c.LabState.Err != nil && m.c.Lab != nil && !m.c.LabState.Starting)
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.pages))
	for _, p := range m.pages {
		cmds = append(cmds, p.Update(msg))
	}
	return tea.Batch(cmds...)
}

// push opens a page, in place of the top one with replace.
func (m *Model) push(p common.Page, replace bool) tea.Cmd {
	if replace && len(m.pages) > 1 {
		m.top().Close()
		m.pages = m.pages[:len(m.pages)-1]
	}
	m.pages = append(m.pages, p)
	m.status = status{}
	m.layout()
	m.recordLocation()
	return p.Init()
}

// pop closes the top page; the course map is never closed.
func (m *Model) pop() tea.Cmd {
	if len(m.pages) == 1 {
		return nil
	}
	m.top().Close()
	m.pages = m.pages[:len(m.pages)-1]
	m.status = status{}
	m.recordLocation()
	return nil
}

func (m *Model) closeAll() {
	for _, p := range m.pages {
		p.Close()
	}
}

// recordLocation records where the learner is, for resuming.
func (m *Model) recordLocation() {
	m.c.Progress.SetLast(m.top().Location())
}

// helpKeyMap is the active page's bindings plus the global ones.
type helpKeyMap struct {
	page   help.KeyMap
	global []key.Binding
}

func (h helpKeyMap) ShortHelp() []key.Binding {
	return append(append([]key.Binding{}, h.page.ShortHelp()...), h.global...)
}

func (h helpKeyMap) FullHelp() [][]key.Binding {
	return append(append([][]key.Binding{}, h.page.FullHelp()...), h.global)
}

func (m *Model) keys() helpKeyMap {
	k := m.c.Keys
	switch m.top().Focus() {
	case common.FocusInput:
		return helpKeyMap{page: m.top()}
	case common.FocusPrompt:
		return helpKeyMap{page: m.top(), global: []key.Binding{k.Help, k.Quit}}
	}
	return helpKeyMap{page: m.top(), global: k.Global()}
}

func (m *Model) helpView() string {
	return m.help.View(m.keys())
}

// header is the top bar: app name, where the learner is, and the lab.
func (m *Model) header() string {
	s := m.c.Styles
	w := m.c.Width
	titles := make([]string, 0, len(m.pages))
	for _, p := range m.pages[1:] {
		titles = append(titles, p.Title())
	}
	if len(m.pages) == 1 {
		titles = append(titles, m.pages[0].Title())
	}
	if len(m.pages) > 2 {
		if l, ok := m.pages[1].(*lesson.Model); ok {
			titles[0] = l.Lesson().Track.Title + " › " + titles[0]
		}
	}
	lab := " " + labpanel.Compact(m.c) + " "
	name := s.HeaderTitle.Render(" kubedojo ")
	crumbW := max(0, w-lipgloss.Width(name)-lipgloss.Width(lab))
	crumb := ansi.Truncate(" "+strings.Join(titles, " › "), crumbW, "…")
	gap := max(0, w-lipgloss.Width(name)-lipgloss.Width(crumb)-lipgloss.Width(lab))
	return name + s.Crumb.Render(crumb+strings.Repeat(" ", gap)) + s.Header.Render(lab)
}

// statusLines is the most the status line may grow to.
const statusLines = 3

// statusView is the status line, wrapped so an error's advice is readable.
func (m *Model) statusView() string {
	if m.status.text == "" {
		return ""
	}
	style := m.c.Styles.StatusInfo
	if m.status.isErr {
		style = m.c.Styles.StatusError
	}
	lines := strings.Split(prose.Wrap(m.status.text, max(10, m.c.Width)), "\n")
	if len(lines) > statusLines {
		lines = lines[:statusLines]
		lines[statusLines-1] = ansi.Truncate(lines[statusLines-1], m.c.Width-1, "") + "…"
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n")
}

// View draws the header, the page, the status line and help.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "kubedojo · " + m.top().Title()
	if m.c.Width == 0 || m.c.Height == 0 {
		return v // no size yet: nothing to lay out
	}
	pageH := max(1, m.c.Height-m.chromeHeight())
	page := lipgloss.NewStyle().Height(pageH).MaxHeight(pageH).MaxWidth(m.c.Width).Render(m.top().View())
	parts := []string{m.header(), page}
	if sv := m.statusView(); sv != "" {
		parts = append(parts, sv)
	}
	parts = append(parts, m.helpView())
	screen := strings.Join(parts, "\n")
	if m.c.Width < minWidth || m.c.Height < minHeight {
		screen = lipgloss.Wrap(fmt.Sprintf("kubedojo needs a terminal of at least %dx%d (this one is %dx%d). Make it larger, or press q to quit.",
			minWidth, minHeight, m.c.Width, m.c.Height), m.c.Width, " ")
	}
	// Whatever happens above, never draw more than the terminal holds.
	v.SetContent(lipgloss.NewStyle().MaxHeight(m.c.Height).MaxWidth(m.c.Width).Render(screen))
	return v
}

// The smallest terminal the screens are laid out for.
const minWidth, minHeight = 40, 10
