package quiz

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func TestScoringAndRecord(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		score int
	}{
		{"all right by number", []string{"2", "enter", "enter", "2", "enter", "enter"}, 2},
		{"all right by cursor", []string{"down", "enter", "enter", "down", "enter", "enter"}, 2},
		{"one wrong", []string{"1", "enter", "enter", "2", "enter", "enter"}, 1},
		{"out-of-range number is ignored", []string{"9", "3", "enter", "enter", "2", "enter", "enter"}, 1},
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
			requireRecorded(t, c, l.ID, 1)
			d.Press("enter")
			if n := len(tuitest.SeenOf[messages.BackMsg](d)); n != 1 {
				t.Error("enter on the result does not go back")
			}
		})
	}
}

// requireRecorded checks that the progress store holds the quiz's
// attempts, not yet saved: the root saves a changed store after the update
// (tui's TestProgressSavedAfterEveryChange).
func requireRecorded(t *testing.T, c *common.Common, lesson string, attempts int) {
	t.Helper()
	if q := c.Progress.Lesson(lesson).Quiz; q == nil || q.Attempts != attempts {
		t.Fatalf("the store holds %+v, want %d attempts", q, attempts)
	}
	if !c.Progress.Store().Dirty() {
		t.Error("the store is not marked changed, so the root would not save it")
	}
}

// TestAnswerNeedsConfirmation: a digit or an arrow only selects a choice,
// which the learner may change; enter answers with it.
func TestAnswerNeedsConfirmation(t *testing.T) {
	c := tuitest.NewCommon(t)
	q := New(c, c.Course.Lesson("pods-basics"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: q}, 80, 24)
	d.Press("1")
	if v := d.View(); strings.Contains(v, "Not quite") || strings.Contains(v, "share the pod's IP") {
		t.Fatalf("a digit answered at once:\n%s", v)
	}
	if !strings.Contains(d.View(), "▸ 1.") {
		t.Errorf("the chosen answer is not marked:\n%s", d.View())
	}
	d.Press("2")
	if !strings.Contains(d.View(), "▸ 2.") {
		t.Errorf("changing the choice did not move the mark:\n%s", d.View())
	}
	d.Press("enter")
	v := d.View()
	if !strings.Contains(v, "Right.") || !strings.Contains(v, "share the pod's IP") {
		t.Errorf("enter did not answer with the changed choice:\n%s", v)
	}
	d.Press("3", "1")
	if got, _ := q.Score(); got != 1 || q.idx != 0 {
		t.Error("keys after the answer changed it")
	}
}

func TestExplanationAfterEachAnswer(t *testing.T) {
	c := tuitest.NewCommon(t)
	q := New(c, c.Course.Lesson("pods-basics"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: q}, 80, 24)
	if strings.Contains(d.View(), "share the pod's IP") {
		t.Fatal("explanation shown before answering")
	}
	d.Press("1", "enter")
	v := d.View()
	if !strings.Contains(v, "Not quite: the answer is 2.") || !strings.Contains(v, "share the pod's IP") {
		t.Errorf("no verdict and explanation after a wrong answer:\n%s", v)
	}
}

// TestReviewAndRetake: the result lists the questions answered wrong with
// the learner's answer, the right one and why; r takes the quiz again.
func TestReviewAndRetake(t *testing.T) {
	c := tuitest.NewCommon(t)
	l := c.Course.Lesson("pods-basics")
	q := New(c, l)
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: q}, 80, 24)
	d.Press("1", "enter", "enter", "2", "enter", "enter")
	v := strings.Join(strings.Fields(d.View()), " ")
	for _, want := range []string{
		"1 of 2 questions right",
		"Two containers in one pod both listen on port 8080",
		"Your answer: It works; each container has its own IP address.",
		"Right answer: The second one fails to bind",
		"Containers in a pod share the pod's IP address",
		"after 1 attempt.",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the result lacks %q:\n%s", want, d.View())
		}
	}
	if strings.Contains(v, "The node that runs a bare pod") {
		t.Errorf("a question answered right is in the review:\n%s", d.View())
	}
	d.Press("r")
	if q.Finished() || q.idx != 0 {
		t.Fatalf("r did not start the quiz again:\n%s", d.View())
	}
	if got, _ := q.Score(); got != 0 {
		t.Errorf("a retake starts with score %d", got)
	}
	d.Press("2", "enter", "enter", "2", "enter", "enter")
	rec := c.Progress.Lesson(l.ID).Quiz
	if rec == nil || rec.Attempts != 2 || rec.Best != 2 || rec.Score != 2 {
		t.Errorf("after the retake: %+v", rec)
	}
	requireRecorded(t, c, l.ID, 2)
	if v := strings.Join(strings.Fields(d.View()), " "); !strings.Contains(v, "All right") || !strings.Contains(v, "after 2 attempts") {
		t.Errorf("a perfect retake's result:\n%s", d.View())
	}
}

func TestInlineCodeInQuestions(t *testing.T) {
	c := tuitest.NewCommon(t)
	q := New(c, c.Course.Lesson("pods-basics"))
	d := tuitest.NewDriver(t, tuitest.PageModel{Page: q}, 80, 24)
	d.Press("2", "enter", "enter")
	if v := d.View(); !strings.Contains(v, "(created with kubectl run)") || strings.Contains(v, "`") {
		t.Errorf("question with raw Markdown:\n%s", v)
	}
	d.Press("1", "enter")
	if v := d.View(); !strings.Contains(v, "kubectl get pod web -o jsonpath='{.metadata.ownerReferences}'") || strings.Contains(v, "`") {
		t.Errorf("explanation with raw Markdown:\n%s", v)
	}
}
