package lesson

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/styles"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func TestReadAtTheEnd(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, c.Course.Lesson("pods-basics"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 16)
	if c.Progress.Lesson("pods-basics").Read {
		t.Fatal("marked read before reaching the end")
	}
	d.Press("down", "space")
	if c.Progress.Lesson("pods-basics").Read {
		t.Fatal("marked read before the end")
	}
	d.Press("end")
	if !c.Progress.Lesson("pods-basics").Read {
		t.Error("not marked read at the end")
	}
}

func TestShortReadingIsReadAtOnce(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, c.Course.Lesson("services"))
	tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 120, 40)
	if !c.Progress.Lesson("services").Read {
		t.Error("a reading that fits on screen is not marked read")
	}
}

func TestChooseAndOpen(t *testing.T) {
	c := tuitest.NewCommon(t)
	c.Progress.MarkDone("pods-basics/first-pod")
	m := New(c, c.Course.Lesson("pods-basics"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
	d.Press("enter")
	ex := tuitest.SeenOf[messages.OpenExerciseMsg](d)
	if len(ex) != 1 || ex[0].Exercise.ID != "pods-basics/labels" {
		t.Fatalf("enter opened %+v, want the first unfinished exercise", ex)
	}
	d.Press("tab", "enter")
	if q := tuitest.SeenOf[messages.OpenQuizMsg](d); len(q) != 1 {
		t.Errorf("tab, enter did not open the quiz")
	}
	d.Press("tab", "shift+tab", "shift+tab", "enter")
	if ex := tuitest.SeenOf[messages.OpenExerciseMsg](d); len(ex) != 2 || ex[1].Exercise.ID != "pods-basics/labels" {
		t.Errorf("selection does not wrap around: %+v", ex)
	}
}

// TestCopyCodeBlocks copies the reading's commands with the copy key: the
// first block on screen, then the next one, selected with its key. The
// long command wraps on screen but is copied as the one line it is.
func TestCopyCodeBlocks(t *testing.T) {
	c := tuitest.NewCommon(t)
	m := New(c, c.Course.Lesson("services"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: m}, 80, 24)
	long := "kubectl create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o yaml > web.yaml"
	d.Press("y")
	if got := tuitest.Clipboard(d); len(got) != 1 || got[0] != "kubectl expose deployment web --port=80" {
		t.Fatalf("y copied %q, want the first code block on screen", got)
	}
	d.Press("]", "y")
	if got := tuitest.Clipboard(d); len(got) != 2 || got[1] != long {
		t.Fatalf("], y copied %q, want the long command whole", got)
	}
	marked := 0
	for _, l := range strings.Split(d.View(), "\n") {
		if strings.HasPrefix(l, styles.BlockMark) {
			marked++
		}
	}
	if marked < 2 {
		t.Errorf("the selected block (wrapped on two lines or more) is not marked:\n%s", d.View())
	}
	d.Press("[", "y")
	if got := tuitest.Clipboard(d); len(got) != 3 || got[2] != "kubectl expose deployment web --port=80" {
		t.Errorf("[, y copied %q, want the first block again", got)
	}
	notices := tuitest.SeenOf[messages.NoticeMsg](d)
	if len(notices) != 3 || !strings.Contains(notices[1].Text, "Copied") {
		t.Errorf("notices %+v, want one confirmation per copy", notices)
	}
}
