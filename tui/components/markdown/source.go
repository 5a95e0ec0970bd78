package markdown

import (
	"sort"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// What the reader does to the source before Glamour renders it, and finds
// in it afterwards. Glamour parses with goldmark and these extensions; the
// reader parses the same way, so it sees the same code.
var parser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList)).Parser()

// Stand-ins that Glamour's wrapping does not break at, put back after the
// rendering: Lip Gloss breaks after every hyphen and at every space.
const (
	nbsp     = "\u00a0"
	nbHyphen = "\u2011"
)

// span is a byte range of the source and what to do with it.
type span struct {
	start, stop int
	kind        spanKind
}

type spanKind int

const (
	codeBlockSpan  spanKind = iota // hyphens do not break
	inlineCodeSpan                 // hyphens and spaces do not break
	softBreakSpan                  // a line break inside a list item: a space
)

// codeBlock is a fenced or indented code block: its text as written, and
// where it is in the rendering on screen once found there.
type codeBlock struct {
	text       string
	start, end int
	found      bool
}

// parse finds the code in src: the spans to protect from wrapping, and the
// code blocks, in order.
func parse(src string) ([]span, []codeBlock) {
	b := []byte(src)
	doc := parser.Parse(text.NewReader(b))
	var spans []span
	var blocks []codeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					spans = append(spans, span{t.Segment.Start, t.Segment.Stop, inlineCodeSpan})
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			// Glamour keeps a list item's line breaks (not a paragraph's);
			// a block quote's lines need their ">", so they stay.
			if n.SoftLineBreak() && within[*ast.ListItem](n) && !within[*ast.Blockquote](n) {
				stop := n.Segment.Stop
				end := stop + len(b[stop:]) - len(strings.TrimLeft(string(b[stop:]), "\r\n \t"))
				if end > stop {
					spans = append(spans, span{stop, end, softBreakSpan})
				}
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var code strings.Builder
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				spans = append(spans, span{seg.Start, seg.Stop, codeBlockSpan})
				code.Write(seg.Value(b))
			}
			blocks = append(blocks, codeBlock{text: strings.TrimRight(code.String(), "\n")})
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	return spans, blocks
}

// protect prepares the source for Glamour's wrapping: hyphens in code
// never end a line (a --flag stays in one piece), inline code does not
// break at its spaces either, so `kubectl get pods` stays on one line, and
// a list item flows as one paragraph. width is the text's width.
func protect(src string, spans []span, width int) string {
	var out strings.Builder
	at := 0
	for _, s := range spans {
		if s.start < at {
			continue
		}
		out.WriteString(src[at:s.start])
		text := src[s.start:s.stop]
		switch s.kind {
		case softBreakSpan:
			text = " "
		case inlineCodeSpan:
			text = strings.ReplaceAll(text, "-", nbHyphen)
			// A span wider than the line breaks at its spaces, rather
			// than inside a word.
			if ansi.StringWidth(text) <= width {
				text = strings.ReplaceAll(text, " ", nbsp)
			}
		case codeBlockSpan:
			text = strings.ReplaceAll(text, "-", nbHyphen)
		}
		out.WriteString(text)
		at = s.stop
	}
	out.WriteString(src[at:])
	return out.String()
}

// unprotect puts the stand-ins back in the rendering, so what the learner
// selects with the mouse is what the lesson says.
func unprotect(rendered string) string {
	return strings.NewReplacer(nbHyphen, "-", nbsp, " ").Replace(rendered)
}

// locate finds each code block in the rendered lines (without styling),
// in order. Glamour indents code and may wrap its lines, so lines are
// compared without their spaces: a block starts at a line that begins its
// first line and spans as many lines as its text needs.
func locate(plain []string, blocks []codeBlock) {
	squashed := make([]string, len(plain))
	for i, l := range plain {
		squashed[i] = squash(l)
	}
	from := 0
	for bi := range blocks {
		b := &blocks[bi]
		b.found = false
		want := squash(b.text)
		if want == "" {
			continue
		}
		for i := from; i < len(plain); i++ {
			if squashed[i] == "" || !strings.HasPrefix(want, squashed[i]) {
				continue
			}
			got, j := "", i
			for ; j < len(plain) && len(got) < len(want) && strings.HasPrefix(want, got+squashed[j]); j++ {
				got += squashed[j]
			}
			if got == want {
				b.start, b.end, b.found = i, j, true
				from = j
				break
			}
		}
	}
}

// within reports whether n has an ancestor of type T.
func within[T ast.Node](n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(T); ok {
			return true
		}
	}
	return false
}

// squash drops every space.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
