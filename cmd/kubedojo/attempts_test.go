package main

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
)

// lockedBuffer is a bytes.Buffer that a test reads while another goroutine
// writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

// TestReportIsPrintedBeforeItIsRecorded: recording a passing report reads
// the progress file and saves it under a lock another kubedojo process may
// hold (for up to 10 s), and a class report goes over the network. The
// learner's report (check --watch: the moment the exercise passes) must
// not wait for either.
func TestReportIsPrintedBeforeItIsRecorded(t *testing.T) {
	state := t.TempDir()
	lock := flock.New(filepath.Join(state, progress.FileName+".lock"))
	if err := lock.Lock(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Unlock() }()
	ex := &lessons.Exercise{ID: "pods-basics/first-pod"}
	var out lockedBuffer
	p := &reportPrinter{w: &out, ex: ex, json: true, watch: true}
	var warn bytes.Buffer
	record := &attempts{stateDir: state, course: &lessons.Course{ID: "course"}, warn: &warn}
	emit := emitReport(context.Background(), p, record, ex)
	done := make(chan struct{})
	go func() {
		defer close(done)
		emit(result.Report{Exercise: ex.ID, Results: []result.Result{{ID: "a", Status: result.Pass}}})
	}()
	deadline := time.Now().Add(3 * time.Second)
	for out.Len() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out.Len() == 0 {
		t.Error("the passing report was not printed within 3 s while another process held the progress lock")
	}
	_ = lock.Unlock()
	<-done
}
