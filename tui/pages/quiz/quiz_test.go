package quiz

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func TestScoringAndRecord(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		score int
	}{
		{"all right by number", []string{"2", "enter", "2", "enter"}, 2},
		{"all right by cursor", []string{"down", "enter", "enter", "down", "enter", "enter"}, 2},
		{"one wrong", []string{"1", "enter", "2", "enter"}, 1},
		{"out-of-range number is ignored", []string{"9", "3", "enter", "2", "enter"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tuitest.NewCommon(t)
			l := c.Course.Lesson("pods-basics")
			q := New(c, l)
			d := tuitest.NewDriver(t, tuitest.PageModel{Page: q}, 80, 24)
			d.Press(tt.keys...)
			if !q.Finished() {
				t.Fatalf("quiz not finished:\n%s", d.View())
			}
			if got, total := q.Score(); got != tt.score || total != 2 {
				t.Errorf("score %d/%d, want %d/2", got, total, tt.score)
			}
			rec := c.Progress.Lesson(l.ID).Quiz
			if rec == nil || rec.Score != tt.score || rec.Total != 2 || rec.Attempts != 1 {
				t.Errorf("recorded %+v", rec)
			}
			s, err := progress.Open(dirOf(t, c.Progress.Store().Path()))
			if err != nil || s.Course(c.Course.ID).Lesson(l.ID).Quiz == nil {
				t.Errorf("the score is not on disk (%v)", err)
			}
			d.Press("enter")
			if n := len(tuitest.SeenOf[messages.BackMsg](d)); n != 1 {
				t.Error("enter on the result does not go back")
			}
		})
	}
}

func TestExplanationAfterEachAnswer(t *testing.T) {
	c := tuitest.NewCommon(t)
	q := New(c, c.Course.Lesson("pods-basics"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: q}, 80, 24)
	if strings.Contains(d.View(), "share the pod's IP") {
		t.Fatal("explanation shown before answering")
	}
	d.Press("1")
	v := d.View()
	if !strings.Contains(v, "Not quite: the answer is 2.") || !strings.Contains(v, "share the pod's IP") {
		t.Errorf("no verdict and explanation after a wrong answer:\n%s", v)
	}
	d.Press("3")
	if got, _ := q.Score(); got != 0 || q.idx != 0 {
		t.Error("a second answer to the same question counted")
	}
}

func dirOf(t *testing.T, path string) string {
	t.Helper()
	i := strings.LastIndex(path, "/")
	return path[:i]
}
