package progress

import (
	"time"
)

// Tracker reads and changes the record of one course. Changes stay in
// memory until Store.Save; each method that changes something reports it, so
// callers save only when needed.
type Tracker struct {
	s  *Store
	id string
}

// Store is the store the tracker writes to.
func (t *Tracker) Store() *Store { return t.s }

// course returns the course record, creating it; the caller holds s.mu.
func (t *Tracker) course() *Course {
	c := t.s.data.Courses[t.id]
	if c == nil {
		c = &Course{}
		t.s.data.Courses[t.id] = c
	}
	return c
}

// peek returns the course record or nil without creating it; the caller
// holds s.mu.
func (t *Tracker) peek() *Course { return t.s.data.Courses[t.id] }

func (t *Tracker) exercise(id string) *Exercise {
	c := t.course()
	if c.Exercises == nil {
		c.Exercises = map[string]*Exercise{}
	}
	e := c.Exercises[id]
	if e == nil {
		e = &Exercise{Status: NotStarted}
		c.Exercises[id] = e
	}
	return e
}

func (t *Tracker) lesson(id string) *Lesson {
	c := t.course()
	if c.Lessons == nil {
		c.Lessons = map[string]*Lesson{}
	}
	l := c.Lessons[id]
	if l == nil {
		l = &Lesson{}
		c.Lessons[id] = l
	}
	return l
}

// changed stamps the course and counts a change; the caller holds s.mu.
func (t *Tracker) changed() time.Time {
	now := t.s.now().UTC()
	t.course().Updated = now
	t.s.dirty++
	return now
}

// Exercise returns a copy of an exercise's record (NotStarted when there
// is none).
func (t *Tracker) Exercise(id string) Exercise {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	if c := t.peek(); c != nil {
		if e := c.Exercises[id]; e != nil {
			return *e.clone()
		}
	}
	return Exercise{Status: NotStarted}
}

// Lesson returns a copy of a lesson's record.
func (t *Tracker) Lesson(id string) Lesson {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	if c := t.peek(); c != nil {
		if l := c.Lessons[id]; l != nil {
			return *l.clone()
		}
	}
	return Lesson{}
}

// Last returns where the learner was, if recorded.
func (t *Tracker) Last() (Location, bool) {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	if c := t.peek(); c != nil && c.Last != nil {
		return *c.Last, true
	}
	return Location{}, false
}

// SetLast records where the learner is.
func (t *Tracker) SetLast(loc Location) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	if c := t.peek(); c != nil && c.Last != nil && *c.Last == loc {
		return false
	}
	t.course().Last = &loc
	t.changed()
	return true
}

// StartExercise marks a not-started exercise in progress.
func (t *Tracker) StartExercise(id string) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	e := t.exercise(id)
	if e.Status != NotStarted {
		return false
	}
	now := t.changed()
	e.Status, e.StartedAt = InProgress, &now
	return true
}

// RevealHint reveals the next of an exercise's available hints and returns
// how many are revealed now; changed is false when all were already shown.
func (t *Tracker) RevealHint(id string, available int) (revealed int, changed bool) {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	e := t.exercise(id)
	if e.Hints >= available {
		return e.Hints, false
	}
	now := t.changed()
	e.Hints++
	if e.Status == NotStarted {
		e.Status, e.StartedAt = InProgress, &now
	}
	return e.Hints, true
}

// RevealSolution records that the learner looked at the reference solution.
// An exercise not yet solved becomes Revealed (not complete); a solved one
// stays Done.
func (t *Tracker) RevealSolution(id string) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	e := t.exercise(id)
	if e.SolutionRevealed {
		return false
	}
	now := t.changed()
	e.SolutionRevealed, e.RevealedAt = true, &now
	if e.StartedAt == nil {
		e.StartedAt = &now
	}
	if e.Status != Done {
		e.Status = Revealed
	}
	return true
}

// MarkDone records that every check of the exercise passed: it is Done,
// whether its solution was revealed first or not. The first time is kept.
func (t *Tracker) MarkDone(id string) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	e := t.exercise(id)
	if e.Status == Done {
		return false
	}
	now := t.changed()
	if e.DoneAt == nil {
		e.DoneAt = &now
	}
	if e.StartedAt == nil {
		e.StartedAt = &now
	}
	e.Status = Done
	return true
}

// MarkRead records that the learner reached the end of a lesson's reading.
func (t *Tracker) MarkRead(lessonID string) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	l := t.lesson(lessonID)
	if l.Read {
		return false
	}
	now := t.changed()
	l.Read, l.ReadAt = true, &now
	return true
}

// RecordQuiz records a finished quiz attempt.
func (t *Tracker) RecordQuiz(lessonID string, score, total int) {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	l := t.lesson(lessonID)
	now := t.changed()
	q := l.Quiz
	if q == nil {
		q = &Quiz{}
		l.Quiz = q
	}
	q.Score, q.Total, q.At = score, total, now
	q.Attempts++
	q.Best = max(q.Best, score)
}

func (l *Lesson) clone() *Lesson {
	out := *l
	out.ReadAt = cloneTime(l.ReadAt)
	if l.Quiz != nil {
		q := *l.Quiz
		out.Quiz = &q
	}
	return &out
}

func (e *Exercise) clone() *Exercise {
	out := *e
	out.StartedAt, out.DoneAt, out.RevealedAt = cloneTime(e.StartedAt), cloneTime(e.DoneAt), cloneTime(e.RevealedAt)
	return &out
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// Exercises returns a copy of every exercise record of the course, by id.
func (t *Tracker) Exercises() map[string]Exercise {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	out := map[string]Exercise{}
	if c := t.peek(); c != nil {
		for id, e := range c.Exercises {
			out[id] = *e.clone()
		}
	}
	return out
}

// Lessons returns a copy of every lesson record of the course, by id.
func (t *Tracker) Lessons() map[string]Lesson {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	out := map[string]Lesson{}
	if c := t.peek(); c != nil {
		for id, l := range c.Lessons {
			out[id] = *l.clone()
		}
	}
	return out
}
