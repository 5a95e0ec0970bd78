package exercise

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/messages"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func execs(f *fixture) int {
	n := 0
	for _, m := range f.Seen {
		if fmt.Sprintf("%T", m) == "tea.execMsg" {
			n++
		}
	}
	return n
}

// TestNodeShellKey: on a node-level exercise N opens a root shell inside
// the control-plane node through tea.ExecProcess, the help offers it, and
// the checks are graded again when it ends.
func TestNodeShellKey(t *testing.T) {
	f := open(t, first, result.Fail, func(c *common.Common) { c.Course.Exercise(first).Tier = lessons.TierNodeAccess })
	f.lab.NodeShellCmd = exec.Command("true")
	if !strings.Contains(helpText(f.page.ShortHelp()), "N node shell") || !strings.Contains(helpText(f.page.FullHelp()...), "N node shell") {
		t.Errorf("help does not offer the node shell: %s", helpText(f.page.ShortHelp()))
	}
	before := f.grader.Evaluations
	f.Press("N")
	if got := f.lab.NodeShells(); len(got) != 1 || got[0] != "" {
		t.Fatalf("node shells asked for: %q, want the control plane", got)
	}
	if execs(f) != 1 {
		t.Fatalf("the node shell was not run with tea.ExecProcess (messages: %v)", f.Seen)
	}
	f.Send(shellDoneMsg{page: f.page.id, err: &exec.ExitError{}})
	if f.grader.Evaluations != before+1 {
		t.Errorf("no re-grade after the node shell (%d evaluations)", f.grader.Evaluations)
	}
}

// TestNodeShellKeyWithoutNodeAccess: on a lab without node access the key
// says why there is no node shell, and runs nothing.
func TestNodeShellKeyWithoutNodeAccess(t *testing.T) {
	f := open(t, first, result.Fail, func(c *common.Common) { c.Course.Exercise(first).Tier = lessons.TierNodeAccess })
	f.lab.NodeShellErr = errors.New(`no node access: context "prod" is an existing cluster`)
	f.Press("N")
	errs := tuitest.SeenOf[messages.ErrorMsg](f.Driver)
	if len(errs) != 1 || !strings.Contains(errs[0].Err.Error(), "open a shell inside the node: no node access") || execs(f) != 0 {
		t.Errorf("errors %v, %d execs", errs, execs(f))
	}
}

// TestNodeShellKeyOnlyWhereItWorks: an API exercise offers the node shell
// only when the lab has node access; elsewhere N does nothing.
func TestNodeShellKeyOnlyWhereItWorks(t *testing.T) {
	f := open(t, first, result.Fail)
	if strings.Contains(helpText(f.page.FullHelp()...), "node shell") {
		t.Errorf("the node shell is offered without node access")
	}
	f.Press("N")
	if len(f.lab.NodeShells()) != 0 {
		t.Errorf("N opened a node shell on a lab without node access")
	}
	g := open(t, first, result.Fail, func(c *common.Common) { c.LabState.Status.NodeAccess = true })
	g.lab.NodeShellCmd = exec.Command("true")
	if !strings.Contains(helpText(g.page.FullHelp()...), "N node shell") || strings.Contains(helpText(g.page.ShortHelp()), "node shell") {
		t.Errorf("full help %q, short help %q: the node shell belongs in the full help only", helpText(g.page.FullHelp()...), helpText(g.page.ShortHelp()))
	}
	g.Press("N")
	if len(g.lab.NodeShells()) != 1 {
		t.Errorf("N did not open a node shell on a lab with node access")
	}
}
