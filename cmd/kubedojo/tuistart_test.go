package main

import (
	"context"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// exerciseOpens is the built-in course that notes which exercise files
// are opened.
type exerciseOpens struct {
	fs.FS
	mu     sync.Mutex
	opened []string
}

func (f *exerciseOpens) Open(name string) (fs.File, error) {
	if strings.Contains(name, "/exercises/") {
		f.mu.Lock()
		f.opened = append(f.opened, name)
		f.mu.Unlock()
	}
	return f.FS.Open(name)
}

func (f *exerciseOpens) files() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.opened...)
}

// TestTUIBackendsDecodeNoExerciseBeforeTheLabStarts: wiring the TUI to a
// lab decodes no exercise. Which add-ons the lab needs and which exercises
// it repairs are asked for when the lab is brought up, after the first
// frame; before, the wiring decoded the whole course for them.
func TestTUIBackendsDecodeNoExerciseBeforeTheLabStarts(t *testing.T) {
	course := &exerciseOpens{FS: assets.Course()}
	c, err := lessons.LoadValidatedLazily(course)
	if err != nil {
		t.Fatal(err)
	}
	o := &options{settings: testSettings(t, "--state-dir", t.TempDir()), builtin: map[*lessons.Course]bool{c: true}}
	if _, err := newTUIBackends(context.Background(), o, c); err != nil {
		t.Fatal(err)
	}
	if got := course.files(); len(got) > 0 {
		t.Fatalf("the TUI's lab wiring decoded %d exercise files before the lab started, e.g. %s", len(got), got[0])
	}
}
