// Package prose sets the TUI's short texts, those that are not whole
// Markdown documents: check messages, quiz questions, prompts and the
// status line. They wrap between words only, so a command such as
// "kubectl auth can-i --as=…" or a name such as kubedojo-control-plane is
// never split at one of its hyphens, and their inline code (`kubectl get
// pods`) reads as code, without backticks, on one line.
package prose

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Stand-ins while text is wrapped: Lip Gloss (like every x/ansi wrap)
// always breaks after a hyphen, and Inline joins the words of a code span
// with no-break spaces.
const (
	nbHyphen = "\u2011"
	nbsp     = "\u00a0"
)

// Wrap wraps text to width at spaces only; a word longer than the width
// is cut. ANSI styles are kept.
func Wrap(text string, width int) string {
	out := lipgloss.Wrap(strings.ReplaceAll(text, "-", nbHyphen), max(1, width), " ")
	return strings.NewReplacer(nbHyphen, "-", nbsp, " ").Replace(out)
}

// Block renders src's inline code (Inline) and wraps it to width (Wrap),
// keeping each code span that fits on a line on one line; a longer one
// breaks between its words.
func Block(base, code lipgloss.Style, src string, width int) string {
	return Wrap(inline(base, code, strings.TrimSpace(src), width), width)
}

// Inline renders the code spans of a short text written in Markdown in
// the code style, without their backticks, and the rest in base. Other
// Markdown stays as written: messages quote globs and regular expressions
// that emphasis and escape rules would mangle.
func Inline(base, code lipgloss.Style, src string) string {
	return inline(base, code, src, 0)
}

// inline follows CommonMark's code spans: a run of n backticks opens one
// and the next run of exactly n closes it; line ends inside are spaces,
// and one space is stripped from each end when both ends have one. A run
// that is never closed is literal text. The words of a span no wider than
// keepWidth are joined with no-break spaces.
func inline(base, code lipgloss.Style, src string, keepWidth int) string {
	var out strings.Builder
	text := func(s string) {
		if s != "" {
			out.WriteString(base.Render(s))
		}
	}
	rest := src
	for {
		open := strings.IndexByte(rest, '`')
		if open < 0 {
			text(rest)
			return out.String()
		}
		n := ticks(rest[open:])
		body, after, ok := closeSpan(rest[open+n:], n)
		if !ok {
			text(rest[:open+n])
			rest = rest[open+n:]
			continue
		}
		text(rest[:open])
		body = strings.ReplaceAll(body, "\n", " ")
		if len(body) > 1 && body[0] == ' ' && body[len(body)-1] == ' ' && strings.Trim(body, " ") != "" {
			body = body[1 : len(body)-1]
		}
		if ansi.StringWidth(body) <= keepWidth {
			body = strings.ReplaceAll(body, " ", nbsp)
		}
		out.WriteString(code.Render(body))
		rest = after
	}
}

// ticks counts the backticks s starts with.
func ticks(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// closeSpan finds the run of exactly n backticks that closes a code span
// in s: the span's text and what follows it.
func closeSpan(s string, n int) (body, after string, ok bool) {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		run := ticks(s[i:])
		if run == n {
			return s[:i], s[i+n:], true
		}
		i += run
	}
	return "", "", false
}

// Plural counts things in words: "1 hint", "3 hints", "0 hints".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
