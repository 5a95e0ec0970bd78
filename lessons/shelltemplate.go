package lessons

import (
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// quoting is how the shell reads the characters at one place of a script.
type quoting int

const (
	unquoted      quoting = iota
	doubleQuoted          // "…"
	singleQuoted          // '…'
	ansiCQuoted           // $'…'
	heredoc               // <<EOF body: expansions, no word splitting
	quotedHeredoc         // <<'EOF' body: as it is
)

// span is a stretch of a script read with one quoting.
type span struct {
	start, end uint
	q          quoting
}

// ExpandShell replaces the template variables of a shell script (a run
// step, a node command) with their values quoted for the place they are
// at: bare, in double or single quotes, in a here-document. A value is
// the learner's own (the lab directory's path may hold spaces, quotes or
// "$(…)"), so it must reach the command as one word, as it is, and never
// run. A script that does not parse (lint reports it) gets every value
// quoted as a bare word.
func (v Vars) ExpandShell(script string) string {
	values := v.values()
	return expandShell(script, templateRE, func(name string) (string, bool) {
		val, ok := values[name]
		return val, ok
	})
}

// ExpandShellAnswers replaces {{answer:KEY}} in a shell script (a node
// check's command) with answers[KEY], quoted for its place as ExpandShell
// quotes template variables: the learner's answer is one word and never
// runs. References to keys answers lacks stay as they are.
func ExpandShellAnswers(script string, answers map[string]string) string {
	return expandShell(script, AnswerRefRE, func(key string) (string, bool) {
		val, ok := answers[key]
		return val, ok
	})
}

// expandShell replaces what re matches (its first group names the value)
// with lookup's value, quoted for its place in the script.
func expandShell(script string, re *regexp.Regexp, lookup func(string) (string, bool)) string {
	if !strings.Contains(script, "{{") {
		return script
	}
	var spans []span
	if f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), ""); err == nil {
		spans = quotingSpans(f)
	}
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(script, -1) {
		val, ok := lookup(script[m[2]:m[3]])
		if !ok {
			continue
		}
		b.WriteString(script[last:m[0]])
		b.WriteString(quoteFor(quotingAt(spans, uint(m[0])), val))
		last = m[1]
	}
	b.WriteString(script[last:])
	return b.String()
}

// quotingSpans lists the quoted stretches of a script, and the command
// substitutions inside them (which start over, unquoted).
func quotingSpans(f *syntax.File) []span {
	var spans []span
	add := func(n syntax.Node, q quoting) {
		spans = append(spans, span{n.Pos().Offset(), n.End().Offset(), q})
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.SglQuoted:
			if n.Dollar {
				add(n, ansiCQuoted)
			} else {
				add(n, singleQuoted)
			}
		case *syntax.DblQuoted:
			add(n, doubleQuoted)
		case *syntax.CmdSubst:
			add(n, unquoted)
		case *syntax.Redirect:
			if n.Hdoc != nil {
				q := heredoc
				if n.Word != nil && quotedWord(n.Word) {
					q = quotedHeredoc
				}
				add(n.Hdoc, q)
			}
		}
		return true
	})
	return spans
}

// quotedWord says whether a here-document's delimiter is quoted, which
// makes its body literal.
func quotedWord(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, `\`) {
				return true
			}
		}
	}
	return false
}

// quotingAt is the quoting of the innermost span holding offset.
func quotingAt(spans []span, offset uint) quoting {
	q, size := unquoted, ^uint(0)
	for _, s := range spans {
		if s.start <= offset && offset < s.end && s.end-s.start < size {
			q, size = s.q, s.end-s.start
		}
	}
	return q
}

// quoteFor writes val so that the shell reads it as it is at a place of
// quoting q.
func quoteFor(q quoting, val string) string {
	switch q {
	case doubleQuoted:
		return backslashed(val, "\\\"$`")
	case heredoc:
		return backslashed(val, "\\$`")
	case singleQuoted:
		return strings.ReplaceAll(val, `'`, `'\''`)
	case ansiCQuoted:
		return backslashed(val, `\'`)
	case quotedHeredoc:
		return val
	}
	return ShellQuote(val)
}

func backslashed(s, special string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ShellQuote quotes s as one word for a POSIX shell, when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
