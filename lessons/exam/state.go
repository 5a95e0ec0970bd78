package exam

import (
	"fmt"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// PoolRef names the pool an exam was drawn from.
type PoolRef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version string `json:"version"`
	// Dir is the pool's directory; empty for the built-in pool.
	Dir string `json:"dir,omitempty"`
}

// TaskState is one drawn task as the exam keeps it.
type TaskState struct {
	ID string `json:"id"`
	// Context is the kubeconfig context the task is done in.
	Context string `json:"context"`
	// SetUp is true once the task's start state is on the cluster.
	SetUp   bool `json:"setUp,omitempty"`
	Flagged bool `json:"flagged,omitempty"`
}

// State is an exam in progress, saved after every change so that a
// killed kubedojo resumes it.
type State struct {
	ID       string    `json:"id"`
	Pool     PoolRef   `json:"pool"`
	Mode     Mode      `json:"mode"`
	Seed     uint64    `json:"seed"`
	Duration Seconds   `json:"duration"`
	PassMark int       `json:"passMark"`
	Created  time.Time `json:"created"`
	// Started is when every task was set up and the clock started.
	Started time.Time   `json:"started,omitzero"`
	Tasks   []TaskState `json:"tasks"`
	// Current is the task the learner looks at (0-based).
	Current int `json:"current"`
}

// NewState starts the record of an exam drawn at now from pool (found in
// dir, "" for the built-in pool). Training has no clock.
func NewState(pool *lessons.Course, dir string, drawn []*lessons.Exercise, mode Mode, seed uint64, duration time.Duration, now time.Time) *State {
	if !mode.Timed() {
		duration = 0
	}
	st := &State{
		ID:       now.UTC().Format("20060102-150405"),
		Pool:     PoolRef{ID: pool.ID, Title: pool.Title, Version: pool.Version, Dir: dir},
		Mode:     mode,
		Seed:     seed,
		Duration: Seconds(duration),
		PassMark: pool.Exam.PassMark,
		Created:  now.UTC(),
	}
	for _, ex := range drawn {
		st.Tasks = append(st.Tasks, TaskState{ID: ex.ID, Context: TaskContext(ex)})
	}
	return st
}

// TaskContext is the name of a task's kubeconfig context, which its text
// names: "exam-" and the task's name.
func TaskContext(ex *lessons.Exercise) string { return "exam-" + ex.Name() }

// Clock is the exam's clock.
func (s *State) Clock() Clock { return Clock{Start: s.Started, Duration: s.Duration.D()} }

// SetUpDone reports whether every task is set up.
func (s *State) SetUpDone() bool {
	for _, t := range s.Tasks {
		if !t.SetUp {
			return false
		}
	}
	return true
}

// Exercises finds the drawn tasks in the pool, in exam order. A task the
// pool no longer has (the pool changed since the draw) is an error.
func (s *State) Exercises(pool *lessons.Course) ([]*lessons.Exercise, error) {
	out := make([]*lessons.Exercise, len(s.Tasks))
	for i, t := range s.Tasks {
		ex := pool.Exercise(t.ID)
		if ex == nil {
			return nil, fmt.Errorf("exam %s has task %s, which pool %s no longer has (was the pool changed during the exam?)", s.ID, t.ID, pool.ID)
		}
		out[i] = ex
	}
	return out, nil
}

// DomainCounts counts the tasks per domain, in domain order.
func DomainCounts(tasks []*lessons.Exercise) []DomainCount {
	var out []DomainCount
	for _, d := range lessons.Domains {
		c := DomainCount{Domain: d}
		for _, ex := range tasks {
			if ex.EffectiveDomain() == d {
				c.Tasks++
				c.Weight += ex.Weight
			}
		}
		if c.Tasks > 0 {
			out = append(out, c)
		}
	}
	return out
}

// DomainCount is how many tasks of a domain an exam or pool holds.
type DomainCount struct {
	Domain lessons.Domain `json:"domain"`
	Tasks  int            `json:"tasks"`
	Weight int            `json:"weight"`
}

// TaskHeader is the line above a task's text that names its context, as
// the real exam does: work done in another context's namespace scores
// nothing.
func TaskHeader(t TaskState, ex *lessons.Exercise) string {
	return fmt.Sprintf("Context `%s` (namespace `%s`): run `kubectl config use-context %s` first.", t.Context, ex.DefaultNamespace(), t.Context)
}

// SetupEvent reports one task's setup: Done false when it begins, true
// when it ends (with Err when it failed).
type SetupEvent struct {
	// Task is the 0-based position in the exam; Phase "images" (Task -1)
	// is the image preload.
	Task  int
	ID    string
	Phase string
	Done  bool
	Err   error
	// Ready and Total count the tasks set up so far.
	Ready, Total int
}
