// Package keymap is the one set of key bindings of the TUI. Pages match keys
// with key.Matches against these bindings and build their help from them, so
// a key is defined, documented and checked for conflicts in one place.
package keymap

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding of the TUI, grouped by where it applies.
type KeyMap struct {
	// Global bindings work on every screen (unless an input has focus).
	Quit, Help, Back, RetryLab key.Binding

	// Movement in lists and readers.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	// Open opens the selected item; NextItem and PrevItem move the
	// selection below a reading.
	Open, NextItem, PrevItem key.Binding
	// NextBlock and PrevBlock select a code block of a reading; Copy
	// copies it to the clipboard.
	NextBlock, PrevBlock, Copy key.Binding
	// Filter starts typing a filter on the course map.
	Filter key.Binding
	// FilterAccept and FilterCancel apply while the filter has focus.
	FilterAccept, FilterCancel key.Binding

	// Exercise bindings. NextCheck and PrevCheck select the check shown
	// whole in the check list. SideShell opens the shell in a tmux pane;
	// outside tmux the same key, SecondTerminal, says how to use two
	// terminals. NodeShell opens a root shell inside the lab's control
	// plane node (node-level exercises).
	Hint, Reset, Shell, Solution, NextExercise, Check key.Binding
	NextCheck, PrevCheck, SideShell, SecondTerminal   key.Binding
	NodeShell                                         key.Binding

	// Choose selects a quiz answer by number; Answer answers with the
	// selected choice; Continue goes on after an answer; Retake starts a
	// finished quiz again.
	Choose, Answer, Continue, Retake key.Binding

	// Exam bindings: Flag marks the current task for review, EndExam ends
	// the exam (after a confirmation) and grades it, Exam opens the mock
	// exam from the course map.
	Flag, EndExam, Exam key.Binding

	// Class board bindings: Left and Right move between exercises, Sort
	// cycles the learners' order, StuckOnly shows only learners stuck
	// somewhere.
	Left, Right, Sort, StuckOnly key.Binding

	// Yes and No answer a confirmation prompt.
	Yes, No key.Binding
}

// Default returns the TUI's key bindings.
func Default() *KeyMap {
	return &KeyMap{
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		RetryLab: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "retry lab")),

		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn/space", "page down")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		NextItem: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next item")),
		PrevItem: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous item")),

		NextBlock: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next code block")),
		PrevBlock: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "prev code block")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy")),

		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		FilterAccept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		FilterCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),

		Hint:           key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Reset:          key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset exercise")),
		Shell:          key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "shell")),
		Solution:       key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "show solution")),
		NextExercise:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next")),
		Check:          key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check now")),
		SideShell:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "side shell")),
		SecondTerminal: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "second terminal")),
		NodeShell:      key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "node shell")),
		NextCheck:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next check")),
		PrevCheck:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev check")),

		Choose:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "choose")),
		Answer:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer")),
		Continue: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Retake:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retake quiz")),

		Flag:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "flag for review")),
		EndExam: key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "end exam")),
		Exam:    key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "mock exam")),

		Left:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous exercise")),
		Right:     key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next exercise")),
		Sort:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort")),
		StuckOnly: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "stuck only")),

		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// Global returns the bindings that work on every screen, for help.
func (k *KeyMap) Global() []key.Binding {
	return []key.Binding{k.Back, k.RetryLab, k.Help, k.Quit}
}

// Board returns the class board's bindings, for help and the conflict
// test.
func (k *KeyMap) Board() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Top, k.Bottom, k.Sort, k.StuckOnly, k.Filter}
}

// Scroll returns the movement bindings of a reader, for help.
func (k *KeyMap) Scroll() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}
