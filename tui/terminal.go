package tui

// DetectTerminal finds what the TUI can use of the terminal it runs in:
// tmux, when kubedojo runs inside a tmux session and the tmux program is
// on the PATH. getenv and lookPath are os.Getenv and exec.LookPath.
func DetectTerminal(getenv func(string) string, lookPath func(string) (string, error)) Terminal {
	if getenv("TMUX") == "" {
		return Terminal{}
	}
	bin, err := lookPath("tmux")
	if err != nil {
		return Terminal{}
	}
	return Terminal{Tmux: bin, Pane: getenv("TMUX_PANE")}
}
