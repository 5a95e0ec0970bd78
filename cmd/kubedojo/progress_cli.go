package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// progressPrinter shows lab progress on a terminal as one updating line with
// a spinner, and as plain lines (one per finished phase) elsewhere, so CI
// logs stay readable.
type progressPrinter struct {
	w       io.Writer
	tty     bool
	mu      sync.Mutex
	phase   string
	msg     string
	started time.Time
	frame   int
	stop    chan struct{}
	done    chan struct{}
}

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newProgressPrinter(w io.Writer) *progressPrinter {
	p := &progressPrinter{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	if isTerminal(w) {
		p.tty = true
		go p.spin()
	} else {
		close(p.done)
	}
	return p
}

func (p *progressPrinter) spin() {
	defer close(p.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.frame++
			p.redraw()
			p.mu.Unlock()
		}
	}
}

// redraw rewrites the current line; the caller holds mu.
func (p *progressPrinter) redraw() {
	if p.phase == "" {
		return
	}
	line := fmt.Sprintf("%s %s", spinnerFrames[p.frame%len(spinnerFrames)], p.phase)
	if p.msg != "" {
		line += lipgloss.NewStyle().Faint(true).Render(" · " + p.msg)
	}
	line += lipgloss.NewStyle().Faint(true).Render(fmt.Sprintf(" (%s)", time.Since(p.started).Round(time.Second)))
	lipgloss.Fprint(p.w, "\r\x1b[2K"+line)
}

// Update consumes one lab progress event.
func (p *progressPrinter) Update(ev lab.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	step := ""
	if ev.Total > 0 && ev.Step > 0 {
		step = fmt.Sprintf("[%d/%d] ", ev.Step, ev.Total)
	}
	switch {
	case ev.Done:
		mark, style := styles.IconPass, theme().Pass
		if ev.Err != nil {
			mark, style = styles.IconFail, theme().Fail
		}
		took := ""
		if !p.started.IsZero() && p.phase == step+ev.Phase {
			took = fmt.Sprintf(" (%s)", time.Since(p.started).Round(100*time.Millisecond))
		}
		if p.tty {
			lipgloss.Fprint(p.w, "\r\x1b[2K")
		}
		line := style.Render(mark) + " " + step + ev.Phase + took
		if ev.Err != nil {
			line += ": " + ev.Err.Error()
		}
		lipgloss.Fprintln(p.w, line)
		p.phase, p.msg = "", ""
	case ev.Phase != "" && step+ev.Phase != p.phase:
		p.phase, p.msg, p.started = step+ev.Phase, ev.Message, time.Now()
		if !p.tty {
			fmt.Fprintf(p.w, "• %s%s\n", p.phase, suffix(ev.Message))
		}
	default:
		p.msg = ev.Message
		if !p.tty && ev.Message != "" {
			fmt.Fprintf(p.w, "  %s\n", ev.Message)
		}
	}
	if p.tty {
		p.redraw()
	}
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// Close stops the spinner and clears its line.
func (p *progressPrinter) Close() {
	if p.tty {
		close(p.stop)
		<-p.done
		p.mu.Lock()
		if p.phase != "" {
			fmt.Fprint(p.w, "\r\x1b[2K")
		}
		p.mu.Unlock()
	}
}
