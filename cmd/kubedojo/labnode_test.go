package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDocker puts a docker client on PATH that knows lab kd's containers
// (a control plane and a worker) and, for exec, prints the banner the
// shell would print and records its arguments in the returned file.
func fakeDocker(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "exec.log")
	script := `#!/bin/sh
case "$1" in
-v) echo "Docker version 20.10.24, build 297e128" ;;
ps) echo kd-control-plane; echo kd-worker ;;
inspect)
  printf '/kd-control-plane\trunning\tlocal/kind-node:v1.33.13\tcontrol-plane\n'
  printf '/kd-worker\trunning\tlocal/kind-node:v1.33.13\tworker\n' ;;
exec)
  printf '%s\n' "$@" > "` + log + `"
  for a in "$@"; do case "$a" in KUBEDOJO_BANNER=*) printf '%s\n' "${a#KUBEDOJO_BANNER=}" ;; esac; done
  exit 3 ;;
*) echo "unexpected docker $*" >&2; exit 125 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("KIND_EXPERIMENTAL_PROVIDER", "")
	return log
}

// TestLabNodeOpensARootShellInTheNode: lab node runs an interactive shell
// inside the chosen node container, which says where the learner is and
// how to leave; the shell's exit status is kubedojo's.
func TestLabNodeOpensARootShellInTheNode(t *testing.T) {
	log := fakeDocker(t)
	for _, tc := range []struct {
		args []string
		node string
	}{{nil, "kd-control-plane"}, {[]string{"worker"}, "kd-worker"}, {[]string{"kd-worker"}, "kd-worker"}} {
		code, out, errOut := runCLI(t, append([]string{"--lab-name", "kd", "lab", "node"}, tc.args...)...)
		if code != 3 {
			t.Errorf("%v: exit %d, want the shell's 3; stderr:\n%s", tc.args, code, errOut)
		}
		if !strings.Contains(out, "a root shell inside node "+tc.node+" ") || !strings.Contains(out, "not your machine") || !strings.Contains(out, "Leave with exit") {
			t.Errorf("%v: banner:\n%s", tc.args, out)
		}
		data, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		argv := strings.Split(strings.TrimSpace(string(data)), "\n")
		if argv[0] != "exec" || argv[1] != "-i" || argv[2] == "-t" || !strings.Contains(string(data), "\n"+tc.node+"\nsh\n-c\n") {
			t.Errorf("%v: docker %q (no -t without a terminal)", tc.args, argv)
		}
	}
	code, _, errOut := runCLI(t, "--lab-name", "kd", "lab", "node", "kd-nope")
	if code != exitEnv || !strings.Contains(errOut, `"kd-nope" is not a node of lab "kd" (its nodes: kd-control-plane, kd-worker`) {
		t.Errorf("unknown node: exit %d\n%s", code, errOut)
	}
}

// TestLabNodeRefusedOnAnExistingCluster: without node access lab node
// says why, with exit 2, and runs nothing.
func TestLabNodeRefusedOnAnExistingCluster(t *testing.T) {
	log := fakeDocker(t)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	cfg := `apiVersion: v1
kind: Config
clusters: [{name: prod, cluster: {server: "https://10.0.0.1:6443"}}]
users: [{name: prod, user: {token: t}}]
contexts: [{name: prod, context: {cluster: prod, user: prod}}]
current-context: prod
`
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "--kubeconfig", kubeconfig, "--context", "prod", "--allow-foreign-cluster", "lab", "node")
	if code != exitEnv || !strings.Contains(errOut, "no node access") || !strings.Contains(errOut, "existing cluster") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Errorf("docker exec ran on a foreign cluster (%v)", err)
	}
}
