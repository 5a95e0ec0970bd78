package lesson

import (
	"testing"

	"github.com/kubedojo/kubedojo/tui/messages"
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
