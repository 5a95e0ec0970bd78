package coursemap

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func TestFilter(t *testing.T) {
	tests := []struct {
		query     string
		want      []string
		unwanted  []string
		selection string
	}{
		{"serv", []string{"Services and endpoints"}, []string{"Pods and containers"}, "services"},
		{"NETWORK", []string{"Services and endpoints"}, []string{"Pods and containers"}, "services"}, // domain, any case
		{"pods", []string{"Pods and containers"}, []string{"Services and endpoints"}, "pods-basics"}, // track and title
		{"zzz", []string{`No lesson matches "zzz".`}, []string{"Pods and containers"}, "pods-basics"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			c := tuitest.NewCommon(t)
			m := New(c, "")
			d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
			d.Press("/")
			d.Press(strings.Split(tt.query, "")...)
			list := listPart(d.View())
			for _, w := range tt.want {
				if !strings.Contains(list, w) {
					t.Errorf("list lacks %q:\n%s", w, list)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(list, u) {
					t.Errorf("list shows %q:\n%s", u, list)
				}
			}
			if m.Selected() != tt.selection {
				t.Errorf("selected %q, want %q", m.Selected(), tt.selection)
			}
		})
	}
}

// listPart is the screen without the detail of the selected lesson.
func listPart(v string) string {
	lines := strings.Split(v, "\n")
	return strings.Join(lines[:len(lines)-4], "\n")
}

func TestFilterKeysAndOpen(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, "")
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
	d.Press("/", "s", "x", "backspace", "e", "enter")
	if m.filtering || m.filter.Value != "se" {
		t.Fatalf("after typing and enter: filtering %v, value %q", m.filtering, m.filter.Value)
	}
	d.Press("esc")
	if m.filter.Value != "" {
		t.Errorf("esc did not clear the filter")
	}
	d.Press("down", "enter")
	open := tuitest.SeenOf[messages.OpenLessonMsg](d)
	if len(open) != 1 || open[0].Lesson.ID != "services" {
		t.Errorf("enter opened %+v", open)
	}
}

func TestSelectsFirstUnfinishedLesson(t *testing.T) {
	c := tuitest.NewCommon(t)
	c.Progress.MarkDone("pods-basics/first-pod")
	c.Progress.MarkDone("pods-basics/labels")
	if got := New(c, "").Selected(); got != "services" {
		t.Errorf("selected %q, want the first lesson not complete", got)
	}
	if got := New(c, "pods-basics").Selected(); got != "pods-basics" {
		t.Errorf("selected %q, want the resumed lesson", got)
	}
}

// TestFilterFindsExercises: a lesson matches by its exercises' titles and
// ids too, as kubedojo list and the CLI name them.
func TestFilterFindsExercises(t *testing.T) {
	for _, query := range []string{"expose a deploy", "clusterip", "first-pod"} {
		t.Run(query, func(t *testing.T) {
			c := tuitest.NewCommon(t)
			m := New(c, "")
			d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
			d.Press("/")
			d.Press(strings.Split(query, "")...)
			list := listPart(d.View())
			want, other := "Services and endpoints", "Pods and containers"
			if query == "first-pod" {
				want, other = other, want
			}
			if !strings.Contains(list, want) || strings.Contains(list, other) {
				t.Errorf("filter %q:\n%s", query, list)
			}
		})
	}
	c := tuitest.NewCommon(t)
	m := New(c, "")
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
	d.Press("/")
	d.Send(tea.PasteMsg{Content: "services/clusterip"})
	if list := listPart(d.View()); !strings.Contains(list, "Services and endpoints") || strings.Contains(list, "Pods and containers") {
		t.Errorf("a pasted exercise id does not find its lesson:\n%s", list)
	}
}

// TestSlashRefocusesTheFilter: / is the filter key, never filter text; a
// second / selects what was typed, so typing starts a new filter and
// enter keeps the old one.
func TestSlashRefocusesTheFilter(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, "")
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
	d.Press("/", "s", "e", "r", "/")
	if m.filter.Value != "ser" || !m.filtering {
		t.Fatalf("a second / changed the filter to %q (filtering %v)", m.filter.Value, m.filtering)
	}
	d.Press("p")
	if m.filter.Value != "p" {
		t.Errorf("typing after / gives %q, want a new filter", m.filter.Value)
	}
	d.Press("o", "enter", "/")
	if !m.filtering || m.filter.Value != "po" {
		t.Fatalf("/ after enter: filtering %v, value %q", m.filtering, m.filter.Value)
	}
	d.Press("enter")
	if m.filtering || m.filter.Value != "po" {
		t.Errorf("enter after refocusing lost the filter: %q", m.filter.Value)
	}
	d.Press("/", "backspace")
	if m.filter.Value != "" {
		t.Errorf("backspace on the selected filter left %q", m.filter.Value)
	}
}
