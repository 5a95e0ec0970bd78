package lesson

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// TestPackTextCannotControlTheTerminal: escape sequences in a pack's
// lesson title and reading reach the screen as nothing.
func TestPackTextCannotControlTheTerminal(t *testing.T) {
	c := tuitest.NewCommon(t)
	c.Course = tuitest.HostileCourse(t)
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: New(c, c.Course.Lesson("pods-basics"))}, 100, 40)
	v := d.View()
	for _, want := range []string{"Pods and containers", "Hostile"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the view lacks %q:\n%s", want, v)
		}
	}
	tuitest.NoControlSequences(t, v)
}
