package checklist

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/checks/result"
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
	m.SetReport(result.Report{Results: []result.Result{
		{ID: "c", Status: result.Pass},
		{ID: "a", Status: result.Fail, Message: "a is wrong", Detail: "expected 1, found 2"},
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
	m := New(c, checksOf("a", "b", "c"))
	long := strings.Repeat("word ", 30)
	m.SetReport(result.Report{Results: []result.Result{
		{ID: "a", Status: result.Pass},
		{ID: "b", Status: result.Fail, Message: long, Detail: long},
		{ID: "c", Status: result.Error, Detail: long},
	}})
	m.SetSize(40, 0)
	full := strings.Split(ansi.Strip(m.View()), "\n")
	if m.Cut() {
		t.Error("a list without a height limit counts as cut")
	}
	m.SetSize(40, 14)
	short := strings.Split(ansi.Strip(m.View()), "\n")
	if len(full) <= 14 || len(short) != 14 || !m.Cut() {
		t.Fatalf("full %d lines, shortened %d (want 14), cut %v", len(full), len(short), m.Cut())
	}
	if !strings.HasSuffix(short[13], "…") {
		t.Errorf("the other check's detail is not cut to one line: %q", short[13])
	}
	if strings.Contains(strings.Join(short[:13], "\n"), "…") {
		t.Errorf("the selected failing check is not whole:\n%s", strings.Join(short, "\n"))
	}
	m.Update(tuitest.Key("tab"))
	moved := strings.Join(strings.Fields(ansi.Strip(m.View())), " ")
	if !strings.Contains(moved, "environment problem, not your answer: "+strings.TrimSpace(long)) {
		t.Errorf("tab did not show the next check whole:\n%s", moved)
	}
	m.SetSize(40, 3)
	tiny := strings.Split(ansi.Strip(m.View()), "\n")
	if len(tiny) != 3 || !strings.Contains(tiny[0], "above") || !strings.Contains(tiny[2], "below") {
		t.Errorf("cut list does not say what is hidden: %q", tiny)
	}
	for _, l := range full {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
}

// TestInlineCodeInMessages: the author's Markdown code spans read as code,
// without backticks, and a span is not split across lines.
func TestInlineCodeInMessages(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, checksOf("a"))
	m.SetReport(result.Report{Results: []result.Result{{ID: "a", Status: result.Fail,
		Message: "the service account cannot list pods; `kubectl auth can-i list pods --as=system:serviceaccount:pod-1:web` shows what it may do",
		Detail:  "expected `Running`, found `Pending`"}}})
	m.SetSize(80, 0)
	got := ansi.Strip(m.View())
	if strings.Contains(got, "`") {
		t.Errorf("backticks on screen:\n%s", got)
	}
	for _, want := range []string{"kubectl auth can-i list pods --as=system:serviceaccount:pod-1:web", "expected Running, found Pending"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q is not on one line:\n%s", want, got)
		}
	}
	if code := c.Styles.Code.Render("Running"); !strings.Contains(m.View(), code) {
		t.Errorf("inline code is not in the code style: %q", m.View())
	}
}
