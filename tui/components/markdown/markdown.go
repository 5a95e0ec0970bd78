// Package markdown is a scrollable Markdown reader: Glamour renders the text
// in a background command for the current width and background colour, and
// a viewport shows it. The last rendering stays on screen until a new one
// arrives, so resizing never shows an empty page.
package markdown

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	glamourstyles "charm.land/glamour/v2/styles"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
)

// renderKey is everything the rendered text depends on.
type renderKey struct {
	source string
	width  int
	isDark bool
}

// renderedMsg carries a finished rendering back to its reader.
type renderedMsg struct {
	id  int
	key renderKey
	out string
	err error
}

// Model is a Markdown reader.
type Model struct {
	c  *common.Common
	id int
	vp viewport.Model

	source    string
	requested renderKey // the last rendering asked for
	shown     renderKey // the rendering on screen
	hasShown  bool
	// plain is the rendering on screen without styling, a line each.
	plain []string
	// reveal is the part to scroll to once the current text is shown.
	reveal Finder
}

// Finder locates a part of the rendered text, given its lines without
// styling: its first line and the line after its last; ok is false when
// the part is not there.
type Finder func(lines []string) (start, end int, ok bool)

// New returns an empty reader.
func New(c *common.Common) *Model {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // keys come from the central keymap, in Update
	vp.SoftWrap = false
	return &Model{c: c, id: c.NextID(), vp: vp}
}

// SetMarkdown replaces the text. The rendering starts on the next Update
// or Render.
func (m *Model) SetMarkdown(src string) {
	m.source = src
}

// Reveal scrolls to the part find locates, once the current text is on
// screen: text the learner just asked for (a hint, the solution) must not
// appear below the fold with no sign of it. It does not scroll when the
// part is already in view.
func (m *Model) Reveal(find Finder) {
	m.reveal = find
	if m.hasShown && m.shown.source == m.source {
		m.applyReveal()
	}
}

func (m *Model) applyReveal() {
	find := m.reveal
	m.reveal = nil
	start, end, ok := find(m.plain)
	if !ok {
		return
	}
	top, h := m.vp.YOffset(), m.vp.Height()
	if start >= top && end <= top+h {
		return
	}
	// The whole part ending at the bottom keeps what led to it in view;
	// a part taller than the reader starts at the top.
	if end-start <= h {
		m.vp.SetYOffset(end - h)
	} else {
		m.vp.SetYOffset(start)
	}
}

// SetSize sets the reader's size; a new width is rendered again on the next
// Update or Render.
func (m *Model) SetSize(width, height int) {
	m.vp.SetWidth(width)
	m.vp.SetHeight(height)
}

// Rendered reports whether the current text is on screen at the current
// width and colours.
func (m *Model) Rendered() bool {
	return m.hasShown && m.shown == m.want()
}

func (m *Model) want() renderKey {
	return renderKey{source: m.source, width: m.vp.Width(), isDark: m.c.Styles.IsDark}
}

// Render returns the command that renders the text if what is on screen or
// already being rendered is out of date, or nil.
func (m *Model) Render() tea.Cmd {
	want := m.want()
	if want.width <= 0 || want == m.requested {
		return nil
	}
	m.requested = want
	id := m.id
	return func() tea.Msg {
		out, err := render(want)
		return renderedMsg{id: id, key: want, out: out, err: err}
	}
}

func render(k renderKey) (string, error) {
	style := glamourstyles.LightStyle
	if k.isDark {
		style = glamourstyles.DarkStyle
	}
	r, err := glamour.NewTermRenderer(
		glamour.WithStandardStyle(style),
		// Glamour indents the document by two columns and wraps the text
		// inside that margin.
		glamour.WithWordWrap(max(10, k.width-2)),
	)
	if err != nil {
		return "", fmt.Errorf("markdown renderer: %w", err)
	}
	out, err := r.Render(k.source)
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return out, nil
}

// Update scrolls on movement keys, takes finished renderings, and starts a
// new rendering when the text, width or colours changed.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case renderedMsg:
		if msg.id != m.id || msg.key != m.requested {
			return nil // another reader's, or superseded while rendering
		}
		out := msg.out
		var errCmd tea.Cmd
		if msg.err != nil {
			// Fall back to the source: the learner can still read it.
			out = msg.key.source
			errCmd = messages.Cmd(messages.ErrorMsg{Err: msg.err})
		}
		// A changed text (a hint added) keeps the scroll position.
		firstShow := !m.hasShown
		m.vp.SetContent(out)
		m.plain = strings.Split(ansi.Strip(out), "\n")
		m.shown, m.hasShown = msg.key, true
		if firstShow {
			m.vp.GotoTop()
		}
		if m.reveal != nil && msg.key.source == m.source {
			m.applyReveal()
		}
		return tea.Batch(errCmd, m.Render())
	case tea.KeyPressMsg:
		k := m.c.Keys
		switch {
		case key.Matches(msg, k.Up):
			m.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			m.vp.ScrollDown(1)
		case key.Matches(msg, k.PageUp):
			m.vp.PageUp()
		case key.Matches(msg, k.PageDown):
			m.vp.PageDown()
		case key.Matches(msg, k.Top):
			m.vp.GotoTop()
		case key.Matches(msg, k.Bottom):
			m.vp.GotoBottom()
		}
	}
	return m.Render()
}

// View shows the visible part of the text.
func (m *Model) View() string {
	if !m.hasShown {
		return m.c.Styles.Muted.Render("  Rendering…")
	}
	return m.vp.View()
}

// AtBottom reports whether the end of the rendered text is visible.
func (m *Model) AtBottom() bool { return m.hasShown && m.vp.AtBottom() }

// ScrollPercent is how far down the reader is, 0–1.
func (m *Model) ScrollPercent() float64 { return m.vp.ScrollPercent() }

// ShortHelp lists the reader's main keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.c.Keys.Up, m.c.Keys.Down}
}

// FullHelp lists all the reader's keys.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.c.Keys.Scroll()}
}
