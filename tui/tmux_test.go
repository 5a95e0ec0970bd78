package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab/labtest"
)

// TestSideShellAndCopyInTmux runs kubedojo's tmux features against a real
// tmux server, as inside a learner's tmux session: t opens the exercise
// shell in a pane beside the TUI, in the lab directory and with the lab's
// KUBECONFIG, and y puts a code block into a tmux buffer as well.
func TestSideShellAndCopyInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		labtest.Unavailable(t, "tmux", "tmux is not installed (apt-get install tmux)")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	tmux("new-session", "-d", "-s", "learner", "-x", "160", "-y", "40", "sleep 600")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	// What tmux sets in the environment of the pane kubedojo runs in.
	t.Setenv("TMUX", sock+","+tmux("display-message", "-p", "-t", "learner", "#{pid}")+",0")
	t.Setenv("TMUX_PANE", tmux("display-message", "-p", "-t", "learner", "#{pane_id}"))
	term := DetectTerminal(os.Getenv, exec.LookPath)
	if !term.InTmux() {
		t.Fatalf("tmux not detected: %+v", term)
	}

	labDir, out := t.TempDir(), filepath.Join(dir, "shell-saw")
	a := newApp(t, 120, 40, withLab(result.Fail), withTerminal(term))
	a.lab.ShellCmd = exec.Command("sh", "-c", `printf '%s %s' "$KUBECONFIG" "$PWD" > `+out+`; exec sleep 600`)
	a.lab.ShellCmd.Dir = labDir
	a.lab.ShellCmd.Env = append(os.Environ(), "KUBECONFIG=/state/lab.kubeconfig")
	a.Press("enter", "enter", "t")
	var saw []byte
	for deadline := time.Now().Add(10 * time.Second); len(saw) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		saw, _ = os.ReadFile(out)
	}
	if got, want := string(saw), "/state/lab.kubeconfig "+labDir; got != want {
		t.Errorf("the side shell saw %q, want %q (messages %v)", got, want, a.Seen)
	}
	if panes := strings.Split(tmux("list-panes", "-t", "learner", "-F", "#{pane_id}"), "\n"); len(panes) != 2 {
		t.Errorf("panes %q, want kubedojo's and the shell's", panes)
	}
	if !a.WaitFor("open in the tmux pane on the right", 10*time.Second) {
		t.Errorf("no notice that the shell opened beside:\n%s", a.View())
	}

	a.Press("S", "y")
	if !a.WaitFor("One command creates the pod", 10*time.Second) {
		t.Fatalf("the solution is not shown:\n%s", a.View())
	}
	a.Press("]", "y")
	if !a.WaitFor("into a tmux buffer", 10*time.Second) {
		t.Errorf("no notice of the copy:\n%s", a.View())
	}
	if got := tmux("show-buffer"); got != "kubectl -n pod-1 run web --image=nginx:1.27" {
		t.Errorf("tmux buffer %q, want the solution's command", got)
	}
}
