// Package tuitest helps test the TUI: fakes of the lab and the grader, the
// test lesson pack, key messages from their names, and a driver that feeds
// messages to a model and runs the commands it returns, the way Bubble Tea
// would, until the model is quiet.
package tuitest

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/lessons"
)

// PackDir is the directory of the test lesson pack.
func PackDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "pack")
}

// Course loads the test lesson pack.
func Course(tb testing.TB) *lessons.Course {
	tb.Helper()
	c, err := lessons.Load(os.DirFS(PackDir()))
	if err != nil {
		tb.Fatalf("load test pack: %v", err)
	}
	return c
}

// Key returns the key press for a key name as key.Binding writes it:
// "enter", "esc", "tab", "shift+tab", "up", "ctrl+c", "space", or a single
// character such as "j" or "S".
func Key(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp,
		"down": tea.KeyDown, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome,
		"end": tea.KeyEnd, "backspace": tea.KeyBackspace,
	}
	switch {
	case name == "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case name == "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case strings.HasPrefix(name, "ctrl+"):
		r, _ := utf8.DecodeRuneInString(strings.TrimPrefix(name, "ctrl+"))
		return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl}
	}
	if code, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	r, _ := utf8.DecodeRuneInString(name)
	return tea.KeyPressMsg{Code: r, Text: name}
}

// Keys returns the key presses for several key names.
func Keys(names ...string) []tea.Msg {
	out := make([]tea.Msg, len(names))
	for i, n := range names {
		out[i] = Key(n)
	}
	return out
}

// Driver runs a model like Bubble Tea does, synchronously enough for
// tests: each message goes through Update, the returned commands run in
// goroutines, and their messages are fed back until none arrives for a
// short while. Commands that block (waiting for a grading report that never
// comes) are simply left waiting.
type Driver struct {
	tb      testing.TB
	Model   tea.Model
	results chan tea.Msg
	// Quit is set once the model asked to quit.
	Quit bool
	// Seen lists every message the model received, in order.
	Seen []tea.Msg
	// Quiet is how long the driver waits for more messages.
	Quiet time.Duration
	// running counts the commands that have not returned.
	running sync.WaitGroup
}

// NewDriver starts a model: it runs Init and sends the window size.
func NewDriver(tb testing.TB, m tea.Model, width, height int) *Driver {
	tb.Helper()
	d := &Driver{tb: tb, Model: m, results: make(chan tea.Msg, 4096), Quiet: 100 * time.Millisecond}
	// The test's context is cancelled before its cleanups run, which ends
	// every command (watches and lab starts wait on it); waiting for them
	// keeps a late progress save out of a temporary directory being
	// removed.
	tb.Cleanup(func() {
		done := make(chan struct{})
		go func() { d.running.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			tb.Log("commands still running 10s after the test ended")
		}
	})
	d.run(m.Init())
	d.Send(tea.WindowSizeMsg{Width: width, Height: height})
	return d
}

// Send delivers messages one at a time, each followed by the commands it
// causes, and returns once the model is quiet.
func (d *Driver) Send(msgs ...tea.Msg) {
	d.tb.Helper()
	for _, msg := range msgs {
		d.process(msg)
		d.settle()
	}
	if len(msgs) == 0 {
		d.settle()
	}
}

// Press sends key presses by name.
func (d *Driver) Press(names ...string) { d.Send(Keys(names...)...) }

// Stable settles until the screen no longer changes between two quiet
// periods, for up to max: a slow command (a rendering on a loaded machine)
// may finish after one quiet period.
func (d *Driver) Stable(max time.Duration) {
	d.tb.Helper()
	deadline := time.Now().Add(max)
	prev := d.View()
	for time.Now().Before(deadline) {
		d.settle()
		v := d.View()
		if v == prev && !strings.Contains(v, "Rendering…") {
			return
		}
		prev = v
	}
}

// WaitFor processes messages until the screen shows text, for up to max,
// and reports whether it did: for the result of a command that runs a
// program (tmux), which a quiet period does not bound.
func (d *Driver) WaitFor(text string, max time.Duration) bool {
	d.tb.Helper()
	deadline := time.Now().Add(max)
	for !strings.Contains(d.View(), text) {
		if time.Now().After(deadline) {
			return false
		}
		select {
		case msg := <-d.results:
			d.process(msg)
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

// View is the model's screen with ANSI sequences removed.
func (d *Driver) View() string {
	return ansi.Strip(d.Model.View().Content)
}

// settle processes results until none arrives for Quiet. While a reader
// still shows its placeholder, a rendering is under way, so it waits on
// (up to renderWait) even past a quiet period.
func (d *Driver) settle() {
	deadline := time.Now().Add(renderWait)
	for {
		select {
		case msg := <-d.results:
			d.process(msg)
		case <-time.After(d.Quiet):
			if !strings.Contains(d.View(), "Rendering…") || time.Now().After(deadline) {
				return
			}
		}
	}
}

// renderWait bounds how long settle waits for a rendering.
const renderWait = 5 * time.Second

func (d *Driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.running.Add(1)
	go func() {
		defer d.running.Done()
		d.results <- cmd()
	}()
}

var cmdType = reflect.TypeOf(tea.Cmd(nil))

func (d *Driver) process(msg tea.Msg) {
	if msg == nil {
		return
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
		return
	case tea.QuitMsg:
		d.Quit = true
		return
	}
	// tea.Sequence's message type is unexported: a slice of commands. The
	// driver runs them in order, each to completion.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		for i := range v.Len() {
			if c := v.Index(i).Interface().(tea.Cmd); c != nil {
				d.process(c())
			}
		}
		return
	}
	d.Seen = append(d.Seen, msg)
	var cmd tea.Cmd
	d.Model, cmd = d.Model.Update(msg)
	d.run(cmd)
}
