package lab

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func TestNodeShellCommand(t *testing.T) {
	f := newFakeLab(t, Config{})
	f.eng.setContainers(
		nodeContainer{Name: "kd-worker2", State: "running", Role: "worker"},
		nodeContainer{Name: "kd-control-plane", State: "running", Role: "control-plane"},
		nodeContainer{Name: "kd-worker", State: "running", Role: "worker"},
		nodeContainer{Name: "kd-stopped", State: "exited", Role: "worker"},
	)
	ctx := context.Background()
	for _, tc := range []struct{ ask, node string }{
		{"", "kd-control-plane"}, {"control-plane", "kd-control-plane"},
		{"worker", "kd-worker"}, {"kd-worker2", "kd-worker2"},
	} {
		sh, err := f.NodeShellCommand(ctx, tc.ask, true)
		if err != nil || sh.Node != tc.node {
			t.Errorf("NodeShellCommand(%q) = %q, %v; want %s", tc.ask, sh.Node, err, tc.node)
			continue
		}
		args := strings.Join(sh.Cmd.Args, " ")
		if sh.Cmd.Args[0] != "docker" || !strings.HasPrefix(args, "docker exec -i -t -w /root") || !strings.Contains(args, " "+tc.node+" sh -c ") {
			t.Errorf("%q: command %s", tc.ask, args)
		}
		if !strings.Contains(args, "KUBEDOJO_BANNER=kubedojo lab node: a root shell inside node "+tc.node) ||
			!strings.Contains(args, "not your machine") || !strings.Contains(args, "Leave with exit") ||
			!strings.Contains(args, "PS1=[node "+tc.node+"]") {
			t.Errorf("%q: no banner or prompt naming the node: %s", tc.ask, args)
		}
	}
	if sh, _ := f.NodeShellCommand(ctx, "", false); strings.Contains(strings.Join(sh.Cmd.Args, " "), " -t ") {
		t.Errorf("a terminal was asked for without one: %v", sh.Cmd.Args)
	}
	if _, err := f.NodeShellCommand(ctx, "kd-stopped", true); err == nil || !strings.Contains(err.Error(), "not running (exited): kubedojo lab up starts it") {
		t.Errorf("stopped node: %v", err)
	}
	if _, err := f.NodeShellCommand(ctx, "nope", true); err == nil ||
		!strings.Contains(err.Error(), `"nope" is not a node of lab "kd" (its nodes: kd-control-plane, kd-stopped, kd-worker, kd-worker2`) {
		t.Errorf("unknown node: %v", err)
	}

	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "running", Role: "control-plane"})
	if _, err := f.NodeShellCommand(ctx, "worker", true); err == nil || !strings.Contains(err.Error(), "has no worker node") ||
		!strings.Contains(err.Error(), "kubedojo lab up --workers 1") {
		t.Errorf("worker on a one-node lab: %v", err)
	}
	f.eng.setContainers()
	if _, err := f.NodeShellCommand(ctx, "", true); !errors.Is(err, ErrNoCluster) {
		t.Errorf("no lab: %v", err)
	}
}

func TestNodeShellRefusedOnAnExistingCluster(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := clientcmd.WriteToFile(*kubeconfigWith(t, "prod", map[string]*clientcmdapi.Cluster{"prod": {Server: "https://10.0.0.1:6443"}}), path); err != nil {
		t.Fatal(err)
	}
	l, err := newLab(Config{Name: "kd", StateDir: t.TempDir(), Kubeconfig: path, Context: "prod", AllowForeign: true}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.NodeShellCommand(context.Background(), "", true)
	if !errors.Is(err, ErrNoNodeAccess) || !strings.Contains(err.Error(), `context "prod" is an existing cluster`) {
		t.Errorf("NodeShellCommand on a foreign cluster: %v", err)
	}
}
