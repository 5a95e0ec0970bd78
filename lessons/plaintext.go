package lessons

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"gopkg.in/yaml.v3"
)

// PlainText removes from s whatever would control a terminal rather than
// show text: escape sequences (CSI, OSC, DCS, …) whole, and the remaining
// C0 and C1 control characters except newline and tab. A pack's text is
// printed by the command line and drawn by the TUI; without this, a title
// could set the terminal's title or write its clipboard (OSC 52). The
// loader applies it to every string of a pack as it reads it, so nothing
// later has to remember to.
func PlainText(s string) string {
	if !hasControl(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f))
}

func hasControl(s string) bool {
	for _, r := range s {
		if isControl(r) {
			return true
		}
	}
	return false
}

// plainNodes applies PlainText to every key and value of a YAML tree
// (an alias's values where its anchor is).
func plainNodes(n *yaml.Node) {
	n.Value = PlainText(n.Value)
	for _, c := range n.Content {
		plainNodes(c)
	}
}
