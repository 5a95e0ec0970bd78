// Package markdown is a scrollable Markdown reader: Glamour renders the text
// in a background command for the current width and background colour, and
// a viewport shows it. The last rendering stays on screen until a new one
// arrives, so resizing never shows an empty page. The learner can select
// a code block and copy it as written, since a long command wraps on
// screen and the terminal's own selection would copy it broken.
package markdown

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	glamouransi "charm.land/glamour/v2/ansi"
	glamourstyles "charm.land/glamour/v2/styles"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// MaxReadingWidth is the widest the reading column gets: lines much
// longer than this are hard to follow, so a wide terminal leaves the rest
// of the line empty. The column stays left-aligned, like every screen.
const MaxReadingWidth = 100

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
	// lines and plain are the rendering on screen, a line each, with and
	// without styling.
	lines, plain []string
	// reveal is the part to scroll to once the current text is shown.
	reveal Finder

	// blocks are the code blocks of the source; sel is the selected one,
	// -1 for none.
	blocks []codeBlock
	sel    int
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
	return &Model{c: c, id: c.NextID(), vp: vp, sel: -1}
}

// SetMarkdown replaces the text. The rendering starts on the next Update
// or Render. A selected code block stays selected if the text still has
// it (a hint was added below it).
func (m *Model) SetMarkdown(src string) {
	if src == m.source {
		return
	}
	m.source = src
	_, m.blocks = parse(src)
	if m.sel >= len(m.blocks) {
		m.sel = -1
	}
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
	if start, end, ok := find(m.plain); ok {
		m.show(start, end)
	}
}

// show scrolls so that lines [start, end) are in view, if they are not.
func (m *Model) show(start, end int) {
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
	// Glamour indents the document by two columns and wraps the text
	// inside that margin.
	wrap := max(10, min(k.width, MaxReadingWidth)-2)
	r, err := glamour.NewTermRenderer(
		glamour.WithStyles(glamourStyle(k.isDark)),
		glamour.WithWordWrap(wrap),
	)
	if err != nil {
		return "", fmt.Errorf("markdown renderer: %w", err)
	}
	spans, _ := parse(k.source)
	// Inline code is padded by a space on each side, in a margin of two.
	out, err := r.Render(protect(k.source, spans, wrap-6))
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return unprotect(out), nil
}

// glamourStyle is Glamour's standard style for the background, with
// headings told apart by colour and weight alone: the "##" of the source
// is noise to a reader.
func glamourStyle(isDark bool) glamouransi.StyleConfig {
	cfg := glamourstyles.LightStyleConfig
	if isDark {
		cfg = glamourstyles.DarkStyleConfig
	}
	for _, h := range []*glamouransi.StyleBlock{&cfg.H2, &cfg.H3, &cfg.H4, &cfg.H5, &cfg.H6} {
		h.Prefix = ""
	}
	return cfg
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
		m.lines = strings.Split(out, "\n")
		m.plain = strings.Split(ansi.Strip(out), "\n")
		if msg.key.source == m.source {
			locate(m.plain, m.blocks)
		}
		m.shown, m.hasShown = msg.key, true
		m.refresh()
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
		case k.ScrollViewport(&m.vp, msg):
		case key.Matches(msg, k.NextBlock):
			return tea.Batch(m.selectBlock(1), m.Render())
		case key.Matches(msg, k.PrevBlock):
			return tea.Batch(m.selectBlock(-1), m.Render())
		case key.Matches(msg, k.Copy):
			return tea.Batch(m.copyBlock(), m.Render())
		}
	}
	return m.Render()
}

// refresh puts the rendering on screen with the selected block marked.
func (m *Model) refresh() {
	lines := m.lines
	if b, ok := m.selectedBlock(); ok {
		lines = append([]string(nil), m.lines...)
		mark := m.c.Styles.Accent.Render(styles.BlockMark)
		for i := b.start; i < b.end && i < len(lines); i++ {
			lines[i] = mark + ansi.TruncateLeft(lines[i], 1, "")
		}
	}
	m.vp.SetContent(strings.Join(lines, "\n"))
}

// selectedBlock is the selected code block if it is on the rendering.
func (m *Model) selectedBlock() (codeBlock, bool) {
	if m.sel < 0 || m.sel >= len(m.blocks) || !m.Rendered() || !m.blocks[m.sel].found {
		return codeBlock{}, false
	}
	return m.blocks[m.sel], true
}

// visible reports whether some line of b is on screen.
func (m *Model) visible(b codeBlock) bool {
	top := m.vp.YOffset()
	return b.found && b.end > top && b.start < top+m.vp.Height()
}

// selectBlock selects the next (+1) or previous (-1) code block, wrapping
// around, and scrolls to it; with none selected, the first one on screen
// (or after it, or before it going back).
func (m *Model) selectBlock(by int) tea.Cmd {
	if !m.Rendered() {
		return nil
	}
	var found []int
	for i, b := range m.blocks {
		if b.found {
			found = append(found, i)
		}
	}
	if len(found) == 0 {
		return messages.Cmd(messages.NoticeMsg{Text: "There is no code block here to select."})
	}
	pos := -1
	for i, bi := range found {
		if bi == m.sel {
			pos = i
		}
	}
	if pos < 0 {
		top := m.vp.YOffset()
		pos = 0
		if by < 0 {
			pos = len(found) - 1
		}
		for i, bi := range found {
			b := m.blocks[bi]
			if by > 0 && b.end > top {
				pos = i
				break
			}
			if by < 0 && b.start < top+m.vp.Height() {
				pos = i
			}
		}
	} else {
		pos = (pos + by + len(found)) % len(found)
	}
	m.sel = found[pos]
	b := m.blocks[m.sel]
	m.show(b.start, b.end)
	m.refresh()
	return nil
}

// copyBlock copies the selected code block when it is on screen, else the
// first one on screen, selecting it.
func (m *Model) copyBlock() tea.Cmd {
	if b, ok := m.selectedBlock(); !ok || !m.visible(b) {
		m.sel = -1
		for i, b := range m.blocks {
			if m.visible(b) {
				m.sel = i
				break
			}
		}
		m.refresh()
	}
	b, ok := m.selectedBlock()
	if !ok {
		return messages.Cmd(messages.NoticeMsg{Text: fmt.Sprintf("There is no code block on screen to copy; %s selects the next one.", m.c.Keys.NextBlock.Help().Key)})
	}
	return m.c.Copy(b.text)
}

// HasCodeBlocks reports whether the text has code blocks to copy.
func (m *Model) HasCodeBlocks() bool { return len(m.blocks) > 0 }

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
	if b := m.BlockKeys(); len(b) > 0 {
		return [][]key.Binding{m.c.Keys.Scroll(), b}
	}
	return [][]key.Binding{m.c.Keys.Scroll()}
}

// BlockKeys are the keys that select and copy code blocks, when the text
// has any, for pages that group their help differently.
func (m *Model) BlockKeys() []key.Binding {
	if !m.HasCodeBlocks() {
		return nil
	}
	k := m.c.Keys
	return []key.Binding{k.NextBlock, k.PrevBlock, k.Copy}
}
