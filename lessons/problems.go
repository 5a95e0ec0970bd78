package lessons

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a lesson pack, located precisely enough
// for an author to jump to it: the file inside the pack, the 1-based line
// (0 when the problem concerns the file as a whole) and the field path.
type Problem struct {
	File    string
	Line    int
	Field   string
	Message string
}

// String formats the problem as "file:line: field: message", the form
// editors and CI logs recognise.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is the error returned when a pack does not load or lint cleanly.
// It carries every problem found, not only the first.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file, then line, then field, so output is stable.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Field < b.Field
	})
}

// reporter collects problems for one file.
type reporter struct {
	file     string
	problems *Problems
}

func (r reporter) add(line int, field, format string, args ...any) {
	// File names and fields come from the pack too (see PlainText).
	*r.problems = append(*r.problems, Problem{File: PlainText(r.file), Line: line, Field: PlainText(field), Message: PlainText(fmt.Sprintf(format, args...))})
}
