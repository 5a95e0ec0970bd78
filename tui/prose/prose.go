// Package prose sets the TUI's short texts, those that are not whole
// Markdown documents: check messages, quiz questions, prompts and the
// status line. They wrap between words only, so a command such as
// "kubectl auth can-i --as=…" or a name such as kubedojo-control-plane is
// never split at one of its hyphens.
package prose

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
)

// nbHyphen stands in for "-" while text is wrapped: Lip Gloss (like
// every x/ansi wrap) always breaks after a hyphen.
const nbHyphen = "\u2011"

// Wrap wraps text to width at spaces only; a word longer than the width
// is cut. ANSI styles are kept.
func Wrap(text string, width int) string {
	out := lipgloss.Wrap(strings.ReplaceAll(text, "-", nbHyphen), max(1, width), " ")
	return strings.ReplaceAll(out, nbHyphen, "-")
}

// Plural counts things in words: "1 hint", "3 hints", "0 hints".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
