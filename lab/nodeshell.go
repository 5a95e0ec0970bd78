package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// Node names NodeShellCommand accepts besides a node's own name.
const (
	// NodeControlPlane (or "") selects the lab's control-plane node.
	NodeControlPlane = "control-plane"
	// NodeWorker selects the lab's first worker node.
	NodeWorker = "worker"
)

// NodeShell is an interactive root shell inside one of the lab's node
// containers, ready to run (Cmd is not started).
type NodeShell struct {
	// Node is the node's name (its container's name).
	Node string
	// Role is "control-plane" or "worker".
	Role string
	Cmd  *exec.Cmd
}

// NodeShellCommand prepares a root shell inside a node of kubedojo's own
// lab: node is a node's name, "worker" (the first worker) or
// "control-plane" and "" (the control plane). The shell prints a banner
// that says it is the node and not the learner's machine, and its prompt
// names the node. tty asks the engine for a terminal (only when stdin is
// one). On an existing cluster it fails with ErrNoNodeAccess and why.
func (l *Lab) NodeShellCommand(ctx context.Context, node string, tty bool) (NodeShell, error) {
	if l.foreign {
		return NodeShell{}, fmt.Errorf("%w: context %q is an existing cluster, and kubedojo opens shells only inside the nodes of its own kind lab; "+
			"on this cluster, reach a node the way its administrator allows (ssh, a cloud console)", ErrNoNodeAccess, l.context)
	}
	eng, _, ctrs, err := l.containers(ctx)
	if err != nil {
		return NodeShell{}, err
	}
	if len(ctrs) == 0 {
		return NodeShell{}, fmt.Errorf("%w: lab %q does not exist (run kubedojo lab up)", ErrNoCluster, l.cfg.Name)
	}
	c, err := pickNode(ctrs, node, l.cfg.Name)
	if err != nil {
		return NodeShell{}, err
	}
	if !c.running() {
		return NodeShell{}, fmt.Errorf("node %s of lab %q is not running (%s): kubedojo lab up starts it", c.Name, l.cfg.Name, c.State)
	}
	role := strings.ReplaceAll(c.Role, "-", " ")
	banner := fmt.Sprintf("kubedojo lab node: a root shell inside node %s (%s) of lab %q.\n"+
		"This is the node's container, not your machine: what you change here changes the lab's node.\n"+
		"Here are crictl, systemctl status kubelet, journalctl -u kubelet and /etc/kubernetes. Leave with exit or Ctrl-D.",
		c.Name, role, l.cfg.Name)
	args := []string{"exec", "-i"}
	// bash without rc files keeps the prompt that names the node; node
	// images without bash still get a shell. Without a terminal (commands
	// piped in) the shell reads them without job control.
	shell := `if command -v bash >/dev/null; then exec bash --norc; fi; exec sh`
	if tty {
		args = append(args, "-t")
		shell = `if command -v bash >/dev/null; then exec bash --norc -i; fi; exec sh -i`
	}
	args = append(args, "-w", "/root",
		"-e", "KUBEDOJO_NODE="+c.Name,
		"-e", "KUBEDOJO_BANNER="+banner,
		"-e", `PS1=[node `+c.Name+`] \w# `,
		c.Name, "sh", "-c", `printf '%s\n\n' "$KUBEDOJO_BANNER"; `+shell)
	cmd := exec.Command(eng.Name(), args...)
	cmd.Env = os.Environ()
	return NodeShell{Node: c.Name, Role: c.Role, Cmd: cmd}, nil
}

// pickNode finds the node container a NodeShellCommand name means: the
// node of that name, else the first running node of the role the name
// says (by name), else the first stopped one (which then gets refused
// with its state).
func pickNode(ctrs []nodeContainer, node, lab string) (nodeContainer, error) {
	sorted := append([]nodeContainer(nil), ctrs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	role := node
	if node == "" {
		role = NodeControlPlane
	}
	var names []string
	var stopped *nodeContainer
	for i, c := range sorted {
		if c.Role == "external-load-balancer" {
			continue
		}
		names = append(names, c.Name)
		if c.Name == node {
			return c, nil
		}
		if (role == NodeControlPlane || role == NodeWorker) && c.Role == role {
			if c.running() {
				return c, nil
			}
			if stopped == nil {
				stopped = &sorted[i]
			}
		}
	}
	switch {
	case stopped != nil:
		return *stopped, nil
	case role == NodeWorker:
		return nodeContainer{}, fmt.Errorf("lab %q has no worker node (its nodes: %s); for one: %s",
			lab, strings.Join(names, ", "), WorkersAdvice(1))
	}
	return nodeContainer{}, fmt.Errorf("%q is not a node of lab %q (its nodes: %s; or say worker or control-plane)",
		node, lab, strings.Join(names, ", "))
}
