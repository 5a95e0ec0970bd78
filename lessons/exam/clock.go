package exam

import (
	"encoding/json"
	"fmt"
	"time"
)

// Mode is how an exam is taken.
type Mode string

const (
	// ModeExam is the real thing: timed, no hints, no solutions and no check
	// results until the end.
	ModeExam Mode = "exam"
	// ModeTraining is untimed practice: hints and each task's checks on
	// demand, a task can be reset.
	ModeTraining Mode = "training"
)

// ParseMode reads a --mode value.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case ModeExam, ModeTraining:
		return Mode(s), nil
	}
	return "", fmt.Errorf("unknown exam mode %q (exam or training)", s)
}

// Timed reports whether the mode has a countdown.
func (m Mode) Timed() bool { return m == ModeExam }

// Seconds is a duration written in JSON as whole seconds.
type Seconds time.Duration

// MarshalJSON writes whole seconds.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return json.Marshal(int64(time.Duration(s) / time.Second))
}

// UnmarshalJSON reads whole seconds.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("seconds: %w", err)
	}
	*s = Seconds(time.Duration(n) * time.Second)
	return nil
}

// D is the duration.
func (s Seconds) D() time.Duration { return time.Duration(s) }

// Clock is an exam's time: it starts when every task is set up and runs
// whether or not kubedojo does, so a resumed exam continues with the time
// left. A zero Duration never runs out (training).
type Clock struct {
	Start    time.Time
	Duration time.Duration
}

// Started reports whether the clock runs.
func (c Clock) Started() bool { return !c.Start.IsZero() }

// Deadline is when the time runs out (zero when untimed or not started).
func (c Clock) Deadline() time.Time {
	if c.Duration <= 0 || !c.Started() {
		return time.Time{}
	}
	return c.Start.Add(c.Duration)
}

// Remaining is the time left at now, never negative.
func (c Clock) Remaining(now time.Time) time.Duration {
	if c.Duration <= 0 || !c.Started() {
		return c.Duration
	}
	return max(0, c.Deadline().Sub(now))
}

// Expired reports whether the time ran out at now.
func (c Clock) Expired(now time.Time) bool {
	return c.Duration > 0 && c.Started() && !now.Before(c.Deadline())
}

// Used is the time taken until now, at most the duration.
func (c Clock) Used(now time.Time) time.Duration {
	if !c.Started() {
		return 0
	}
	used := max(0, now.Sub(c.Start))
	if c.Duration > 0 {
		used = min(used, c.Duration)
	}
	return used
}

// Alert is a warning about the time left.
type Alert time.Duration

// Alerts are the times left at which the exam warns: 30, 15 and 5 minutes.
var Alerts = []Alert{Alert(30 * time.Minute), Alert(15 * time.Minute), Alert(5 * time.Minute)}

// DueAlert returns the most urgent alert reached at now that is more
// urgent than last (0: none yet), and whether there is one: each alert
// fires once, and an exam resumed late gives only the latest.
func (c Clock) DueAlert(now time.Time, last Alert) (Alert, bool) {
	if c.Duration <= 0 || !c.Started() {
		return 0, false
	}
	left := c.Remaining(now)
	var due Alert
	for _, a := range Alerts {
		if time.Duration(a) < c.Duration && left <= time.Duration(a) && (last == 0 || a < last) {
			due = a
		}
	}
	return due, due != 0
}

// String is "30 minutes left".
func (a Alert) String() string {
	return fmt.Sprintf("%d minutes left", int(time.Duration(a).Minutes()))
}

// FormatClock renders a duration as h:mm:ss.
func FormatClock(d time.Duration) string {
	d = max(0, d).Round(time.Second)
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	s := int(d.Seconds()) % 60
	return fmt.Sprintf("%d:%02d:%02d", h, m, s)
}
