package exercise

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// TestPackTextCannotControlTheTerminal: escape sequences in a pack's
// exercise title, task and hints reach the screen as nothing.
func TestPackTextCannotControlTheTerminal(t *testing.T) {
	f := open(t, first, result.Fail, func(c *common.Common) { c.Course = tuitest.HostileCourse(t) })
	f.Press("h")
	v := f.View()
	for _, want := range []string{"Run your first pod", "ready.", "creates a pod"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the view lacks %q:\n%s", want, v)
		}
	}
	tuitest.NoControlSequences(t, v)
}
