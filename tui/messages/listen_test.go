package messages_test

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/tui/messages"
)

func TestIsListener(t *testing.T) {
	plain := func() tea.Msg { return nil }
	other := messages.Cmd(messages.NoticeMsg{Text: "x"})
	for name, c := range map[string]struct {
		cmd  tea.Cmd
		want bool
	}{
		"listener":            {messages.Listen(plain), true},
		"listener of another": {messages.Listen(other), true},
		"plain":               {plain, false},
		"another":             {other, false},
		"nil":                 {nil, false},
		"batch of a listener": {tea.Batch(messages.Listen(plain), plain), false},
	} {
		if got := messages.IsListener(c.cmd); got != c.want {
			t.Errorf("%s: IsListener = %v, want %v", name, got, c.want)
		}
	}
	if msg := messages.Listen(other)(); msg != (messages.NoticeMsg{Text: "x"}) {
		t.Errorf("a listener returns %v, want its command's message", msg)
	}
}
