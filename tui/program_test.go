package tui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/pages/exercise"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// TestProgram runs the TUI as a real Bubble Tea program: open a lesson,
// its first exercise, solve it (the fake grader reports a pass), quit.
func TestProgram(t *testing.T) {
	store, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	grader := tuitest.NewGrader(result.Fail)
	m := New(t.Context(), Options{Course: tuitest.Course(t), Progress: store, Grader: grader, Lab: tuitest.ReadyLab(), Vars: tuitest.Vars})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))

	waitFor(t, tm, "Pods and containers")
	tm.Send(tuitest.Key("enter"))
	waitFor(t, tm, "smallest thing")
	tm.Send(tuitest.Key("enter"))
	waitFor(t, tm, "0/3 pass")
	course := tuitest.Course(t)
	grader.Push(tuitest.Uniform(course.Exercise("pods-basics/first-pod"), result.Pass))
	waitFor(t, tm, "exercise done")
	tm.Send(tuitest.Key("?"))
	waitFor(t, tm, "show solution")
	tm.Send(tuitest.Key("q"))

	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if _, ok := fm.top().(*exercise.Model); !ok {
		t.Errorf("final page %T", fm.top())
	}
	if !fm.help.ShowAll {
		t.Error("? did not open the full help")
	}
	if rec := store.Course(course.ID).Exercise("pods-basics/first-pod"); rec.Status != progress.Done {
		t.Errorf("record %+v, want done", rec)
	}
	golden.RequireEqual(t, ansi.Strip(fm.View().Content))
}

// TestRunEndsCleanlyOnSignal cancels the context, as SIGTERM does in cmd:
// Run returns no error and the progress file is written.
func TestRunEndsCleanlyOnSignal(t *testing.T) {
	dir := t.TempDir()
	store, err := progress.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	store.Course("testpack").MarkRead("services")
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	err = Run(ctx, Options{Course: tuitest.Course(t), Progress: store},
		tea.WithInput(bytes.NewReader(nil)), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, progress.FileName)); err != nil {
		t.Errorf("progress not saved at the end: %v", err)
	}
}
