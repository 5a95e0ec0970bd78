package exercise

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/tui/messages"
)

// Messages of the exercise page. Each carries the page's id, so a reply
// that arrives after the learner left is ignored; reports also carry the
// watch's sequence number (0 for a one-shot evaluation).
type (
	reportMsg struct {
		page, watch int
		report      result.Report
	}
	watchEndedMsg struct {
		page, watch int
		err         error
	}
	resetDoneMsg struct {
		page    int
		initial bool
		err     error
	}
	shellCmdMsg struct {
		page int
		cmd  *exec.Cmd
		err  error
		// node is true for a shell inside a node.
		node bool
	}
	shellDoneMsg struct {
		page int
		err  error
	}
	sideShellMsg struct {
		page int
		err  error
	}
	// Confirmed actions.
	resetConfirmedMsg  struct{ page int }
	revealConfirmedMsg struct{ page int }
)

// pageMsg is a message of the page's own commands.
type pageMsg interface{ pageID() int }

func (m reportMsg) pageID() int          { return m.page }
func (m watchEndedMsg) pageID() int      { return m.page }
func (m resetDoneMsg) pageID() int       { return m.page }
func (m shellCmdMsg) pageID() int        { return m.page }
func (m shellDoneMsg) pageID() int       { return m.page }
func (m sideShellMsg) pageID() int       { return m.page }
func (m resetConfirmedMsg) pageID() int  { return m.page }
func (m revealConfirmedMsg) pageID() int { return m.page }

// updateGrading follows live grading and set-ups: reports (of the current
// watch, or of a one-shot evaluation), the end of a watch, and the end of
// a reset.
func (m *Model) updateGrading(msg pageMsg) tea.Cmd {
	switch msg := msg.(type) {
	case reportMsg:
		current := m.watch != nil && msg.watch == m.watch.seq
		if msg.watch != 0 && !current {
			return nil // a cancelled watch's
		}
		cmd := m.applyReport(msg.report)
		if current {
			return tea.Batch(cmd, m.watch.next(m.id))
		}
		return cmd
	case watchEndedMsg:
		if m.watch == nil || msg.watch != m.watch.seq {
			return nil
		}
		m.watch = nil
		m.started = false
		m.gradingErr = msg.err
		if m.gradingErr == nil {
			m.gradingErr = fmt.Errorf("the grader stopped watching")
		}
		m.c.Log.Warn("live grading stopped", "exercise", m.ex.ID, "err", msg.err)
	case resetDoneMsg:
		m.busy = ""
		if msg.err != nil {
			m.setupErr = msg.err
			return nil
		}
		m.setupErr = nil
		var cmds []tea.Cmd
		// Any successful reset sets the exercise up, also a retry after a
		// failed first set-up.
		m.needsSetup = false
		m.c.Progress.StartExercise(m.ex.ID)
		if !msg.initial {
			cmds = append(cmds, messages.Cmd(messages.NoticeMsg{Text: "The exercise is back at its start state."}))
		}
		if m.watch == nil {
			m.started = true
			cmds = append(cmds, m.startWatch())
		} else {
			cmds = append(cmds, m.evaluate())
		}
		return tea.Batch(cmds...)
	}
	return nil
}

// what names the shell for messages.
func (m shellCmdMsg) what() string {
	if m.node {
		return "shell inside the node"
	}
	return "shell"
}

// watch bridges Grader.Watch, which calls back from its own goroutine, into
// Bubble Tea: the callback leaves the newest report in a one-slot channel
// (replacing one not yet read, since only the latest state matters), and a
// command waits for it. The page re-arms the command after each report and
// cancels the watch when the learner leaves.
type watch struct {
	seq     int
	cancel  context.CancelFunc
	mu      sync.Mutex // serialises deliver
	reports chan result.Report
	done    chan error
}

func newWatch(parent context.Context, seq int) (*watch, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &watch{seq: seq, cancel: cancel, reports: make(chan result.Report, 1), done: make(chan error, 1)}, ctx
}

// deliver is the Watch callback.
func (w *watch) deliver(r result.Report) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.reports: // drop the unread, older report
	default:
	}
	w.reports <- r
}

// next waits for the next report or the end of the watch.
func (w *watch) next(page int) tea.Cmd {
	return messages.Listen(func() tea.Msg {
		select {
		case r := <-w.reports:
			return reportMsg{page: page, watch: w.seq, report: r}
		case err := <-w.done:
			return watchEndedMsg{page: page, watch: w.seq, err: err}
		}
	})
}

// startWatch starts live grading, replacing a running watch.
func (m *Model) startWatch() tea.Cmd {
	m.stopWatch()
	m.watchSeq++
	w, ctx := newWatch(m.c.Ctx, m.watchSeq)
	m.watch = w
	grader, ex, page := m.c.Grader, m.ex, m.id
	return messages.Listen(func() tea.Msg {
		go func() { w.done <- grader.Watch(ctx, ex, w.deliver) }()
		return w.next(page)()
	})
}

func (m *Model) stopWatch() {
	if m.watch != nil {
		m.watch.cancel()
		m.watch = nil
	}
}

// evaluate grades the exercise once.
func (m *Model) evaluate() tea.Cmd {
	grader, ex, ctx, page := m.c.Grader, m.ex, m.c.Ctx, m.id
	return func() tea.Msg {
		return reportMsg{page: page, report: grader.Evaluate(ctx, ex)}
	}
}

// reset sets up the exercise's start state; initial is the first set-up,
// which never deletes an attempt (Lab.SetUp), while a reset the learner
// confirmed starts over.
func (m *Model) reset(initial bool) tea.Cmd {
	m.busy = "Resetting the exercise"
	do := m.c.Lab.Reset
	if initial {
		m.busy, do = "Setting up the exercise", m.c.Lab.SetUp
	}
	ex, ctx, page := m.ex, m.c.Ctx, m.id
	return tea.Batch(m.spinner.Tick, func() tea.Msg {
		return resetDoneMsg{page: page, initial: initial, err: do(ctx, ex)}
	})
}

// shell asks the lab for the learner's shell; the page then runs it with
// tea.ExecProcess.
func (m *Model) shell() tea.Cmd {
	lab, ex, page := m.c.Lab, m.ex, m.id
	return func() tea.Msg {
		cmd, err := lab.Shell(ex)
		return shellCmdMsg{page: page, cmd: cmd, err: err}
	}
}

// nodeShell opens a root shell inside the lab's control-plane node.
func (m *Model) nodeShell() tea.Cmd {
	lab, page, ctx := m.c.Lab, m.id, m.c.Ctx
	return func() tea.Msg {
		cmd, err := lab.NodeShell(ctx, "")
		return shellCmdMsg{page: page, cmd: cmd, err: err, node: true}
	}
}

// sideShell opens the learner's shell in a tmux pane beside the TUI.
func (m *Model) sideShell() tea.Cmd {
	lab, ex, page, term, ctx := m.c.Lab, m.ex, m.id, m.c.Terminal, m.c.Ctx
	return func() tea.Msg {
		sh, err := lab.Shell(ex)
		if err != nil {
			return sideShellMsg{page: page, err: err}
		}
		if out, err := term.SplitCommand(ctx, sh).CombinedOutput(); err != nil {
			return sideShellMsg{page: page, err: fmt.Errorf("tmux split-window: %w: %s", err, strings.TrimSpace(string(out)))}
		}
		return sideShellMsg{page: page}
	}
}

// shellFailed reports whether a finished shell failed to run. An exit
// status is not a failure: an interactive shell exits with the status of
// the last command the learner typed.
func shellFailed(err error) bool {
	var exit *exec.ExitError
	return err != nil && !errors.As(err, &exit)
}
