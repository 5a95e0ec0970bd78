// Package exercise is the exercise screen: the task, the hints and solution
// the learner asked for, and the live check list. It sets up the exercise
// on the lab the first time, grades it continuously while it is open, opens
// a shell for kubectl, resets the start state, and records progress.
package exercise

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/components/checklist"
	"github.com/kubedojo/kubedojo/tui/components/confirm"
	"github.com/kubedojo/kubedojo/tui/components/labpanel"
	"github.com/kubedojo/kubedojo/tui/components/markdown"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// wideLayout is the width from which the task and the checks sit side by
// side.
const wideLayout = 110

// Model is the exercise page.
type Model struct {
	c       *common.Common
	id      int
	ex      *lessons.Exercise
	reader  *markdown.Model
	checks  *checklist.Model
	lab     *labpanel.Model
	confirm *confirm.Model
	spinner spinner.Model

	width, height int
	// leftWidth and panelWidth split the page in the wide layout.
	leftWidth, panelWidth int

	report    result.Report
	hasReport bool
	// started is true once grading began in this session (after the
	// set-up, when one was needed).
	started bool
	// needsSetup is true when the exercise has never been set up: the
	// first time it is opened with a lab.
	needsSetup bool
	watch      *watch
	watchSeq   int
	// busy names the background action in progress ("" when idle).
	busy string
	// setupErr is why the last set-up or reset failed.
	setupErr error
	// gradingErr is why live grading stopped.
	gradingErr error
	// showSolution is true while the revealed solution is shown.
	showSolution bool
}

// New returns the page for an exercise.
func New(c *common.Common, ex *lessons.Exercise) *Model {
	rec := c.Progress.Exercise(ex.ID)
	m := &Model{
		c:            c,
		id:           c.NextID(),
		ex:           ex,
		reader:       markdown.New(c),
		checks:       checklist.New(c, ex.Checks),
		lab:          labpanel.New(c),
		confirm:      confirm.New(c),
		spinner:      spinner.New(spinner.WithSpinner(spinner.Dot)),
		needsSetup:   rec.Status == progress.NotStarted,
		showSolution: rec.SolutionRevealed,
	}
	m.spinner.Style = c.Styles.Accent
	m.refreshDocument()
	return m
}

// Exercise is the exercise shown.
func (m *Model) Exercise() *lessons.Exercise { return m.ex }

func (m *Model) refreshDocument() {
	rec := m.c.Progress.Exercise(m.ex.ID)
	m.reader.SetMarkdown(document(m.ex, rec.Hints, m.showSolution, m.c.Expand))
}

// labUsable reports whether exercises can be set up and graded now.
func (m *Model) labUsable() bool {
	return m.c.Lab != nil && m.c.Grader != nil && m.c.LabState.Ready
}

// Init renders the task and, when the lab is up, starts grading.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.reader.Render(), m.begin())
}

// begin sets the exercise up if needed, then grades it live; it waits for
// the lab when it is not ready.
func (m *Model) begin() tea.Cmd {
	if m.started || m.busy != "" || !m.labUsable() {
		return nil
	}
	if m.needsSetup {
		return m.reset(true)
	}
	m.started = true
	return m.startWatch()
}

// Close stops live grading.
func (m *Model) Close() { m.stopWatch() }

// Title names the page in the header.
func (m *Model) Title() string { return m.ex.Title }

// Location is this exercise.
func (m *Model) Location() progress.Location {
	return progress.Location{Screen: progress.ScreenExercise, Lesson: m.ex.Lesson.ID, Exercise: m.ex.ID}
}

// Focus is FocusPrompt while a confirmation is open.
func (m *Model) Focus() common.Focus {
	if m.confirm.Open() {
		return common.FocusPrompt
	}
	return common.FocusNone
}

// SetSize lays out the task and the panel.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layout()
}

func (m *Model) layout() {
	if m.width >= wideLayout {
		m.leftWidth = m.width * 3 / 5
		m.panelWidth = m.width - m.leftWidth - 3
		m.reader.SetSize(m.leftWidth, m.height)
		m.checks.SetSize(m.panelWidth, m.height-m.panelFixedLines())
	} else {
		m.panelWidth = m.width
		panel := m.panelHeight()
		m.reader.SetSize(m.width, max(3, m.height-panel))
		m.checks.SetSize(m.width, panel-m.panelFixedLines())
	}
	m.lab.SetSize(m.panelWidth, 0)
	m.confirm.SetSize(m.panelWidth, 0)
}

// panelHeight is the height of the panel under the task in the narrow
// layout: what it needs, up to half the page.
func (m *Model) panelHeight() int {
	m.checks.SetSize(m.panelWidth, 0)
	need := m.panelFixedLines() + lipgloss.Height(m.checks.View())
	return max(4, min(need, m.height/2))
}

// panelFixedLines counts the panel's lines besides the check list.
func (m *Model) panelFixedLines() int {
	n := 1 // heading
	if m.width < wideLayout {
		n++ // rule
	}
	if !m.labUsable() {
		n += lipgloss.Height(m.lab.View())
	}
	if foot := m.footer(); foot != "" {
		n += lipgloss.Height(foot)
	}
	return n
}

// Update handles the page's keys, grading reports, lab changes and the
// results of its background commands.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	// A key that answers the prompt is not also the reader's (y copies).
	_, isKey := msg.(tea.KeyPressMsg)
	prompted := m.confirm.Open()
	cmds := []tea.Cmd{m.update(msg)}
	if !isKey || !prompted {
		cmds = append(cmds, m.reader.Update(msg))
	}
	m.layout()
	return tea.Batch(cmds...)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if own, ok := msg.(pageMsg); ok {
		if own.pageID() != m.id {
			return nil // another page's, or a reply to one that was closed
		}
		return m.updateOwn(own)
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.confirm.Open() {
			return m.confirm.Update(msg)
		}
		return m.updateKeys(msg)
	case spinner.TickMsg:
		if m.busy == "" {
			return nil // let the spinner stop
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case messages.ThemeChangedMsg:
		m.spinner.Style = m.c.Styles.Accent
	case messages.VarsChangedMsg:
		m.refreshDocument()
	case messages.LabChangedMsg:
		return m.begin()
	}
	return nil
}

// updateOwn handles the replies to the page's own commands, by group:
// grading (grading.go), shells, and actions the learner confirmed.
func (m *Model) updateOwn(msg pageMsg) tea.Cmd {
	switch msg := msg.(type) {
	case reportMsg, watchEndedMsg, resetDoneMsg:
		return m.updateGrading(msg)
	case shellCmdMsg, sideShellMsg, shellDoneMsg:
		return m.updateShell(msg)
	case resetConfirmedMsg:
		if m.labUsable() {
			return m.reset(false)
		}
	case revealConfirmedMsg:
		m.showSolution = true
		m.refreshDocument()
		m.reader.Reveal(solutionPart)
		m.c.Progress.RevealSolution(m.ex.ID)
	}
	return nil
}

// updateShell follows a shell the learner asked for: open it in place of
// the TUI, or beside it in tmux, and grade once when it ends.
func (m *Model) updateShell(msg pageMsg) tea.Cmd {
	switch msg := msg.(type) {
	case shellCmdMsg:
		m.busy = ""
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("open a %s: %w", msg.what(), msg.err)})
		}
		page := m.id
		return tea.ExecProcess(msg.cmd, func(err error) tea.Msg { return shellDoneMsg{page: page, err: err} })
	case sideShellMsg:
		m.busy = ""
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("open a shell beside: %w", msg.err)})
		}
		return messages.Cmd(messages.NoticeMsg{Text: "Your shell is open in the tmux pane on the right (exit closes it); the checks here follow what you do."})
	case shellDoneMsg:
		var cmds []tea.Cmd
		if shellFailed(msg.err) {
			cmds = append(cmds, messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("the shell did not run: %w", msg.err)}))
		}
		if m.labUsable() {
			cmds = append(cmds, m.evaluate())
		}
		return tea.Batch(cmds...)
	}
	return nil
}

// applyReport shows a grading report and records the exercise done when
// every check passes.
func (m *Model) applyReport(r result.Report) tea.Cmd {
	m.report, m.hasReport = r, true
	m.gradingErr = nil
	m.checks.SetReport(r)
	var cmds []tea.Cmd
	if r.Unreachable != m.c.LabState.Unreachable {
		cmds = append(cmds, messages.Cmd(messages.LabAnswersMsg{Unreachable: r.Unreachable}))
	}
	if r.Passed() {
		m.c.Progress.MarkDone(m.ex.ID)
	}
	return tea.Batch(cmds...)
}

func (m *Model) notReady() tea.Cmd {
	what := "the lab is not ready yet; the panel shows its state"
	if m.c.LabState.Disabled || m.c.Lab == nil {
		what = "there is no lab (kubedojo runs with --no-lab)"
	}
	return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("cannot do that now: %s", what)})
}

// updateKeys handles the page's keys by group: revealing hints and the
// solution, acting on the lab (which must be usable), and moving on.
func (m *Model) updateKeys(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Hint, k.Solution):
		return m.revealKeys(msg)
	case key.Matches(msg, k.Reset, k.Shell, k.Check),
		key.Matches(msg, k.NodeShell) && m.offersNodeShell(),
		key.Matches(msg, k.SideShell) && m.c.Terminal.InTmux():
		if !m.labUsable() {
			return m.notReady()
		}
		return m.labKeys(msg)
	case key.Matches(msg, k.SecondTerminal):
		// The command first: the status line may cut what follows.
		return messages.Cmd(messages.NoticeMsg{Text: fmt.Sprintf(
			"In a second terminal, run %s and work there: this screen keeps the task and the live checks in view. (Inside tmux, %s opens that shell in a pane beside this one.)",
			m.c.SecondTerminalCommand(m.ex.ID), k.SideShell.Help().Key)})
	case key.Matches(msg, k.NextExercise):
		return m.next()
	case key.Matches(msg, k.NextCheck, k.PrevCheck):
		return m.checks.Update(msg)
	}
	return nil
}

// revealKeys shows the next hint, or the solution (asking first, since it
// is recorded as seen).
func (m *Model) revealKeys(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if key.Matches(msg, k.Hint) {
		n, changed := m.c.Progress.RevealHint(m.ex.ID, len(m.ex.Hints))
		if !changed {
			return messages.Cmd(messages.NoticeMsg{Text: allHintsShown(n, k.Solution.Help().Key)})
		}
		m.refreshDocument()
		m.reader.Reveal(hintPart(n, len(m.ex.Hints)))
		return nil
	}
	if m.c.Progress.Exercise(m.ex.ID).SolutionRevealed {
		m.showSolution = !m.showSolution
		m.refreshDocument()
		if m.showSolution {
			m.reader.Reveal(solutionPart)
		}
		return nil
	}
	m.confirm.Ask("Show the reference solution? It is recorded as seen.", messages.Cmd(revealConfirmedMsg{page: m.id}))
	return nil
}

// labKeys acts on the lab: reset (asking first), a shell in place of the
// TUI, inside the node or beside it in tmux, or grade now and follow.
func (m *Model) labKeys(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Reset):
		var ns []string
		for _, n := range m.ex.Namespaces {
			ns = append(ns, n.Name)
		}
		m.confirm.Ask(fmt.Sprintf("Reset to the start state? What is in namespace %s is deleted.", strings.Join(ns, ", ")),
			messages.Cmd(resetConfirmedMsg{page: m.id}))
		return nil
	case key.Matches(msg, k.Shell):
		m.busy = "Opening a shell"
		return tea.Batch(m.spinner.Tick, m.shell())
	case key.Matches(msg, k.NodeShell):
		m.busy = "Opening a shell inside the node"
		return tea.Batch(m.spinner.Tick, m.nodeShell())
	case key.Matches(msg, k.SideShell):
		m.busy = "Opening a shell beside"
		return tea.Batch(m.spinner.Tick, m.sideShell())
	}
	cmds := []tea.Cmd{m.evaluate()}
	if m.watch == nil && !m.needsSetup {
		m.started = true
		cmds = append(cmds, m.startWatch())
	}
	return tea.Batch(cmds...)
}

// allHintsShown says there is no further hint, and where to go from there.
func allHintsShown(n int, solutionKey string) string {
	switch n {
	case 0:
		return "This exercise has no hints; " + solutionKey + " shows the solution."
	case 1:
		return "The only hint is shown; " + solutionKey + " shows the solution."
	}
	return fmt.Sprintf("All %d hints are shown; %s shows the solution.", n, solutionKey)
}

// next moves on: the lesson's next exercise, then its quiz, then back to
// the lesson.
func (m *Model) next() tea.Cmd {
	l := m.ex.Lesson
	for i, e := range l.Exercises() {
		if e == m.ex && i+1 < len(l.Exercises()) {
			return messages.Cmd(messages.OpenExerciseMsg{Exercise: l.Exercises()[i+1], Replace: true})
		}
	}
	if l.Quiz() != nil {
		return messages.Cmd(messages.OpenQuizMsg{Lesson: l, Replace: true})
	}
	return messages.Cmd(messages.BackMsg{})
}

// footer is the panel's last lines: a confirmation, the background action,
// problems, or the done banner.
func (m *Model) footer() string {
	s := m.c.Styles
	var lines []string
	wrap := func(st lipgloss.Style, text string) string {
		return st.Render(prose.Wrap(text, max(20, m.panelWidth)))
	}
	if m.setupErr != nil {
		lines = append(lines, wrap(s.Error, fmt.Sprintf("%s Setting up the exercise failed (environment problem): %v. Press %s to try again.", styles.IconError, m.setupErr, m.c.Keys.Reset.Help().Key)))
	}
	if m.gradingErr != nil {
		lines = append(lines, wrap(s.Error, fmt.Sprintf("%s Live grading stopped: %v. Press %s to check again.", styles.IconError, m.gradingErr, m.c.Keys.Check.Help().Key)))
	}
	switch {
	case m.confirm.Open():
		lines = append(lines, m.confirm.View())
	case m.busy != "":
		lines = append(lines, m.spinner.View()+" "+m.busy+"…")
	case m.hasReport && m.report.Passed():
		lines = append(lines, wrap(s.Banner, fmt.Sprintf("%s All checks pass: exercise done! Press %s for the next one.", styles.IconPass, m.c.Keys.NextExercise.Help().Key)))
	}
	return strings.Join(lines, "\n")
}

// panel is the checks heading, the lab panel when the lab is not usable,
// the check list and the footer.
func (m *Model) panel() string {
	s := m.c.Styles
	rec := m.c.Progress.Exercise(m.ex.ID)
	heading := s.Subtitle.Render("Checks") + s.Muted.Render(" · ") + m.checks.Summary()
	switch rec.Status {
	case progress.Done:
		heading += s.Done.Render("  " + styles.MarkDone + " done")
	case progress.Revealed:
		heading += s.Revealed.Render("  " + styles.MarkRevealed + " solution seen")
	}
	var parts []string
	if m.width < wideLayout {
		parts = append(parts, s.Rule.Render(strings.Repeat("─", m.width)))
	}
	parts = append(parts, heading)
	if !m.labUsable() {
		parts = append(parts, m.lab.View())
	}
	parts = append(parts, m.checks.View())
	if foot := m.footer(); foot != "" {
		parts = append(parts, foot)
	}
	return strings.Join(parts, "\n")
}

// View renders the task and the panel, side by side on wide terminals.
func (m *Model) View() string {
	if m.width >= wideLayout {
		sep := m.c.Styles.Rule.Render(strings.Repeat("│\n", max(1, m.height-1)) + "│")
		left := lipgloss.NewStyle().Width(m.leftWidth).Render(m.reader.View())
		return lipgloss.JoinHorizontal(lipgloss.Top, left, " ", sep, " ", m.panel())
	}
	return lipgloss.JoinVertical(lipgloss.Left, m.reader.View(), m.panel())
}

// ShortHelp lists the page's main keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.confirm.Open() {
		return m.confirm.ShortHelp()
	}
	k := m.c.Keys
	out := []key.Binding{k.Shell}
	if m.ex.Tier == lessons.TierNodeAccess {
		// The shell the task is done in.
		out = append(out, k.NodeShell)
	}
	if m.c.Terminal.InTmux() {
		out = append(out, k.SideShell)
	}
	out = append(out, k.Hint)
	// At 80 columns there is room for one more: the key that reads a
	// shortened check whole, when one is.
	if m.checks.Cut() {
		return append(out, k.NextCheck)
	}
	return append(out, k.NextExercise)
}

// offersNodeShell reports whether the node shell key works here: on
// node-level exercises (where it says why when the lab has no node
// access), and on any exercise when the lab has it.
func (m *Model) offersNodeShell() bool {
	return m.ex.Tier == lessons.TierNodeAccess || m.c.LabState.Status.NodeAccess
}

// shellKey is the key that puts a shell next to the TUI, or explains how.
func (m *Model) shellKey() key.Binding {
	if m.c.Terminal.InTmux() {
		return m.c.Keys.SideShell
	}
	return m.c.Keys.SecondTerminal
}

// FullHelp lists all the page's keys.
func (m *Model) FullHelp() [][]key.Binding {
	if m.confirm.Open() {
		return m.confirm.FullHelp()
	}
	k := m.c.Keys
	shells := []key.Binding{k.Shell, m.shellKey()}
	if m.offersNodeShell() {
		shells = append(shells, k.NodeShell)
	}
	// Three columns and the global one fit in 80 columns.
	return [][]key.Binding{
		append(shells, k.Check, k.Hint, k.Solution, k.Reset, k.NextExercise),
		append([]key.Binding{k.NextCheck, k.PrevCheck}, m.reader.BlockKeys()...),
		k.Scroll(),
	}
}
