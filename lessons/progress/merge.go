package progress

import (
	"time"
)

// Progress only moves forward: an exercise goes from not started to done,
// hints and reveals only add up, a lesson once read stays read. So two
// records of the same learner (the TUI's store and a kubedojo check in
// another terminal, each saving the same file) merge by keeping the
// further of each: no save drops what another process saved.

// statusRank orders the statuses by how far they got.
var statusRank = map[Status]int{NotStarted: 0, InProgress: 1, Revealed: 2, Done: 3}

// mergeFile merges src into dst; dst's location to resume wins.
func mergeFile(dst *File, src File) {
	for id, sc := range src.Courses {
		if dc := dst.Courses[id]; dc != nil {
			mergeCourse(dc, sc)
		} else {
			dst.Courses[id] = sc
		}
	}
}

func mergeCourse(d, s *Course) {
	if s.Updated.After(d.Updated) {
		d.Updated = s.Updated
	}
	for id, se := range s.Exercises {
		if d.Exercises == nil {
			d.Exercises = map[string]*Exercise{}
		}
		if de := d.Exercises[id]; de != nil {
			mergeExercise(de, se)
		} else {
			d.Exercises[id] = se
		}
	}
	for id, sl := range s.Lessons {
		if d.Lessons == nil {
			d.Lessons = map[string]*Lesson{}
		}
		if dl := d.Lessons[id]; dl != nil {
			mergeLesson(dl, sl)
		} else {
			d.Lessons[id] = sl
		}
	}
	if d.Last == nil {
		d.Last = s.Last
	}
}

func mergeExercise(d, s *Exercise) {
	if statusRank[s.Status] > statusRank[d.Status] {
		d.Status = s.Status
	}
	d.Hints = max(d.Hints, s.Hints)
	d.SolutionRevealed = d.SolutionRevealed || s.SolutionRevealed
	d.StartedAt = earliest(d.StartedAt, s.StartedAt)
	d.DoneAt = earliest(d.DoneAt, s.DoneAt)
	d.RevealedAt = earliest(d.RevealedAt, s.RevealedAt)
}

func mergeLesson(d, s *Lesson) {
	d.Read = d.Read || s.Read
	d.ReadAt = earliest(d.ReadAt, s.ReadAt)
	switch {
	case s.Quiz == nil:
	case d.Quiz == nil:
		d.Quiz = s.Quiz
	default:
		best, attempts := max(d.Quiz.Best, s.Quiz.Best), max(d.Quiz.Attempts, s.Quiz.Attempts)
		if s.Quiz.At.After(d.Quiz.At) {
			q := *s.Quiz
			d.Quiz = &q
		}
		d.Quiz.Best, d.Quiz.Attempts = best, attempts
	}
}

func earliest(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}
