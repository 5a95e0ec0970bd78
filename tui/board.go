package tui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/lab/class/record"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/keymap"
	"github.com/kubedojo/kubedojo/tui/pages/board"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// BoardOptions configure the class board (kubedojo class board).
type BoardOptions struct {
	// Board is the class with the records read so far (usually none).
	Board *record.Board
	// Updates delivers board.UpdateMsg, board.SyncedMsg and
	// board.WatchErrMsg values from the watch of the progress records.
	Updates <-chan tea.Msg
	// Page tunes the board (how long until a cell is stuck, the clock).
	Page board.Options
	Log  *slog.Logger
}

// BoardModel is the root of the class board: a header, the board page
// and help. It is apart from the learner's root, which starts a lab and
// saves a learner's progress; the board does neither.
type BoardModel struct {
	c     *common.Common
	page  *board.Model
	help  help.Model
	title string
}

// NewBoard builds the class board's root.
func NewBoard(ctx context.Context, opts BoardOptions) *BoardModel {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c := &common.Common{Ctx: ctx, Styles: styles.New(true), Keys: keymap.Default(), Log: log}
	m := &BoardModel{c: c, page: board.New(c, opts.Board, opts.Updates, opts.Page), help: help.New()}
	m.help.Styles = c.Styles.Help
	m.title = "class " + opts.Board.Class
	return m
}

// Init asks the terminal for its background and starts the board.
func (m *BoardModel) Init() tea.Cmd { return tea.Batch(tea.RequestBackgroundColor, m.page.Init()) }

type boardHelp struct {
	page   help.KeyMap
	global []key.Binding
}

func (h boardHelp) ShortHelp() []key.Binding { return append(h.page.ShortHelp(), h.global...) }
func (h boardHelp) FullHelp() [][]key.Binding {
	return append(h.page.FullHelp(), h.global)
}

func (m *BoardModel) keys() boardHelp {
	k := m.c.Keys
	if m.page.Filtering() {
		return boardHelp{page: m.page}
	}
	return boardHelp{page: m.page, global: []key.Binding{k.Help, k.Quit}}
}

func (m *BoardModel) layout() {
	m.help.SetWidth(m.c.Width)
	m.page.SetSize(m.c.Width, max(1, m.c.Height-1-lipgloss.Height(m.help.View(m.keys()))))
}

// Update handles quitting, help, size and colours, and passes the rest
// to the board.
func (m *BoardModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.Styles = styles.New(msg.IsDark())
		m.help.Styles = m.c.Styles.Help
		return m, nil
	case tea.KeyPressMsg:
		k := m.c.Keys
		switch {
		case msg.String() == "ctrl+c":
			return m, tea.Quit
		case m.page.Filtering():
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Help):
			m.help.ShowAll = !m.help.ShowAll
			m.layout()
			return m, nil
		}
	}
	return m, m.page.Update(msg)
}

// View draws the header, the board and help.
func (m *BoardModel) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "kubedojo · " + m.title
	if m.c.Width == 0 || m.c.Height == 0 {
		return v
	}
	s := m.c.Styles
	name := s.HeaderTitle.Render(" kubedojo ")
	crumb := ansi.Truncate(" "+m.title, max(0, m.c.Width-lipgloss.Width(name)), "…")
	header := name + s.Crumb.Render(crumb+strings.Repeat(" ", max(0, m.c.Width-lipgloss.Width(name)-lipgloss.Width(crumb))))
	helpView := m.help.View(m.keys())
	pageH := max(1, m.c.Height-1-lipgloss.Height(helpView))
	page := lipgloss.NewStyle().Height(pageH).MaxHeight(pageH).MaxWidth(m.c.Width).Render(m.page.View())
	v.SetContent(lipgloss.NewStyle().MaxHeight(m.c.Height).Render(strings.Join([]string{header, page, helpView}, "\n")))
	return v
}

// RunBoard runs the class board until the user quits or ctx ends.
func RunBoard(ctx context.Context, opts BoardOptions, progOpts ...tea.ProgramOption) error {
	p := tea.NewProgram(NewBoard(ctx, opts), append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	return err
}
