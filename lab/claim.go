package lab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"github.com/kubedojo/kubedojo/lessons"
)

// ErrExerciseBusy means another kubedojo process (or another run in this
// one) is setting up and grading the same exercise on the same cluster:
// each would delete what the other sets up, and report the other's work
// as a wrong answer. It is an environment problem, not a failed exercise.
var ErrExerciseBusy = errors.New("another kubedojo run is working on this exercise")

// Claim reserves an exercise on this cluster for one verify run: a lock
// file per cluster and exercise in the state directory, which the
// operating system releases when the process ends, even killed (and which
// two environments of one process also see). Without a state directory
// the claim holds within this environment only. release gives it back.
func (e *Environment) Claim(ex *lessons.Exercise) (release func(), err error) {
	key := e.opts.Context + "\x00" + ex.ID
	path := ""
	if e.opts.StateDir != "" {
		dir := filepath.Join(e.opts.StateDir, "locks", safeFileName(e.opts.Context))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("claim %s: %w", ex.ID, err)
		}
		path = filepath.Join(dir, safeFileName(ExerciseLabelValue(ex.ID))+".lock")
		key = path
	}
	busy := fmt.Errorf("%w: %s is being set up or verified on %s by another kubedojo run; wait for it to end (two at once undo each other's start state)",
		ErrExerciseBusy, ex.ID, e.opts.Context)
	e.mu.Lock()
	held := e.claimed[key]
	if !held {
		if e.claimed == nil {
			e.claimed = map[string]bool{}
		}
		e.claimed[key] = true
	}
	e.mu.Unlock()
	if held {
		return nil, busy
	}
	unclaim := func() {
		e.mu.Lock()
		delete(e.claimed, key)
		e.mu.Unlock()
	}
	if path == "" {
		return unclaim, nil
	}
	lock := flock.New(path)
	ok, err := lock.TryLock()
	if err != nil {
		unclaim()
		return nil, fmt.Errorf("claim %s: %w", ex.ID, err)
	}
	if !ok {
		unclaim()
		return nil, fmt.Errorf("%w (it holds %s)", busy, path)
	}
	return func() {
		_ = lock.Unlock()
		unclaim()
	}, nil
}
