package coursemap

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/tui/styles"
)

// filterInput is the one-line filter of the course map. It needs only
// typing, deleting and pasting, so it is a few lines here rather than the
// bubbles text input (which would pull in a clipboard module).
type filterInput struct {
	value string
	// selected means the whole text is selected: typing or pasting
	// replaces it, deleting clears it.
	selected bool
}

// selectAll selects the text, if there is any.
func (f *filterInput) selectAll() { f.selected = f.value != "" }

// update applies a key or a paste to the text.
func (f *filterInput) update(msg tea.Msg) {
	selected := f.selected
	f.selected = false
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if selected {
			f.value = ""
		}
		f.value += strings.ReplaceAll(msg.Content, "\n", " ")
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if _, size := utf8.DecodeLastRuneInString(f.value); size > 0 {
				f.value = f.value[:len(f.value)-size]
			}
			if selected {
				f.value = ""
			}
		case "ctrl+u", "ctrl+w":
			f.value = ""
		default:
			if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
				if selected {
					f.value = ""
				}
				f.value += msg.Text
			} else {
				f.selected = selected
			}
		}
	}
}

// view renders the input: a prompt, the text and, while focused, a block
// cursor (it does not blink, so frames stay stable).
func (f *filterInput) view(s *styles.Styles, focused bool, width int) string {
	prompt := s.Accent.Render("/ ")
	switch {
	case f.value == "" && focused:
		return prompt + "█" + s.Muted.Render(" type to filter by lesson, exercise, track or domain")
	case focused && f.selected:
		return prompt + s.Selected.Reverse(true).Render(ansi.Truncate(f.value, width-4, "…")) + s.Muted.Render("  type to start over, enter to keep it")
	case focused:
		return prompt + ansi.TruncateLeft(f.value, max(0, len(f.value)-(width-4)), "…") + "█"
	}
	return prompt + ansi.Truncate(f.value, width-2, "…") + s.Muted.Render("  (filtered)")
}
