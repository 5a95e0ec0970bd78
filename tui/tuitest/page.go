package tuitest

import (
	"io"
	"log/slog"
	"reflect"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/keymap"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// NewCommon returns the shared state of a TUI on the test pack, with a
// fresh progress store and no lab.
func NewCommon(tb testing.TB) *common.Common {
	tb.Helper()
	store, err := progress.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	course := Course(tb)
	return &common.Common{
		Ctx:      tb.Context(),
		Styles:   styles.New(true),
		Keys:     keymap.Default(),
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Course:   course,
		Progress: store.Course(course.ID),
		LabState: common.LabState{Disabled: true},
	}
}

// PageModel runs one page as a whole program, for page tests: messages
// meant for the root (navigation, errors) end up in the driver's Seen.
type PageModel struct {
	Page common.Page
}

// Init starts the page.
func (p PageModel) Init() tea.Cmd { return p.Page.Init() }

// Update passes the message to the page, sizing it on a window size.
func (p PageModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		p.Page.SetSize(ws.Width, ws.Height)
	}
	return p, p.Page.Update(msg)
}

// View shows the page.
func (p PageModel) View() tea.View { return tea.NewView(p.Page.View()) }

// SeenOf returns the messages of type T the driver saw.
func SeenOf[T any](d *Driver) []T {
	var out []T
	for _, m := range d.Seen {
		if t, ok := m.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// Clipboard returns what the model asked Bubble Tea to copy to the
// terminal's clipboard (tea.SetClipboard, an OSC 52 sequence), in order.
func Clipboard(d *Driver) []string {
	var out []string
	for _, m := range d.Seen {
		if v := reflect.ValueOf(m); v.Type().String() == "tea.setClipboardMsg" {
			out = append(out, v.String())
		}
	}
	return out
}
