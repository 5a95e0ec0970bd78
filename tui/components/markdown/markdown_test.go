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
