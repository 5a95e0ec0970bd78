// Package common holds what every part of the TUI shares: the Common
// context (size, styles, keys, course, progress, lab and grader handles) and
// the interfaces of components, pages and back ends.
package common

import (
	"context"
	"log/slog"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/keymap"
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
	// Exams opens mock exams; nil when there is no lab.
	Exams Exams
	// Unavailable says why an exercise cannot be done here ("" when it
	// can), for back ends that know it before the exercise is opened (a
	// class learner's); nil when that shows only on opening it.
	Unavailable func(ex *lessons.Exercise) string
	// LabState is the lab as last reported.
	LabState LabState
	// Vars are the lab's template values, nil until the lab reports them;
	// until then task text shows the {{PLACEHOLDERS}}.
	Vars *lessons.Vars
	// Terminal is what the TUI may use of the terminal it runs in.
	Terminal Terminal
	// SecondTerminal returns the command that opens an exercise's shell
	// in another terminal (kubedojo lab shell with this run's flags), for
	// the learner who wants the TUI and a shell side by side without
	// tmux. Nil means the plain command.
	SecondTerminal func(exerciseID string) string

	nextID int
}

// SecondTerminalCommand is the command for an exercise's shell in a
// second terminal.
func (c *Common) SecondTerminalCommand(exerciseID string) string {
	if c.SecondTerminal == nil {
		return "kubedojo lab shell " + exerciseID
	}
	return c.SecondTerminal(exerciseID)
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
