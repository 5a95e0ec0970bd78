// Package exam is the mock exam screen: the setup of every task before the
// clock starts, then the task list with weights and flags next to the
// current task, a countdown that is always visible with alerts at 30, 15
// and 5 minutes, the shell in the task's context, and at the end the
// report. In exam mode hints and check results stay hidden until the end;
// in training mode they come on demand and a task can be reset.
package exam

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/components/markdown"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// phase is where the exam is.
type phase int

const (
	phaseSetup phase = iota
	phaseRunning
	phaseConfirmEnd
	phaseConfirmReset
	phaseGrading
	phaseReport
)

// taskSetup is one task's line during the setup.
type taskSetup struct {
	running, ready bool
	err            error
}

// Model is the exam screen.
type Model struct {
	c     *common.Common
	id    int
	sess  common.ExamSession
	st    *exam.State
	tasks []*lessons.Exercise
	now   func() time.Time

	phase  phase
	width  int
	height int
	// vp shows the report; reader the current task, rendered as the
	// course's exercise page renders an exercise.
	vp     viewport.Model
	reader *markdown.Model

	setup    []taskSetup
	images   string
	setupErr error
	events   chan tea.Msg

	lastAlert exam.Alert
	alert     string

	// hints and reports are what training mode revealed, per task.
	hints   map[int]int
	reports map[int]result.Report
	busy    string

	graded, gradeTotal int
	result             *exam.Result
	gradeErr           error

	// live is the watch that grades the current task in training.
	live *liveWatch

	ctx    context.Context
	cancel context.CancelFunc
}

// liveWatch carries a training task's live reports from Watch's goroutine:
// a one-slot channel keeps only the newest.
type liveWatch struct {
	seq, task int
	ctx       context.Context
	cancel    context.CancelFunc
	mu        sync.Mutex
	reports   chan result.Report
}

func (w *liveWatch) deliver(r result.Report) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.reports:
	default:
	}
	w.reports <- r
}

// Options tune the screen.
type Options struct {
	// Now is the clock (time.Now when nil); golden tests freeze it.
	Now func() time.Time
}

// New opens the exam screen on an exam.
func New(c *common.Common, sess common.ExamSession, opts Options) *Model {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	st := *sess.State()
	st.Tasks = append([]exam.TaskState(nil), st.Tasks...)
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{}
	ctx, cancel := context.WithCancel(c.Ctx)
	m := &Model{
		c: c, id: c.NextID(), sess: sess, st: &st, tasks: sess.Tasks(), now: now, vp: vp, reader: markdown.New(c),
		setup: make([]taskSetup, len(st.Tasks)), hints: map[int]int{}, reports: map[int]result.Report{},
		ctx: ctx, cancel: cancel,
	}
	for i, t := range st.Tasks {
		m.setup[i].ready = t.SetUp
	}
	if st.SetUpDone() && !st.Started.IsZero() {
		m.phase = phaseRunning
		m.noteAlert()
	}
	m.syncKeys()
	return m
}

// Messages of the screen, tagged with its id.
type (
	setupEventMsg struct {
		id int
		ev exam.SetupEvent
	}
	setupDoneMsg struct {
		id  int
		st  exam.State
		err error
	}
	tickMsg struct {
		id int
		at time.Time
	}
	gradeProgressMsg struct{ id, done, total int }
	gradedMsg        struct {
		id  int
		res *exam.Result
		err error
	}
	shellDoneMsg struct {
		id  int
		err error
	}
	nodeShellMsg struct {
		id  int
		cmd *exec.Cmd
		err error
	}
	liveReportMsg struct {
		id, seq, task int
		rep           result.Report
	}
	checkedMsg struct {
		id, task int
		rep      result.Report
	}
	resetDoneMsg struct {
		id, task int
		err      error
	}
)

// Init starts the setup, or the clock of an exam already set up.
func (m *Model) Init() tea.Cmd {
	if m.phase == phaseSetup {
		return m.startSetup()
	}
	return tea.Batch(m.tick(), m.reader.Render(), m.startLive())
}

// Close stops the screen's background work; the exam stays saved.
func (m *Model) Close() { m.cancel() }

// startLive grades the current task live in training, replacing the
// watch of the task shown before; exam mode reveals nothing until the end.
func (m *Model) startLive() tea.Cmd {
	seq := 1
	if m.live != nil {
		m.live.cancel()
		seq = m.live.seq + 1
	}
	m.live = nil
	if m.st.Mode.Timed() || m.phase != phaseRunning || len(m.tasks) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	w := &liveWatch{seq: seq, task: m.st.Current, ctx: ctx, cancel: cancel, reports: make(chan result.Report, 1)}
	m.live = w
	sess := m.sess
	go func() { _ = sess.Watch(ctx, w.task, w.deliver) }()
	return m.nextLive(w)
}

// nextLive waits for the watch's next report; nothing once it is stopped.
func (m *Model) nextLive(w *liveWatch) tea.Cmd {
	id := m.id
	return messages.Listen(func() tea.Msg {
		select {
		case r := <-w.reports:
			return liveReportMsg{id: id, seq: w.seq, task: w.task, rep: r}
		case <-w.ctx.Done():
			return nil
		}
	})
}

// Title is the page's name in the header.
func (m *Model) Title() string {
	if m.st.Mode.Timed() {
		return "Exam"
	}
	return "Training exam"
}

// Location keeps the course map as the place to resume: an exam resumes
// from its own state (kubedojo exam --resume, or X on the course map).
func (m *Model) Location() progress.Location { return progress.Location{Screen: progress.ScreenMap} }

// Focus: a confirmation takes the keys.
func (m *Model) Focus() common.Focus {
	if m.phase == phaseConfirmEnd || m.phase == phaseConfirmReset {
		return common.FocusPrompt
	}
	return common.FocusNone
}

// SetSize gives the screen its size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.refresh()
}

func (m *Model) tick() tea.Cmd {
	id := m.id
	return messages.Listen(tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg{id: id, at: t} }))
}

// startSetup runs the setup in the background; its events come back one
// message at a time through a channel.
func (m *Model) startSetup() tea.Cmd {
	events := make(chan tea.Msg, 64)
	m.events = events
	st := *m.st
	st.Tasks = append([]exam.TaskState(nil), m.st.Tasks...)
	id, ctx, sess := m.id, m.ctx, m.sess
	go func() {
		err := sess.SetUp(ctx, &st, func(ev exam.SetupEvent) { events <- setupEventMsg{id: id, ev: ev} })
		events <- setupDoneMsg{id: id, st: st, err: err}
		close(events)
	}()
	return m.nextEvent()
}

func (m *Model) nextEvent() tea.Cmd {
	events := m.events
	return messages.Listen(func() tea.Msg { return <-events })
}

// save records the state in the background, from a copy.
func (m *Model) save() tea.Cmd {
	st := *m.st
	st.Tasks = append([]exam.TaskState(nil), m.st.Tasks...)
	sess := m.sess
	return func() tea.Msg {
		if err := sess.Save(&st); err != nil {
			return messages.ErrorMsg{Err: fmt.Errorf("save the exam: %w (it goes on; the next change saves again)", err)}
		}
		return nil
	}
}

// Update handles keys and the screen's messages.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	if _, isKey := msg.(tea.KeyPressMsg); !isKey {
		cmd = tea.Batch(cmd, m.reader.Update(msg))
	}
	m.syncKeys()
	m.refresh()
	return tea.Batch(cmd, m.reader.Render())
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case setupEventMsg:
		if msg.id != m.id {
			return nil
		}
		m.setupEvent(msg.ev)
		return m.nextEvent()
	case setupDoneMsg:
		if msg.id != m.id {
			return nil
		}
		m.st = &msg.st
		if msg.err != nil {
			m.setupErr = msg.err
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("%w; the exam is kept: fix the lab and open it again to go on", msg.err)})
		}
		m.phase = phaseRunning
		m.noteAlert()
		return tea.Batch(m.tick(), m.startLive())
	case tickMsg:
		if msg.id != m.id || m.phase == phaseReport || m.phase == phaseGrading {
			return nil
		}
		return m.onTick()
	case gradeProgressMsg:
		if msg.id == m.id {
			m.graded, m.gradeTotal = msg.done, msg.total
			return m.nextEvent()
		}
	case gradedMsg:
		if msg.id != m.id {
			return nil
		}
		if msg.err != nil {
			m.gradeErr = msg.err
			m.phase = phaseRunning
			return tea.Batch(m.tick(), messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("grade the exam: %w; E grades again", msg.err)}))
		}
		m.result, m.phase = msg.res, phaseReport
		m.vp.GotoTop()
		return nil
	case shellDoneMsg:
		if msg.id == m.id && msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("shell: %w", msg.err)})
		}
	case nodeShellMsg:
		if msg.id != m.id {
			return nil
		}
		m.busy = ""
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("node shell: %w", msg.err)})
		}
		id := m.id
		return tea.ExecProcess(msg.cmd, func(err error) tea.Msg { return shellDoneMsg{id: id, err: err} })
	case liveReportMsg:
		if msg.id != m.id || m.live == nil || msg.seq != m.live.seq {
			return nil
		}
		m.reports[msg.task] = msg.rep
		return m.nextLive(m.live)
	case checkedMsg:
		if msg.id == m.id {
			m.reports[msg.task], m.busy = msg.rep, ""
		}
	case resetDoneMsg:
		if msg.id != m.id {
			return nil
		}
		m.busy = ""
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("reset task %d: %w", msg.task+1, msg.err)})
		}
		delete(m.reports, msg.task)
		return tea.Batch(m.startLive(), messages.Cmd(messages.NoticeMsg{Text: fmt.Sprintf("Task %d is back at its start state.", msg.task+1)}))
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	}
	return nil
}

func (m *Model) setupEvent(ev exam.SetupEvent) {
	if ev.Task < 0 {
		switch {
		case !ev.Done:
			m.images = "preloading the pool's images into the nodes"
		case ev.Err != nil:
			m.images = "images: " + ev.Err.Error()
		default:
			m.images = "images preloaded"
		}
		return
	}
	s := &m.setup[ev.Task]
	s.running = !ev.Done
	if ev.Done {
		s.ready, s.err = ev.Err == nil, ev.Err
	}
}

// noteAlert shows the alert already due when the exam is opened (resumed
// late) without announcing it again.
func (m *Model) noteAlert() {
	if a, ok := m.st.Clock().DueAlert(m.now(), 0); ok {
		m.lastAlert, m.alert = a, a.String()
	}
}

// onTick re-arms the clock, raises the alerts and ends a timed exam whose
// time ran out.
func (m *Model) onTick() tea.Cmd {
	now, clock := m.now(), m.st.Clock()
	if clock.Expired(now) {
		m.alert = "Time is up."
		return tea.Batch(m.grade(), messages.Cmd(messages.NoticeMsg{Text: "Time is up: grading the cluster as it is now."}))
	}
	if a, ok := clock.DueAlert(now, m.lastAlert); ok {
		m.lastAlert = a
		m.alert = a.String()
		return tea.Batch(m.tick(), messages.Cmd(messages.NoticeMsg{Text: "Exam: " + a.String() + "."}))
	}
	return m.tick()
}

// grade ends the exam: every task graded once, in the background.
func (m *Model) grade() tea.Cmd {
	m.phase = phaseGrading
	m.startLive() // stops the live checks: grading is the last word
	m.graded, m.gradeTotal = 0, len(m.st.Tasks)
	events := make(chan tea.Msg, len(m.st.Tasks)+1)
	m.events = events
	st := *m.st
	st.Tasks = append([]exam.TaskState(nil), m.st.Tasks...)
	id, ctx, sess := m.id, m.ctx, m.sess
	go func() {
		res, err := sess.Grade(ctx, &st, func(done, total int) { events <- gradeProgressMsg{id: id, done: done, total: total} })
		events <- gradedMsg{id: id, res: res, err: err}
		close(events)
	}()
	return m.nextEvent()
}

func (m *Model) updateKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch m.phase {
	case phaseConfirmEnd, phaseConfirmReset:
		confirmed := key.Matches(msg, k.Yes)
		if !confirmed && !key.Matches(msg, k.No) {
			return nil
		}
		was := m.phase
		m.phase = phaseRunning
		switch {
		case confirmed && was == phaseConfirmEnd:
			return m.grade()
		case confirmed:
			return m.reset()
		}
		return nil
	case phaseReport:
		m.c.Keys.ScrollViewport(&m.vp, msg)
		return nil
	case phaseRunning:
	default:
		return nil
	}
	training := !m.st.Mode.Timed()
	switch {
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.PageUp, k.PageDown, k.Top, k.Bottom):
		return m.reader.Update(msg)
	case key.Matches(msg, k.Flag):
		t := &m.st.Tasks[m.st.Current]
		t.Flagged = !t.Flagged
		return m.save()
	case key.Matches(msg, k.EndExam):
		m.phase = phaseConfirmEnd
	case key.Matches(msg, k.Shell):
		return m.shell()
	case m.nodeTask() && key.Matches(msg, k.NodeShell) && m.busy == "":
		m.busy = "opening a shell inside the node…"
		ctx, sess, id := m.ctx, m.sess, m.id
		return func() tea.Msg {
			cmd, err := sess.NodeShell(ctx)
			return nodeShellMsg{id: id, cmd: cmd, err: err}
		}
	case training && key.Matches(msg, k.Hint):
		i := m.st.Current
		if m.hints[i] < len(m.tasks[i].Hints) {
			m.hints[i]++
		}
	case training && key.Matches(msg, k.Check) && m.busy == "":
		m.busy = "checking…"
		i, ctx, sess, id := m.st.Current, m.ctx, m.sess, m.id
		return func() tea.Msg { return checkedMsg{id: id, task: i, rep: sess.Check(ctx, i)} }
	case training && key.Matches(msg, k.Reset) && m.busy == "":
		m.phase = phaseConfirmReset
	}
	return nil
}

func (m *Model) move(by int) tea.Cmd {
	next := min(max(m.st.Current+by, 0), len(m.st.Tasks)-1)
	if next == m.st.Current {
		return nil
	}
	m.st.Current = next
	m.reader.Reveal(top)
	return tea.Batch(m.save(), m.startLive())
}

func (m *Model) reset() tea.Cmd {
	m.busy = "resetting…"
	i, ctx, sess, id := m.st.Current, m.ctx, m.sess, m.id
	return func() tea.Msg { return resetDoneMsg{id: id, task: i, err: sess.Reset(ctx, i)} }
}

func (m *Model) shell() tea.Cmd {
	cmd, err := m.sess.Shell(m.st, m.st.Current)
	if err != nil {
		return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("shell: %w", err)})
	}
	id := m.id
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return shellDoneMsg{id: id, err: err} })
}

// nodeTask reports whether the current task works inside a node, so the
// screen offers the node shell.
func (m *Model) nodeTask() bool {
	return len(m.tasks) > 0 && m.tasks[m.st.Current].Tier == lessons.TierNodeAccess
}

// syncKeys enables the bindings that apply in the current phase, so help
// lists only those.
func (m *Model) syncKeys() {
	k := m.c.Keys
	running := m.phase == phaseRunning
	training := running && !m.st.Mode.Timed()
	for _, b := range []*key.Binding{&k.Flag, &k.EndExam, &k.Shell} {
		b.SetEnabled(running)
	}
	for _, b := range []*key.Binding{&k.Hint, &k.Check, &k.Reset} {
		b.SetEnabled(training)
	}
	k.NodeShell.SetEnabled(running && m.nodeTask())
}

// ShortHelp lists the phase's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.phase {
	case phaseConfirmEnd, phaseConfirmReset:
		return []key.Binding{k.Yes, k.No}
	case phaseReport:
		return []key.Binding{k.Up, k.Down, k.PageDown}
	case phaseRunning:
		out := []key.Binding{k.Up, k.Down, k.Shell}
		if m.nodeTask() {
			out = append(out, k.NodeShell)
		}
		out = append(out, k.Flag, k.EndExam)
		if !m.st.Mode.Timed() {
			out = append(out, k.Hint, k.Check, k.Reset)
		}
		return out
	}
	return nil
}

// FullHelp lists every key of the phase.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	if m.phase == phaseRunning || m.phase == phaseReport {
		return [][]key.Binding{m.ShortHelp(), {k.PageUp, k.PageDown, k.Top, k.Bottom}}
	}
	return [][]key.Binding{m.ShortHelp()}
}

// refresh puts the right pane's text into the viewport for the size.
func (m *Model) refresh() {
	_, right := m.columns()
	m.vp.SetWidth(max(1, right))
	m.vp.SetHeight(max(1, m.height-2))
	switch m.phase {
	case phaseReport:
		m.vp.SetWidth(max(1, m.width))
		m.vp.SetContent(m.reportText(m.width))
	case phaseRunning, phaseConfirmEnd, phaseConfirmReset, phaseGrading:
		m.reader.SetSize(max(1, right), max(1, m.height-2))
		m.reader.SetMarkdown(m.taskDocument())
	}
}

// columns splits the width between the task list and the task.
func (m *Model) columns() (left, right int) {
	left = min(40, max(24, m.width/3))
	return left, max(10, m.width-left-1)
}

// View draws the phase.
func (m *Model) View() string {
	switch m.phase {
	case phaseSetup:
		return m.setupView()
	case phaseReport:
		return lipgloss.JoinVertical(lipgloss.Left, m.clockLine(), m.vp.View())
	}
	left, _ := m.columns()
	list := lipgloss.NewStyle().Width(left).Height(max(1, m.height-2)).MaxHeight(max(1, m.height-2)).Render(m.taskList(left))
	rule := m.c.Styles.Rule.Render(strings.Repeat("│\n", max(1, m.height-2)-1) + "│")
	body := lipgloss.JoinHorizontal(lipgloss.Top, list, rule, m.reader.View())
	return lipgloss.JoinVertical(lipgloss.Left, m.clockLine(), m.bottomLine(), body)
}

// clockLine is the countdown line, always at the top.
func (m *Model) clockLine() string {
	s := m.c.Styles
	clock := m.st.Clock()
	var parts []string
	switch {
	case m.phase == phaseReport:
		parts = append(parts, s.Title.Render("Exam "+m.st.ID+" graded"))
	case !m.st.Mode.Timed():
		parts = append(parts, s.Title.Render("Training exam "+m.st.ID), "untimed · "+exam.FormatClock(clock.Used(m.now()))+" so far")
	default:
		left := clock.Remaining(m.now())
		timer := "⏱ " + exam.FormatClock(left) + " left"
		style := s.Accent
		if left <= 15*time.Minute {
			style = s.Fail
		}
		parts = append(parts, s.Title.Render("Exam "+m.st.ID), style.Bold(true).Render(timer))
	}
	if m.alert != "" && m.phase != phaseReport {
		parts = append(parts, s.Prompt.Render("⚠ "+m.alert))
	}
	flagged := 0
	for _, t := range m.st.Tasks {
		if t.Flagged {
			flagged++
		}
	}
	if m.phase != phaseReport {
		parts = append(parts, fmt.Sprintf("%d tasks · %d flagged", len(m.st.Tasks), flagged))
	}
	return ansi.Truncate(strings.Join(parts, s.Muted.Render(" · ")), max(1, m.width), "…")
}

// bottomLine is the prompt of a confirmation, the grading progress or the
// training status; empty otherwise.
func (m *Model) bottomLine() string {
	s := m.c.Styles
	switch m.phase {
	case phaseConfirmEnd:
		return s.Prompt.Render(m.endQuestion())
	case phaseConfirmReset:
		return s.Prompt.Render(fmt.Sprintf("Reset task %d to its start state? What you did for it is deleted. (y/n)", m.st.Current+1))
	case phaseGrading:
		return s.Accent.Render(fmt.Sprintf("Grading on the live cluster: %d/%d tasks ", m.graded, m.gradeTotal)) + s.Bar(20, m.graded, m.gradeTotal)
	}
	if m.busy != "" {
		return s.Muted.Render(m.busy)
	}
	return ""
}

func (m *Model) endQuestion() string {
	flagged := 0
	for _, t := range m.st.Tasks {
		if t.Flagged {
			flagged++
		}
	}
	q := "End the exam and grade it now?"
	if flagged > 0 {
		q = fmt.Sprintf("End the exam with %d task(s) flagged for review and grade it now?", flagged)
	}
	return q + " (y/n)"
}

// taskList is the left pane: every task with its weight and flag.
func (m *Model) taskList(width int) string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Subtitle.Render("Tasks") + s.Muted.Render("  weight") + "\n")
	for i, ex := range m.tasks {
		cursor, style := " ", lipgloss.NewStyle()
		if i == m.st.Current {
			cursor, style = styles.Cursor, s.Selected
		}
		flag := " "
		if m.st.Tasks[i].Flagged {
			flag = s.Prompt.Render("⚑")
		}
		weight := fmt.Sprintf("%3d%%", ex.Weight)
		title := ansi.Truncate(ex.Title, max(1, width-len(weight)-8), "…")
		pad := max(1, width-ansi.StringWidth(title)-len(weight)-7)
		fmt.Fprintf(&b, "%s%s%s %s%s%s\n", style.Render(cursor), style.Render(fmt.Sprintf("%2d ", i+1)), flag, style.Render(title), strings.Repeat(" ", pad), s.Muted.Render(weight))
	}
	return strings.TrimRight(b.String(), "\n")
}

// top finds the first line, to show a task from its start.
func top([]string) (int, int, bool) { return 0, 1, true }

// taskDocument is the current task in Markdown, as the exercise page
// shows an exercise: its place, weight and points, the context it is done
// in, the text, and in training the hints and checks asked for.
func (m *Model) taskDocument() string {
	if len(m.tasks) == 0 {
		return ""
	}
	i := m.st.Current
	ex, t := m.tasks[i], m.st.Tasks[i]
	points := 0
	for _, c := range ex.Checks {
		points += c.PointsWorth()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Task %d of %d: %s\n\n", i+1, len(m.tasks), ex.Title)
	facts := []string{fmt.Sprintf("weight %d %%", ex.Weight), ex.EffectiveDomain().Title(), prose.Plural(points, "point", "points")}
	if t.Flagged {
		facts = append(facts, "⚑ flagged for review")
	}
	fmt.Fprintf(&b, "*%s*\n\n", strings.Join(facts, " · "))
	b.WriteString(exam.TaskHeader(t, ex) + "\n\n")
	b.WriteString(strings.TrimSpace(ex.Task) + "\n")
	if n := m.hints[i]; n > 0 {
		fmt.Fprintf(&b, "\n## Hints (%d of %d)\n\n", n, len(ex.Hints))
		for h, text := range ex.Hints[:n] {
			fmt.Fprintf(&b, "%d. %s\n", h+1, strings.TrimSpace(text))
		}
	}
	if rep, ok := m.reports[i]; ok {
		b.WriteString("\n## Checks\n\n")
		for _, r := range rep.Results {
			b.WriteString("- " + checkItem(r) + "\n")
		}
	}
	return m.c.Expand(b.String())
}

// checkItem is a check's line in the task document.
func checkItem(r result.Result) string {
	return common.CheckState(r.Status).Glyph() + " " + r.Title + checkTail(r)
}

func checkLine(s *styles.Styles, r result.Result) string {
	line := s.Mark(common.CheckState(r.Status)) + " " + r.Title
	if tail := checkTail(r); tail != "" {
		line += s.Muted.Render(tail)
	}
	return line
}

// checkTail is what follows a check's title in the grade: why it did not
// pass.
func checkTail(r result.Result) string {
	switch r.Status {
	case result.Pass:
		return ""
	case result.Fail:
		return " — " + strings.TrimSpace(r.Message+" "+r.Detail)
	}
	return " — " + r.Detail
}

// setupView shows the setup of every task before the clock starts.
func (m *Model) setupView() string {
	s := m.c.Styles
	ready := 0
	for _, t := range m.setup {
		if t.ready {
			ready++
		}
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(fmt.Sprintf("Setting up %d tasks before the clock starts", len(m.setup))) + "\n\n")
	b.WriteString(s.Bar(min(40, max(10, m.width-12)), ready, len(m.setup)) + fmt.Sprintf(" %d/%d\n", ready, len(m.setup)))
	if m.images != "" {
		b.WriteString(s.Muted.Render(m.images) + "\n")
	}
	b.WriteString("\n")
	for i, t := range m.setup {
		state := styles.StatePending
		switch {
		case t.err != nil:
			state = styles.StateFail
		case t.ready:
			state = styles.StatePass
		case t.running:
			state = styles.StateRunning
		}
		mark := s.Mark(state)
		fmt.Fprintf(&b, "%s %2d  Task %d\n", mark, i+1, i+1)
	}
	if m.setupErr != nil {
		b.WriteString("\n" + s.Fail.Render(lipgloss.NewStyle().Width(max(1, m.width)).Render(m.setupErr.Error())) + "\n")
	}
	b.WriteString("\n" + s.Muted.Render("Task texts appear when every task is ready; the clock starts then."))
	return lipgloss.NewStyle().MaxHeight(max(1, m.height)).Render(b.String())
}

// reportText is the graded exam: the verdict, the domains weakest first,
// every task with its checks, and where the full report is.
func (m *Model) reportText(width int) string {
	r := m.result
	if r == nil {
		return ""
	}
	s := m.c.Styles
	wrap := lipgloss.NewStyle().Width(max(1, width-1))
	var b strings.Builder
	verdict := s.Fail
	switch r.Outcome {
	case exam.Passed:
		verdict = s.Pass
	case exam.Undetermined:
		verdict = s.Error
	}
	b.WriteString(verdict.Bold(true).Render(r.Verdict()) + "\n")
	used := "time used " + exam.FormatClock(r.TimeUsed.D())
	if r.TimedOut {
		used += " (time ran out)"
	}
	b.WriteString(s.Muted.Render(used) + "\n\n" + s.Subtitle.Render("Domains, weakest first") + "\n")
	barW := min(20, max(5, width/5))
	for _, d := range r.Domains {
		name := ansi.Truncate(d.Domain.Title(), max(10, width-barW-16), "…")
		fmt.Fprintf(&b, "%s %5.1f %%  %s\n", s.Bar(barW, int(d.Percent+0.5), 100), d.Percent, name)
	}
	b.WriteString("\n" + s.Subtitle.Render("Tasks") + "\n")
	for _, t := range r.Tasks {
		mark := s.Mark(styles.StateFail)
		if t.Solved() {
			mark = s.Mark(styles.StatePass)
		}
		b.WriteString(wrap.Render(fmt.Sprintf("%s %2d. %s  %d/%d points, weight %d %%", mark, t.Number, t.Title, t.Earned, t.Possible, t.Weight)) + "\n")
		if t.Solved() {
			continue
		}
		for _, c := range t.Checks {
			line := checkLine(s, result.Result{Title: c.Title, Status: result.Status(c.Status), Message: c.Message, Detail: c.Detail})
			b.WriteString(lipgloss.NewStyle().Width(max(1, width-1)).PaddingLeft(6).Render(line) + "\n")
		}
	}
	b.WriteString("\n" + wrap.Render(s.Muted.Render("The report with the reference solution of every task not fully solved: "+m.sess.ReportPath(r.ID))))
	return b.String()
}

// Result is the graded exam, once there is one.
func (m *Model) Result() (*exam.Result, error) {
	if m.result == nil {
		return nil, errors.New("the exam is not graded")
	}
	return m.result, nil
}
