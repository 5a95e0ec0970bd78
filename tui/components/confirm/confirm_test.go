package confirm

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func TestAnswers(t *testing.T) {
	type yesMsg struct{}
	onYes := func() tea.Msg { return yesMsg{} }
	for _, tt := range []struct {
		keys    []string
		yes     bool
		stillUp bool
	}{
		{[]string{"y"}, true, false},
		{[]string{"n"}, false, false},
		{[]string{"esc"}, false, false},
		{[]string{"x", "enter", "q"}, false, true},
		{[]string{"x", "y"}, true, false},
	} {
		c := tuitest.NewCommon(t)
		m := New(c)
		m.Ask("Really?", onYes)
		yes := false
		for _, k := range tt.keys {
			if cmd := m.Update(tuitest.Key(k)); cmd != nil {
				_, yes = cmd().(yesMsg)
			}
		}
		if yes != tt.yes || m.Open() != tt.stillUp {
			t.Errorf("%v: yes %v open %v, want yes %v open %v", tt.keys, yes, m.Open(), tt.yes, tt.stillUp)
		}
	}
}
