package progress

import (
	"github.com/kubedojo/kubedojo/lessons"
)

// Summary is a course's structure joined with the learner's record: what
// the course map and "kubedojo progress" show.
type Summary struct {
	Counts
	// Lessons and LessonsRead count lessons and finished readings.
	Lessons, LessonsRead int
	Tracks               []TrackSummary
	Last                 *Location
}

// Counts tallies exercises by status. Revealed counts exercises whose
// solution was shown and that are not solved; SolvedAfterReveal counts
// those of Done that were solved after their solution was shown.
type Counts struct {
	Total, Done, Revealed, InProgress int
	SolvedAfterReveal                 int
}

// Complete is the number of exercises that need no more work: solved.
func (c Counts) Complete() int { return c.Done }

// Percent is the share of complete exercises, 0–100, rounded down.
func (c Counts) Percent() int {
	if c.Total == 0 {
		return 0
	}
	return c.Complete() * 100 / c.Total
}

func (c *Counts) add(e Exercise) {
	c.Total++
	if e.SolvedAfterReveal() {
		c.SolvedAfterReveal++
	}
	switch e.Status {
	case Done:
		c.Done++
	case Revealed:
		c.Revealed++
	case InProgress:
		c.InProgress++
	}
}

func (c *Counts) merge(o Counts) {
	c.Total += o.Total
	c.Done += o.Done
	c.Revealed += o.Revealed
	c.InProgress += o.InProgress
	c.SolvedAfterReveal += o.SolvedAfterReveal
}

// TrackSummary is one track's lessons with their records.
type TrackSummary struct {
	Track *lessons.Track
	Counts
	Lessons []LessonSummary
}

// LessonSummary is one lesson with its record and its exercises' records.
type LessonSummary struct {
	Lesson *lessons.Lesson
	Record Lesson
	Counts
	// Exercises are the exercises with their records (SummarizeLesson
	// only: the course's summary counts them by id, so that it decodes
	// none).
	Exercises []ExerciseSummary
	// Status is the lesson's mark: NotStarted, InProgress or Done (every
	// exercise solved, or the reading finished when there are none).
	Status Status
}

// ExerciseSummary is one exercise with its record.
type ExerciseSummary struct {
	Exercise *lessons.Exercise
	Record   Exercise
}

// Summarize joins a course with the tracker's record of it.
func Summarize(c *lessons.Course, t *Tracker) Summary {
	exercises, lessonRecs := t.Exercises(), t.Lessons()
	var s Summary
	if last, ok := t.Last(); ok {
		s.Last = &last
	}
	for _, tr := range c.Tracks {
		ts := TrackSummary{Track: tr}
		for _, l := range tr.Lessons {
			ls := summarizeLesson(l, lessonRecs[l.ID], exercises, false)
			ts.Lessons = append(ts.Lessons, ls)
			ts.merge(ls.Counts)
			s.Lessons++
			if ls.Record.Read {
				s.LessonsRead++
			}
		}
		s.Tracks = append(s.Tracks, ts)
		s.merge(ts.Counts)
	}
	return s
}

// SummarizeLesson joins one lesson with the tracker's record of it.
func SummarizeLesson(l *lessons.Lesson, t *Tracker) LessonSummary {
	return summarizeLesson(l, t.Lesson(l.ID), t.Exercises(), true)
}

// summarizeLesson counts the lesson's exercises by id; withExercises adds
// each exercise with its record.
func summarizeLesson(l *lessons.Lesson, rec Lesson, exercises map[string]Exercise, withExercises bool) LessonSummary {
	ls := LessonSummary{Lesson: l, Record: rec}
	record := func(id string) Exercise {
		if r, ok := exercises[id]; ok {
			return r
		}
		return Exercise{Status: NotStarted}
	}
	if withExercises {
		for _, e := range l.Exercises() {
			r := record(e.ID)
			ls.Exercises = append(ls.Exercises, ExerciseSummary{Exercise: e, Record: r})
			ls.add(r)
		}
	} else {
		for _, id := range l.ExerciseIDs() {
			ls.add(record(id))
		}
	}
	switch {
	case ls.Total > 0 && ls.Complete() == ls.Total:
		ls.Status = Done
	case ls.Total == 0 && rec.Read:
		ls.Status = Done
	case rec.Read || rec.Quiz != nil || ls.Complete() > 0 || ls.InProgress > 0 || ls.Revealed > 0:
		ls.Status = InProgress
	default:
		ls.Status = NotStarted
	}
	return ls
}
