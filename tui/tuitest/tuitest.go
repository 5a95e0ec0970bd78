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
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/messages"
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
// goroutines, and their messages are fed back until every command has
// returned. Listeners (messages.Listen: a watch waiting for its next
// report, a timer) may wait for the test or forever; the driver gives
// them Quiet to deliver an event already under way and leaves them
// waiting.
type Driver struct {
	tb      testing.TB
	Model   tea.Model
	results chan tea.Msg
	// Quit is set once the model asked to quit.
	Quit bool
	// Seen lists every message the model received, in order.
	Seen []tea.Msg
	// Quiet is how long the driver waits for a listener's message once
	// every other command has returned.
	Quiet time.Duration
	// running counts the commands that have not returned; listening the
	// listeners among them.
	running, listening atomic.Int64
	// finished is signalled (without blocking) whenever a command returns.
	finished chan struct{}
	// wg waits for every command, for the test's cleanup.
	wg sync.WaitGroup
}

// commandWait bounds how long the driver waits for a command that is no
// listener: one that takes longer is a bug (or a listener not marked).
const commandWait = 30 * time.Second

// NewDriver starts a model: it runs Init and sends the window size.
func NewDriver(tb testing.TB, m tea.Model, width, height int) *Driver {
	tb.Helper()
	d := &Driver{tb: tb, Model: m, results: make(chan tea.Msg, 4096), Quiet: 100 * time.Millisecond, finished: make(chan struct{}, 1)}
	// The test's context is cancelled before its cleanups run, which ends
	// every command (watches and lab starts wait on it); waiting for them
	// keeps a late progress save out of a temporary directory being
	// removed.
	tb.Cleanup(func() {
		done := make(chan struct{})
		go func() { d.wg.Wait(); close(done) }()
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
// causes, and returns once they all returned (listeners aside).
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

// Stable settles until the screen no longer changes between two
// settlings, for up to max: a listener's event (a fake's report) may
// change it once more.
func (d *Driver) Stable(max time.Duration) {
	d.tb.Helper()
	deadline := time.Now().Add(max)
	prev := d.View()
	for time.Now().Before(deadline) {
		d.settle()
		v := d.View()
		if v == prev {
			return
		}
		prev = v
	}
}

// WaitFor processes messages until the screen shows text, for up to max,
// and reports whether it did: for what a listener brings (a timer's tick).
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

// settle processes results until every command that is no listener has
// returned and its message is processed, then gives listeners Quiet.
func (d *Driver) settle() {
	d.tb.Helper()
	deadline := time.Now().Add(commandWait)
	for {
		select {
		case msg := <-d.results:
			d.process(msg)
			continue
		default:
		}
		if d.running.Load() == d.listening.Load() {
			break
		}
		if time.Now().After(deadline) {
			d.tb.Fatalf("%d commands still running after %s (one that waits for outside events must be a messages.Listen)", d.running.Load()-d.listening.Load(), commandWait)
		}
		select {
		case msg := <-d.results:
			d.process(msg)
		case <-d.finished:
		case <-time.After(10 * time.Millisecond):
		}
	}
	if d.listening.Load() == 0 {
		return
	}
	for {
		select {
		case msg := <-d.results:
			d.process(msg)
			d.settle()
			return
		case <-time.After(d.Quiet):
			return
		}
	}
}

func (d *Driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	listener := messages.IsListener(cmd)
	d.running.Add(1)
	if listener {
		d.listening.Add(1)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		msg := cmd()
		// The message is queued before the command stops counting, so
		// settle never sees neither.
		d.results <- msg
		if listener {
			d.listening.Add(-1)
		}
		d.running.Add(-1)
		select {
		case d.finished <- struct{}{}:
		default:
		}
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
