// Package confirm is a yes/no prompt. While it is open it takes every key,
// so an action such as a reset cannot start by a stray keypress.
package confirm

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/prose"
)

// Model is a confirmation prompt.
type Model struct {
	c      *common.Common
	prompt string
	onYes  tea.Cmd
	open   bool
	width  int
}

// New returns a closed prompt.
func New(c *common.Common) *Model { return &Model{c: c} }

// Ask opens the prompt; onYes runs if the learner answers yes.
func (m *Model) Ask(prompt string, onYes tea.Cmd) {
	m.prompt, m.onYes, m.open = prompt, onYes, true
}

// Open reports whether the prompt is waiting for an answer.
func (m *Model) Open() bool { return m.open }

// SetSize sets the prompt's width.
func (m *Model) SetSize(width, _ int) { m.width = width }

// Update answers the prompt on yes or no and swallows other keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.open {
		return nil
	}
	switch {
	case key.Matches(kp, m.c.Keys.Yes):
		m.open = false
		return m.onYes
	case key.Matches(kp, m.c.Keys.No):
		m.open = false
	}
	return nil
}

// View renders the question and its keys.
func (m *Model) View() string {
	if !m.open {
		return ""
	}
	s := m.c.Styles
	keys := s.Muted.Render(" [" + m.c.Keys.Yes.Help().Key + "/" + m.c.Keys.No.Help().Key + "]")
	return prose.Wrap(s.Prompt.Render(m.prompt)+keys, max(20, m.width))
}

// ShortHelp lists the prompt's keys.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.c.Keys.Yes, m.c.Keys.No} }

// FullHelp lists the prompt's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
