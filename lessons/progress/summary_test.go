package progress

import (
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

func testCourse() *lessons.Course {
	mk := func(id string, exercises ...string) *lessons.Lesson {
		l := &lessons.Lesson{ID: id, Title: id}
		for _, e := range exercises {
			l.AddExercises(&lessons.Exercise{ID: id + "/" + e, Lesson: l})
		}
		return l
	}
	return &lessons.Course{ID: "c", Tracks: []*lessons.Track{
		{ID: "t1", Lessons: []*lessons.Lesson{mk("a", "1", "2"), mk("b", "1"), mk("reading-only")}},
		{ID: "t2", Lessons: []*lessons.Lesson{mk("c", "1", "2"), mk("d", "1")}},
	}}
}

func TestSummarize(t *testing.T) {
	s, _ := Open(t.TempDir())
	tr := s.Course("c")
	tr.MarkDone("a/1")
	tr.MarkDone("a/2")
	tr.RevealSolution("b/1")
	tr.MarkRead("reading-only")
	tr.StartExercise("c/1")
	tr.RevealSolution("c/2")
	tr.MarkDone("c/2")
	tr.RecordQuiz("d", 1, 2)

	// A revealed solution is not a solved exercise: b/1 counts as
	// revealed, not complete; c/2 was solved after revealing it.
	sum := Summarize(testCourse(), tr)
	if sum.Total != 6 || sum.Done != 3 || sum.Revealed != 1 || sum.InProgress != 1 || sum.SolvedAfterReveal != 1 || sum.Complete() != 3 || sum.Percent() != 50 {
		t.Errorf("course counts = %+v (%d%%)", sum.Counts, sum.Percent())
	}
	if sum.Lessons != 5 || sum.LessonsRead != 1 {
		t.Errorf("lessons = %d read %d", sum.Lessons, sum.LessonsRead)
	}
	want := map[string]Status{"a": Done, "b": InProgress, "reading-only": Done, "c": InProgress, "d": InProgress}
	for _, ts := range sum.Tracks {
		for _, ls := range ts.Lessons {
			if ls.Status != want[ls.Lesson.ID] {
				t.Errorf("lesson %s = %s, want %s", ls.Lesson.ID, ls.Status, want[ls.Lesson.ID])
			}
		}
	}
	if got := sum.Tracks[0].Counts; got.Total != 3 || got.Complete() != 2 {
		t.Errorf("track t1 = %+v", got)
	}
	if ls := SummarizeLesson(testCourse().Tracks[1].Lessons[0], tr); ls.Status != InProgress || ls.Exercises[0].Record.Status != InProgress {
		t.Errorf("lesson c = %+v", ls)
	}
}
