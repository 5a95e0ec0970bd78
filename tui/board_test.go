package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/kubedojo/kubedojo/lab/class/record"
	"github.com/kubedojo/kubedojo/tui/pages/board"
)

// boardNow is the frozen clock of the board tests.
var boardNow = time.Date(2026, 12, 2, 13, 30, 0, 0, time.UTC)

// testClass is a class of 12 learners and 6 exercises in every state.
func testClass() *record.Board {
	b := &record.Board{
		Class:     "k8s-101",
		Exercises: []string{"pods-basics/first-pod", "pods-basics/command-env", "services/clusterip", "services/fix-selector", "deployments/rollback", "network-policies/default-deny"},
		Progress:  map[string]record.Progress{},
	}
	for i := range 12 {
		name := fmt.Sprintf("learner-%02d", i+1)
		b.Learners = append(b.Learners, name)
		p := record.Progress{Class: b.Class, Learner: name, Exercises: map[string]record.Exercise{}}
		for j, id := range b.Exercises {
			switch (i + j) % 5 {
			case 0, 1:
				if j <= i%4+1 {
					p.Exercises[id] = record.Exercise{State: record.StateDone, Passed: 3, Total: 3, Updated: boardNow.Add(-time.Duration(j) * time.Minute)}
				}
			case 2:
				p.Exercises[id] = record.Exercise{State: record.StateFailing, Passed: 1, Total: 3, FailingSince: boardNow.Add(-3 * time.Minute),
					Check: "service web selects the pods", Message: "service web selects no pod: its selector app=wbe matches none of the 3 pods labelled app=web"}
			case 3:
				if i%3 == 0 {
					p.Exercises[id] = record.Exercise{State: record.StateFailing, Passed: 2, Total: 3, FailingSince: boardNow.Add(-25 * time.Minute),
						Check: "pod web is running", Message: "pod web is Pending: 0/1 nodes are available (Insufficient memory)"}
				}
			}
		}
		b.Progress[name] = p
	}
	return b
}

func newTestBoard(updates chan tea.Msg) *BoardModel {
	return NewBoard(context.Background(), BoardOptions{
		Board: testClass(), Updates: updates,
		Page: board.Options{StuckAfter: 10 * time.Minute, Now: func() time.Time { return boardNow }, Tick: time.Hour},
	})
}

func boardScreen(m *BoardModel) string { return ansi.Strip(m.View().Content) }

func TestBoardScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := newTestBoard(nil)
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			m.Update(board.SyncedMsg{})
			// Select learner-04's stuck cell: down 3, right 5.
			for _, k := range []tea.KeyPressMsg{{Code: tea.KeyDown}, {Code: tea.KeyDown}, {Code: tea.KeyDown}, {Code: tea.KeyRight}, {Code: tea.KeyRight}, {Code: tea.KeyRight}, {Code: tea.KeyRight}, {Code: tea.KeyRight}} {
				m.Update(k)
			}
			out := boardScreen(m)
			if lines := strings.Count(out, "\n") + 1; lines > size[1] {
				t.Errorf("%d lines on a %d-line terminal", lines, size[1])
			}
			golden.RequireEqual(t, out)
		})
	}
}

func textKey(text string) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: []rune(text)[0], Text: text}
}

func TestBoardSortFilterAndStuckOnly(t *testing.T) {
	m := newTestBoard(nil)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	firstRow := func() string {
		for _, l := range strings.Split(boardScreen(m), "\n") {
			if strings.Contains(l, "learner-") {
				return strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "▸"))[0]
			}
		}
		return ""
	}
	if got := firstRow(); got != "learner-01" {
		t.Fatalf("by name, the first row is %s", got)
	}
	m.Update(textKey("o"))
	if !strings.Contains(boardScreen(m), "sort: most done") {
		t.Error("o does not sort by most done")
	}
	m.Update(textKey("o"))
	if got := firstRow(); got != "learner-04" || !strings.Contains(boardScreen(m), "sort: most stuck") {
		t.Errorf("sorted by most stuck, the first row is %s, want learner-04 (stuck twice)", got)
	}
	m.Update(textKey("x"))
	out := boardScreen(m)
	if !strings.Contains(out, "stuck only") || strings.Contains(out, "learner-02 ") {
		t.Errorf("stuck only still shows learner-02, who is stuck nowhere:\n%s", out)
	}
	m.Update(textKey("x"))
	m.Update(textKey("/"))
	m.Update(textKey("1"))
	m.Update(textKey("2"))
	if got := firstRow(); got != "learner-12" {
		t.Errorf("filter 12: first row %s", got)
	}
	// q is filter text while the filter has the keyboard, not quit.
	if _, cmd := m.Update(textKey("q")); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Error("q quit while typing a filter")
		}
	}
	if !strings.Contains(boardScreen(m), "No learner matches") {
		t.Error("filter 12q matches a learner")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if out := boardScreen(m); strings.Contains(out, "No learner matches") || !strings.Contains(out, "learner-01") {
		t.Errorf("esc did not clear the filter:\n%s", out)
	}
}

// TestBoardFollowsTheWatch drives the whole program: a learner's change
// sent on the watch's channel shows on the board.
func TestBoardFollowsTheWatch(t *testing.T) {
	updates := make(chan tea.Msg, 4)
	tm := teatest.NewTestModel(t, newTestBoard(updates), teatest.WithInitialTermSize(100, 30))
	updates <- board.SyncedMsg{}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("live")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	p := testClass().Progress["learner-01"]
	p.Exercises["deployments/rollback"] = record.Exercise{State: record.StateFailing, Passed: 0, Total: 2, FailingSince: boardNow.Add(-time.Hour), Check: "rollout restored", Message: "deployment api runs image nginx:1.99"}
	updates <- board.UpdateMsg{Progress: p}
	for range 4 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("nginx:1.99")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(textKey("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*BoardModel)
	if !strings.Contains(boardScreen(fm), "stuck, 0/2 checks pass, failing for 1h0m0s") {
		t.Errorf("the selected cell:\n%s", boardScreen(fm))
	}
}
