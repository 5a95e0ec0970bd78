package tui

import (
	"context"
	"errors"
	"fmt"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
)

// Messages of the lab start, tagged with the attempt they belong to.
type (
	labEventMsg struct {
		seq int
		p   common.LabProgress
	}
	labStartedMsg struct {
		seq int
		err error
	}
	labStatusMsg struct {
		seq int
		st  common.LabStatus
		err error
	}
	varsMsg struct {
		seq  int
		vars lessons.Vars
		err  error
	}
)

// labRun bridges Lab.Start, which reports progress from its own goroutine,
// into Bubble Tea: events queue in a channel (the oldest is dropped when
// the learner's screen lags far behind) and a command waits for the next
// one, re-armed after each.
type labRun struct {
	seq    int
	mu     sync.Mutex // serialises deliver
	events chan common.LabProgress
	done   chan error
}

func (r *labRun) deliver(p common.LabProgress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case r.events <- p:
	default:
		<-r.events
		r.events <- p
	}
}

// next waits for the next progress event, or the end of the start.
func (r *labRun) next() tea.Cmd {
	return messages.Listen(func() tea.Msg {
		select {
		case p := <-r.events:
			return labEventMsg{seq: r.seq, p: p}
		default:
		}
		select {
		case p := <-r.events:
			return labEventMsg{seq: r.seq, p: p}
		case err := <-r.done:
			return labStartedMsg{seq: r.seq, err: err}
		}
	})
}

// startLab starts (or retries) the lab in the background.
func (m *Model) startLab() tea.Cmd {
	if m.c.Lab == nil || m.c.LabState.Starting {
		return nil
	}
	seq := 1
	if m.lab != nil {
		seq = m.lab.seq + 1
	}
	run := &labRun{seq: seq, events: make(chan common.LabProgress, 32), done: make(chan error, 1)}
	m.lab = run
	m.c.LabState = common.LabState{Starting: true}
	lab, ctx := m.c.Lab, m.c.Ctx
	start := messages.Listen(func() tea.Msg {
		go func() { run.done <- lab.Start(ctx, run.deliver) }()
		return run.next()()
	})
	return tea.Batch(start, m.broadcast(messages.LabChangedMsg{}))
}

// updateLab follows the lab start: progress, then status and template
// values once it is up.
func (m *Model) updateLab(msg tea.Msg) tea.Cmd {
	st := &m.c.LabState
	switch msg := msg.(type) {
	case labEventMsg:
		if m.lab == nil || msg.seq != m.lab.seq {
			return nil
		}
		st.Progress = msg.p
		return tea.Batch(m.lab.next(), m.broadcast(messages.LabChangedMsg{}))
	case labStartedMsg:
		if m.lab == nil || msg.seq != m.lab.seq {
			return nil
		}
		st.Starting = false
		if msg.err != nil {
			st.Err = msg.err
			m.c.Log.Error("lab start failed", "err", msg.err)
			// Said on every screen, not only in an exercise's lab panel.
			m.status = status{isErr: true, text: fmt.Sprintf("The lab could not start: %v (press %s to retry)", msg.err, m.c.Keys.RetryLab.Help().Key)}
			return m.broadcast(messages.LabChangedMsg{})
		}
		return tea.Batch(m.readStatus(msg.seq), m.readVars(msg.seq))
	case labStatusMsg:
		if msg.seq != m.lab.seq {
			return nil
		}
		if msg.err != nil {
			st.Err = fmt.Errorf("read the lab's status: %w", msg.err)
		} else {
			st.Status, st.Ready = msg.st, msg.st.Ready
		}
		return m.broadcast(messages.LabChangedMsg{})
	case varsMsg:
		if msg.seq != m.lab.seq {
			return nil
		}
		if msg.err != nil {
			return messages.Cmd(messages.ErrorMsg{Err: fmt.Errorf("read the lab's node names (tasks show {{NODE}} placeholders until a restart): %w", msg.err)})
		}
		m.c.Vars = &msg.vars
		return m.broadcast(messages.VarsChangedMsg{})
	}
	return nil
}

func (m *Model) readStatus(seq int) tea.Cmd {
	lab, ctx := m.c.Lab, m.c.Ctx
	return func() tea.Msg {
		st, err := lab.Status(ctx)
		return labStatusMsg{seq: seq, st: st, err: err}
	}
}

func (m *Model) readVars(seq int) tea.Cmd {
	if m.vars == nil {
		return nil
	}
	vars, ctx := m.vars, m.c.Ctx
	return func() tea.Msg {
		v, err := vars(ctx)
		return varsMsg{seq: seq, vars: v, err: err}
	}
}

// Run runs the TUI until the learner quits, then saves progress a last
// time (a save command may not have finished when the program stopped).
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	m := New(ctx, opts)
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil // stopped by a signal: a normal end, progress is saved below
	}
	if serr := opts.Progress.Save(); serr != nil && err == nil {
		err = serr
	}
	return err
}
