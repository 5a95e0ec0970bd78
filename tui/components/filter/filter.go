// Package filter is the one-line filter input of the TUI's lists (the
// course map, the class board).
package filter

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/tui/keymap"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Input is a one-line filter. It needs only typing, deleting and
// pasting, so it is a few lines here rather than the bubbles text input
// (which would pull in a clipboard module).
type Input struct {
	// Value is the filter text.
	Value string
	// selected means the whole text is selected: typing or pasting
	// replaces it, deleting clears it.
	selected bool
}

// SelectAll selects the text, if there is any.
func (f *Input) SelectAll() { f.selected = f.Value != "" }

// Key applies a key pressed while the filter has focus and reports
// whether it keeps focus: the accept key leaves with the text, the cancel
// key leaves and clears it. The filter key is never filter text: it
// selects the text, so that what is typed next starts a new filter (an
// exercise id with its / can be pasted). Any other key edits.
func (f *Input) Key(msg tea.KeyPressMsg, k *keymap.KeyMap) (focused bool) {
	switch {
	case key.Matches(msg, k.FilterAccept):
		return false
	case key.Matches(msg, k.FilterCancel):
		f.Value = ""
		return false
	case key.Matches(msg, k.Filter):
		f.SelectAll()
	default:
		f.Update(msg)
	}
	return true
}

// Update applies a key or a paste to the text.
func (f *Input) Update(msg tea.Msg) {
	selected := f.selected
	f.selected = false
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if selected {
			f.Value = ""
		}
		f.Value += strings.ReplaceAll(msg.Content, "\n", " ")
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if _, size := utf8.DecodeLastRuneInString(f.Value); size > 0 {
				f.Value = f.Value[:len(f.Value)-size]
			}
			if selected {
				f.Value = ""
			}
		case "ctrl+u", "ctrl+w":
			f.Value = ""
		default:
			if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
				if selected {
					f.Value = ""
				}
				f.Value += msg.Text
			} else {
				f.selected = selected
			}
		}
	}
}

// View renders the input: a prompt, the text and, while focused, a block
// cursor (it does not blink, so frames stay stable); hint says what an
// empty filter filters by.
func (f *Input) View(s *styles.Styles, focused bool, width int, hint string) string {
	prompt := s.Accent.Render("/ ")
	switch {
	case f.Value == "" && focused:
		return prompt + "█" + s.Muted.Render(" "+hint)
	case focused && f.selected:
		return prompt + s.Selected.Reverse(true).Render(ansi.Truncate(f.Value, width-4, "…")) + s.Muted.Render("  type to start over, enter to keep it")
	case focused:
		return prompt + ansi.TruncateLeft(f.Value, max(0, len(f.Value)-(width-4)), "…") + "█"
	}
	return prompt + ansi.Truncate(f.Value, width-2, "…") + s.Muted.Render("  (filtered)")
}
