package checklist

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func checksOf(ids ...string) []lessons.Check {
	var out []lessons.Check
	for _, id := range ids {
		out = append(out, lessons.Check{ID: id, Title: "check " + id})
	}
	return out
}

func TestResultsMatchChecksByID(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, checksOf("a", "b", "c"))
	m.SetSize(60, 0)
	m.SetReport(checks.Report{Results: []checks.Result{
		{ID: "c", Status: checks.Pass},
		{ID: "a", Status: checks.Fail, Message: "a is wrong", Detail: "expected 1, found 2"},
	}})
	got := ansi.Strip(m.View())
	want := "✘ check a\n    a is wrong\n    expected 1, found 2\n· check b\n✔ check c"
	if got != want {
		t.Errorf("view:\n%s\nwant:\n%s", got, want)
	}
	if s := ansi.Strip(m.Summary()); s != "1/3 pass" {
		t.Errorf("summary %q", s)
	}
}

func TestShortensWhenTight(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, checksOf("a", "b"))
	long := strings.Repeat("word ", 30)
	m.SetReport(checks.Report{Results: []checks.Result{
		{ID: "a", Status: checks.Fail, Message: long, Detail: long},
		{ID: "b", Status: checks.Error, Detail: long},
	}})
	m.SetSize(40, 0)
	full := strings.Split(ansi.Strip(m.View()), "\n")
	m.SetSize(40, 5)
	short := strings.Split(ansi.Strip(m.View()), "\n")
	if len(full) <= 5 || len(short) != 5 {
		t.Fatalf("full %d lines, shortened %d (want 5)", len(full), len(short))
	}
	if !strings.HasSuffix(short[1], "…") {
		t.Errorf("details are not cut to one line: %q", short[1])
	}
	m.SetSize(40, 3)
	tiny := strings.Split(ansi.Strip(m.View()), "\n")
	if len(tiny) != 3 || !strings.Contains(tiny[2], "more lines") {
		t.Errorf("cut list does not say what is hidden: %q", tiny)
	}
	for _, l := range full {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
}
