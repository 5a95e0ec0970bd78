// Package common holds what every part of the TUI shares: the Common
// context (size, styles, keys, course, progress, lab and grader handles) and
// the interfaces of components, pages and back ends.
package common

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/keymap"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Common is passed by pointer to every page and component. The root owns it
// and is the only writer; children read it while handling a message or
// rendering, which all happens on Bubble Tea's event loop.
type Common struct {
	// Ctx is cancelled when the program ends; commands derive from it.
	Ctx context.Context
	// Width and Height are the terminal's size.
	Width, Height int
	Styles        *styles.Styles
	Keys          *keymap.KeyMap
	Log           *slog.Logger

	Course   *lessons.Course
	Progress *progress.Tracker
	// Grader and Lab are nil when there is no lab.
	Grader Grader
	Lab    Lab
	// LabState is the lab as last reported.
	LabState LabState
	// Vars are the lab's template values, nil until the lab reports them;
	// until then task text shows the {{PLACEHOLDERS}}.
	Vars *lessons.Vars
	// Terminal is what the TUI may use of the terminal it runs in.
	Terminal Terminal

	nextID int
}

// Expand replaces template variables once the lab has provided them.
func (c *Common) Expand(s string) string {
	if c.Vars == nil {
		return s
	}
	return c.Vars.Expand(s)
}

// NextID returns a number unique within the program, to tag the messages of
// one page or component so that late replies to a closed one are ignored.
func (c *Common) NextID() int {
	c.nextID++
	return c.nextID
}

// Save returns a command that writes the progress file, reporting a failure
// on the status line.
func (c *Common) Save() tea.Cmd {
	store := c.Progress.Store()
	return func() tea.Msg {
		if err := store.Save(); err != nil {
			return messages.ErrorMsg{Err: fmt.Errorf("%w: check that %s is writable", err, store.Path())}
		}
		return nil
	}
}

// Terminal is what the TUI knows about the terminal it runs in, found once
// at start.
type Terminal struct {
	// Tmux is the tmux program when kubedojo runs inside a tmux session
	// ($TMUX is set and tmux is on the PATH), "" otherwise.
	Tmux string
}

// Copy returns a command that puts text on the clipboard of the learner's
// terminal, with an OSC 52 sequence through Bubble Tea, and says so on the
// status line. Inside tmux, which drops applications' OSC 52 unless
// set-clipboard is on, the text also goes into a tmux buffer that tmux
// passes on to the outer terminal's clipboard (load-buffer -w).
func (c *Common) Copy(text string) tea.Cmd {
	lines := strings.Count(text, "\n") + 1
	first, _, _ := strings.Cut(text, "\n")
	if lines > 1 {
		first += " …"
	}
	notice := fmt.Sprintf("Copied %s to the clipboard: %s", prose.Plural(lines, "line", "lines"), first)
	cmds := []tea.Cmd{tea.SetClipboard(text)}
	if tmux, ctx := c.Terminal.Tmux, c.Ctx; tmux != "" {
		cmds = append(cmds, func() tea.Msg {
			cmd := exec.CommandContext(ctx, tmux, "load-buffer", "-w", "-")
			cmd.Stdin = strings.NewReader(text)
			if out, err := cmd.CombinedOutput(); err != nil {
				return messages.ErrorMsg{Err: fmt.Errorf("copy into a tmux buffer: %w: %s", err, strings.TrimSpace(string(out)))}
			}
			return messages.NoticeMsg{Text: notice + " (and into a tmux buffer)"}
		})
	} else {
		cmds = append(cmds, messages.Cmd(messages.NoticeMsg{Text: notice}))
	}
	return tea.Batch(cmds...)
}

// Component is a part of a screen: a model with its own Update and View, a
// size set by its parent, and the key bindings it offers for help.
type Component interface {
	help.KeyMap
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
}

// Page is a whole screen on the root's navigation stack.
type Page interface {
	Component
	// Init starts the page's work when it is opened.
	Init() tea.Cmd
	// Close stops the page's background work when it is left for good.
	Close()
	// Title is the page's name in the header.
	Title() string
	// Location is where the page is, for resuming.
	Location() progress.Location
	// Focus says which keys the page takes before the global bindings.
	Focus() Focus
}

// Focus is what has the keyboard inside a page.
type Focus int

const (
	// FocusNone: global bindings first, then the page.
	FocusNone Focus = iota
	// FocusPrompt: a question is open. Quit and help stay global; every
	// other key, esc included, answers the page.
	FocusPrompt
	// FocusInput: text is being typed. Every key goes to the page, except
	// ctrl+c.
	FocusInput
)
