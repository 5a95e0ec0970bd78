package messages

import (
	"reflect"

	tea "charm.land/bubbletea/v2"
)

// Listen marks cmd as a listener: a command that waits for an event from
// outside the program (the next report of a live grading, the lab's next
// progress, a timer) and may not return for a long while. Bubble Tea runs
// it like any other command; a test driver (tuitest.Driver) waits for
// every outstanding command to return except listeners.
func Listen(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return listener{cmd}.listen
}

// IsListener reports whether cmd came from Listen.
func IsListener(cmd tea.Cmd) bool {
	return cmd != nil && reflect.ValueOf(cmd).Pointer() == listenerCode
}

type listener struct{ cmd tea.Cmd }

func (l listener) listen() tea.Msg { return l.cmd() }

// listenerCode is the code of every method value listener.listen: the
// same for all listeners, whichever command they wrap.
var listenerCode = reflect.ValueOf(listener{}.listen).Pointer()
