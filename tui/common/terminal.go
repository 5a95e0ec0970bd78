package common

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/prose"
)

// Terminal is what the TUI knows about the terminal it runs in, found once
// at start.
type Terminal struct {
	// Tmux is the tmux program when kubedojo runs inside a tmux session
	// ($TMUX is set and tmux is on the PATH), "" otherwise.
	Tmux string
	// Pane is kubedojo's tmux pane ($TMUX_PANE), the one a side pane
	// splits.
	Pane string
}

// InTmux reports whether kubedojo runs inside tmux, so it can open panes.
func (t Terminal) InTmux() bool { return t.Tmux != "" }

// tmuxOwnVars are set by tmux for each pane; a copy of kubedojo's would
// point the new pane at the wrong one.
var tmuxOwnVars = []string{"TMUX", "TMUX_PANE"}

// SplitCommand returns the tmux command that runs shell in a new pane to
// the right of kubedojo's, in shell's directory and with its environment:
// the same shell the learner gets full screen, while the task and the live
// checks stay in view. The new pane takes the keyboard.
func (t Terminal) SplitCommand(ctx context.Context, shell *exec.Cmd) *exec.Cmd {
	args := []string{"split-window", "-h"}
	if t.Pane != "" {
		args = append(args, "-t", t.Pane)
	}
	if shell.Dir != "" {
		args = append(args, "-c", shell.Dir)
	}
	for _, kv := range shell.Env {
		name, _, _ := strings.Cut(kv, "=")
		own := false
		for _, v := range tmuxOwnVars {
			own = own || name == v
		}
		if !own {
			args = append(args, "-e", kv)
		}
	}
	args = append(append(args, "--"), shell.Args...)
	return exec.CommandContext(ctx, t.Tmux, args...)
}

// Copy returns a command that puts text on the clipboard of the learner's
// terminal, with an OSC 52 sequence through Bubble Tea, and says so on the
// status line. Inside tmux, which drops applications' OSC 52 unless
// set-clipboard is on, the text also goes into a tmux buffer that tmux
// passes on to the outer terminal's clipboard (load-buffer -w).
func (c *Common) Copy(text string) tea.Cmd {
	lines := strings.Count(text, "\n") + 1
	first, _, _ := strings.Cut(text, "\n")
	if lines > 1 {
		first += " …"
	}
	notice := fmt.Sprintf("Copied %s to the clipboard: %s", prose.Plural(lines, "line", "lines"), first)
	cmds := []tea.Cmd{tea.SetClipboard(text)}
	if tmux, ctx := c.Terminal.Tmux, c.Ctx; tmux != "" {
		cmds = append(cmds, func() tea.Msg {
			cmd := exec.CommandContext(ctx, tmux, "load-buffer", "-w", "-")
			cmd.Stdin = strings.NewReader(text)
			if out, err := cmd.CombinedOutput(); err != nil {
				return messages.ErrorMsg{Err: fmt.Errorf("copy into a tmux buffer: %w: %s", err, strings.TrimSpace(string(out)))}
			}
			return messages.NoticeMsg{Text: notice + " (and into a tmux buffer)"}
		})
	} else {
		cmds = append(cmds, messages.Cmd(messages.NoticeMsg{Text: notice}))
	}
	return tea.Batch(cmds...)
}
