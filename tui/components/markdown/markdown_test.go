package markdown

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/tui/styles"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// run renders synchronously: it runs the command the reader returns.
func run(m *Model, cmd tea.Cmd) {
	for cmd != nil {
		cmd = m.Update(cmd())
	}
}

func TestRendersForWidthAndColours(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c)
	m.SetMarkdown("# Title\n\n" + strings.Repeat("word ", 40))
	if got := ansi.Strip(m.View()); !strings.Contains(got, "Rendering") {
		t.Errorf("before rendering: %q", got)
	}
	m.SetSize(40, 20)
	run(m, m.Render())
	if !m.Rendered() {
		t.Fatal("not rendered")
	}
	narrow := m.View()
	for _, l := range strings.Split(ansi.Strip(narrow), "\n") {
		if ansi.StringWidth(strings.TrimRight(l, " ")) > 40 {
			t.Errorf("line wider than the reader: %q", l)
		}
	}
	if m.Render() != nil {
		t.Error("rendering again without a change")
	}
	m.SetSize(80, 20)
	if m.Rendered() {
		t.Error("a new width counts as rendered")
	}
	run(m, m.Render())
	c.Styles = styles.New(false)
	cmd := m.Render()
	if cmd == nil {
		t.Fatal("no new rendering for a light background")
	}
	run(m, cmd)
	if m.View() == narrow {
		t.Error("the view did not change")
	}
}

func TestLateRenderingIsKeptOnlyIfCurrent(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c)
	m.SetMarkdown("first")
	m.SetSize(40, 5)
	stale := m.Render()
	m.SetMarkdown("second")
	run(m, m.Render())
	m.Update(stale())
	if !m.Rendered() || !strings.Contains(ansi.Strip(m.View()), "second") {
		t.Errorf("view %q", ansi.Strip(m.View()))
	}
}

// rendered renders src at width and returns the lines without styling.
func rendered(t *testing.T, src string, width int) []string {
	t.Helper()
	c := tuitest.NewCommon(t)
	m := New(c)
	m.SetMarkdown(src)
	m.SetSize(width, 200)
	run(m, m.Render())
	return strings.Split(ansi.Strip(m.View()), "\n")
}

func TestHeadingsShowNoMarkdownSyntax(t *testing.T) {
	lines := rendered(t, "# Pods\n\n## Run one\n\nText.\n\n### Details\n\nMore.", 60)
	for _, want := range []string{"Run one", "Details"} {
		found := false
		for _, l := range lines {
			if strings.TrimSpace(l) == want {
				found = true
			}
			if strings.Contains(l, "#") {
				t.Errorf("a heading keeps its Markdown: %q", l)
			}
		}
		if !found {
			t.Errorf("heading %q not on a line of its own:\n%s", want, strings.Join(lines, "\n"))
		}
	}
}

func TestInlineCodeIsNotSplitAcrossLines(t *testing.T) {
	spans := []string{"kubectl get pod web -o yaml", "kubedojo-control-plane", "status.phase"}
	src := "Run `" + spans[0] + "` to see the whole object; your node is `" + spans[1] + "` and the field is `" + spans[2] + "`, which says where the pod is in its life."
	// From 40 columns every span fits on a line of its own.
	for width := 40; width <= 80; width++ {
		text := strings.Join(rendered(t, src, width), "\n")
		for _, s := range spans {
			if !strings.Contains(text, s) {
				t.Errorf("width %d: %q is split:\n%s", width, s, text)
			}
		}
	}
}

func TestReadingColumnIsCappedOnWideTerminals(t *testing.T) {
	src := strings.Repeat("A line of reading that goes on and on so that it wraps. ", 20)
	for _, l := range rendered(t, src, 140) {
		if w := ansi.StringWidth(strings.TrimRight(l, " ")); w > MaxReadingWidth {
			t.Errorf("line of %d columns on a 140-column terminal (cap %d): %q", w, MaxReadingWidth, l)
		}
	}
}

// TestListItemsFlowLikeParagraphs: Glamour keeps the source's line breaks
// inside a list item, so an item written on two lines showed as a short
// line and a broken one; it must read as one flowing paragraph.
func TestListItemsFlowLikeParagraphs(t *testing.T) {
	text := strings.Join(rendered(t, "- Deployment `api` behind Service `api`: nginx on TCP port `80` and an admin\n  page on TCP port `8080`;\n- two\n\n> a quote\n> on two lines\n", 100), "\n")
	flat := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(flat, "• Deployment api behind Service api : nginx on TCP port 80 and an admin page on TCP port 8080 ;") {
		t.Errorf("list item:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "page on TCP port  8080 ;" {
			t.Errorf("the item's second source line is still a line of its own:\n%s", text)
		}
	}
	if !strings.Contains(flat, "a quote on two lines") || strings.Contains(flat, "> on") {
		t.Errorf("a block quote changed:\n%s", text)
	}
}

// TestLongInlineCodeBreaksBetweenWords: inline code wider than the reading
// breaks at its spaces, not inside a word.
func TestLongInlineCodeBreaksBetweenWords(t *testing.T) {
	span := "kubectl -n np-3 exec locked -- nslookup kubernetes.default.svc.cluster.local"
	text := strings.Join(rendered(t, "Then run `"+span+"` to test.", 50), "\n")
	for _, w := range strings.Fields(span) {
		if !strings.Contains(text, w) {
			t.Errorf("%q is cut inside:\n%s", w, text)
		}
	}
}
