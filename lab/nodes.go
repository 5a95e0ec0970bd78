package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	osexec "os/exec"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/kind/pkg/cluster/nodes"
	kindexec "sigs.k8s.io/kind/pkg/exec"

	"github.com/kubedojo/kubedojo/lessons"
)

// NodeExec runs shell scripts inside cluster nodes, for node-access checks
// and setup steps.
type NodeExec interface {
	// Exec runs script with sh -c inside node. A script that fails is not
	// an error: its exit code says so. err is only for environment
	// failures (the node or the engine cannot be reached).
	Exec(ctx context.Context, node string, script string) (stdout, stderr string, exitCode int, err error)
}

// NodeExec gives shell access to the lab's nodes through the container
// engine (docker exec), or nil when that is impossible (foreign clusters).
func (l *Lab) NodeExec() NodeExec {
	if l.foreign {
		return nil
	}
	return kindNodeExec{l: l}
}

type kindNodeExec struct{ l *Lab }

func (k kindNodeExec) Exec(ctx context.Context, node, script string) (string, string, int, error) {
	n, err := k.l.node(ctx, node)
	if err != nil {
		return "", "", 0, err
	}
	var stdout, stderr bytes.Buffer
	err = n.CommandContext(ctx, "sh", "-c", script).SetStdout(&stdout).SetStderr(&stderr).Run()
	code, envErr := execResult(ctx, err, stderr.String())
	if envErr != nil {
		k.l.forgetNodes()
		return stdout.String(), stderr.String(), code, fmt.Errorf("run on node %s: %w", node, envErr)
	}
	return stdout.String(), stderr.String(), code, nil
}

// execResult separates a script's own failure (its exit code) from the
// engine's failure to run it (container gone or stopped, daemon down).
func execResult(ctx context.Context, err error, stderr string) (int, error) {
	if err == nil {
		return 0, nil
	}
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	var runErr *kindexec.RunError
	if errors.As(err, &runErr) && runErr.Inner != nil {
		err = runErr.Inner
	}
	var exitErr *osexec.ExitError
	if !errors.As(err, &exitErr) {
		return -1, err
	}
	// The engine reports its own failures with exit code 1 or 125 and a
	// daemon message, which no script prints.
	if s := strings.ToLower(stderr); strings.Contains(s, "error response from daemon") ||
		strings.Contains(s, "no such container") || strings.Contains(s, "is not running") {
		return exitErr.ExitCode(), errors.New(strings.TrimSpace(stderr))
	}
	return exitErr.ExitCode(), nil
}

// node finds a node container by name, caching the cluster's nodes.
func (l *Lab) node(ctx context.Context, name string) (nodes.Node, error) {
	l.mu.Lock()
	cached := l.nodes
	l.mu.Unlock()
	if cached == nil {
		_, prov, err := l.kind(ctx)
		if err != nil {
			return nil, err
		}
		cached, err = prov.ListNodes(l.cfg.Name)
		if err != nil {
			return nil, fmt.Errorf("list the nodes of lab %q: %w", l.cfg.Name, err)
		}
		l.mu.Lock()
		l.nodes = cached
		l.mu.Unlock()
	}
	var names []string
	for _, n := range cached {
		if n.String() == name {
			return n, nil
		}
		names = append(names, n.String())
	}
	return nil, fmt.Errorf("%q is not a node of lab %q (its nodes: %s)", name, l.cfg.Name, strings.Join(names, ", "))
}

func (l *Lab) forgetNodes() {
	l.mu.Lock()
	l.nodes = nil
	l.mu.Unlock()
}

// clientset builds a typed client for the lab; a non-zero timeout
// replaces RESTConfig's, for quick probes.
func (l *Lab) clientset(timeout time.Duration) (kubernetes.Interface, error) {
	rc, err := l.RESTConfig()
	if err != nil {
		return nil, err
	}
	if timeout > 0 {
		rc.Timeout = timeout
	}
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("client for lab %q: %w", l.cfg.Name, err)
	}
	return kube, nil
}

// readyz asks the API server whether it is ready to serve.
func readyz(ctx context.Context, kube kubernetes.Interface) error {
	_, err := kube.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	return err
}

const controlPlaneLabel = "node-role.kubernetes.io/control-plane"

// nodeVars reads {{NODE}}, {{NODE_IP}} and {{WORKER}} from the cluster's
// nodes: the first control-plane node (the first node at all on clusters
// that hide their control plane) and the first other node, by name.
func nodeVars(ctx context.Context, kube kubernetes.Interface, labDir string) (lessons.Vars, error) {
	list, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return lessons.Vars{}, apiError("list nodes", err)
	}
	ns := list.Items
	sort.Slice(ns, func(i, j int) bool { return ns[i].Name < ns[j].Name })
	v := lessons.Vars{Lab: labDir}
	var cp *corev1.Node
	for i := range ns {
		if _, ok := ns[i].Labels[controlPlaneLabel]; ok {
			cp = &ns[i]
			break
		}
	}
	if cp == nil && len(ns) > 0 {
		cp = &ns[0]
	}
	if cp == nil {
		return v, nil
	}
	v.Node = cp.Name
	for _, a := range cp.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			v.NodeIP = a.Address
			break
		}
	}
	for _, n := range ns {
		if n.Name != cp.Name {
			if _, isCP := n.Labels[controlPlaneLabel]; !isCP {
				v.Worker = n.Name
				break
			}
		}
	}
	return v, nil
}
