// Package styles is the TUI's theme: every colour and text style, built for
// a dark or a light terminal background. The root builds it dark, asks the
// terminal for its background (tea.RequestBackgroundColor) and rebuilds it
// when the answer arrives. Colours are written in full; Bubble Tea lowers
// them to what the terminal supports and drops them under NO_COLOR.
package styles

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Glyphs used across screens, so a state always looks the same.
const (
	IconPass    = "✔"
	IconFail    = "✘"
	IconError   = "⚠"
	IconSkipped = "⊘"
	IconPending = "·"
	IconRunning = "◌"

	MarkNotStarted = "○"
	MarkInProgress = "◐"
	MarkDone       = "●"
	MarkRevealed   = "◎"

	Cursor = "▸"
	// BlockMark marks the lines of the selected code block in a reading.
	BlockMark = "▌"
)

// Styles holds the styles of every screen.
type Styles struct {
	IsDark bool

	// Header is the top bar; HeaderTitle its app name; Crumb the path.
	Header, HeaderTitle, Crumb lipgloss.Style

	// Text roles.
	Title, Subtitle, Muted, Accent, Bold lipgloss.Style
	// Selected is the selected row of a list.
	Selected lipgloss.Style
	// Tag is a short label such as a CKA domain.
	Tag lipgloss.Style
	// Code is inline code in short texts (check messages, quizzes).
	Code lipgloss.Style

	// Check states.
	Pass, Fail, Error, Skipped, Pending, Running lipgloss.Style

	// Progress marks of lessons and exercises.
	NotStarted, InProgress, Done, Revealed lipgloss.Style

	// Panel frames a box; PanelTitle is its heading; Rule a separator.
	Panel, PanelTitle, Rule lipgloss.Style

	// Banner announces a solved exercise.
	Banner lipgloss.Style
	// StatusError and StatusInfo are the status line.
	StatusError, StatusInfo lipgloss.Style
	// Prompt is a confirmation question.
	Prompt lipgloss.Style

	// BarFull and BarEmpty colour progress bars.
	BarFull, BarEmpty lipgloss.Style

	Help help.Styles
}

// New builds the styles for a dark or a light background.
func New(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A56E0"), lipgloss.Color("#8B87FF"))
	text := ld(lipgloss.Color("#1A1A1A"), lipgloss.Color("#E4E4E4"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8A8A8A"))
	green := ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#56D364"))
	red := ld(lipgloss.Color("#C4162A"), lipgloss.Color("#FF6B6B"))
	amber := ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341"))
	blue := ld(lipgloss.Color("#0969DA"), lipgloss.Color("#58A6FF"))
	border := ld(lipgloss.Color("#C8C8C8"), lipgloss.Color("#444444"))
	barBG := ld(lipgloss.Color("#E4E4F8"), lipgloss.Color("#2A2A40"))

	s := &Styles{IsDark: isDark}
	s.Header = lipgloss.NewStyle().Background(barBG).Foreground(text)
	s.HeaderTitle = lipgloss.NewStyle().Background(barBG).Foreground(accent).Bold(true)
	s.Crumb = lipgloss.NewStyle().Background(barBG).Foreground(text)

	s.Title = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Subtitle = lipgloss.NewStyle().Foreground(text).Bold(true)
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Accent = lipgloss.NewStyle().Foreground(accent)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Selected = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Tag = lipgloss.NewStyle().Foreground(blue)
	s.Code = lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#953800"), lipgloss.Color("#FFA657")))

	s.Pass = lipgloss.NewStyle().Foreground(green)
	s.Fail = lipgloss.NewStyle().Foreground(red)
	s.Error = lipgloss.NewStyle().Foreground(amber)
	s.Skipped = lipgloss.NewStyle().Foreground(muted)
	s.Pending = lipgloss.NewStyle().Foreground(muted)
	s.Running = lipgloss.NewStyle().Foreground(accent)

	s.NotStarted = lipgloss.NewStyle().Foreground(muted)
	s.InProgress = lipgloss.NewStyle().Foreground(amber)
	s.Done = lipgloss.NewStyle().Foreground(green)
	s.Revealed = lipgloss.NewStyle().Foreground(blue)

	s.Panel = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1)
	s.PanelTitle = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Rule = lipgloss.NewStyle().Foreground(border)

	s.Banner = lipgloss.NewStyle().Foreground(green).Bold(true)
	s.StatusError = lipgloss.NewStyle().Foreground(red)
	s.StatusInfo = lipgloss.NewStyle().Foreground(muted)
	s.Prompt = lipgloss.NewStyle().Foreground(amber).Bold(true)

	s.BarFull = lipgloss.NewStyle().Foreground(accent)
	s.BarEmpty = lipgloss.NewStyle().Foreground(border)

	s.Help = help.DefaultStyles(isDark)
	return s
}

// Bar draws a static progress bar of the given width for done out of total.
// It is not animated, so the same state always renders the same way.
func (s *Styles) Bar(width, done, total int) string {
	if width <= 0 {
		return ""
	}
	full := 0
	if total > 0 {
		full = min(width, done*width/total)
	}
	return s.BarFull.Render(strings.Repeat("█", full)) + s.BarEmpty.Render(strings.Repeat("░", width-full))
}

// State is a state that the TUI and the CLI show with a mark: the outcome
// of a check, or how far a learner got with a lesson or an exercise. The
// packages that show a domain's status map it to a State (tui/common's
// CheckState and ProgressState), so that this package imports nothing of
// the domain and a state looks the same everywhere.
type State int

// The states.
const (
	StatePending State = iota
	StateRunning
	StatePass
	StateFail
	StateError
	StateSkipped
	StateNotStarted
	StateInProgress
	StateDone
	StateRevealed
	stateCount
)

// Glyph is the state's mark without colour.
func (st State) Glyph() string {
	switch st {
	case StateRunning:
		return IconRunning
	case StatePass:
		return IconPass
	case StateFail:
		return IconFail
	case StateError:
		return IconError
	case StateSkipped:
		return IconSkipped
	case StateNotStarted:
		return MarkNotStarted
	case StateInProgress:
		return MarkInProgress
	case StateDone:
		return MarkDone
	case StateRevealed:
		return MarkRevealed
	}
	return IconPending
}

// Of is the style of a state's mark.
func (s *Styles) Of(st State) lipgloss.Style {
	switch st {
	case StateRunning:
		return s.Running
	case StatePass:
		return s.Pass
	case StateFail:
		return s.Fail
	case StateError:
		return s.Error
	case StateSkipped:
		return s.Skipped
	case StateNotStarted:
		return s.NotStarted
	case StateInProgress:
		return s.InProgress
	case StateDone:
		return s.Done
	case StateRevealed:
		return s.Revealed
	}
	return s.Pending
}

// Mark renders a state as its coloured glyph.
func (s *Styles) Mark(st State) string { return s.Of(st).Render(st.Glyph()) }
