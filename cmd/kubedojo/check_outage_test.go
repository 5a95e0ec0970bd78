package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unreachableKubeconfig is a kubeconfig whose only server refuses
// connections.
func unreachableKubeconfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	cfg := `apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: me, user: {token: x}}]
contexts: [{name: gone, context: {cluster: gone, user: me}}]
current-context: gone
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckJSONWithoutAClusterSaysError(t *testing.T) {
	code, out, errOut := runCLI(t, "--kubeconfig", unreachableKubeconfig(t), "--allow-foreign-cluster",
		"check", "pods-basics/first-pod", "--json")
	if code != exitEnv {
		t.Errorf("exit %d, want %d (environment); stderr %s", code, exitEnv, errOut)
	}
	var rep checkJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object (%v): %q", err, out)
	}
	if rep.Status != "error" || rep.Exercise != "pods-basics/first-pod" || rep.Error == "" || len(rep.Checks) == 0 {
		t.Errorf("report = %+v", rep)
	}
	for _, c := range rep.Checks {
		if c.Status != "error" || !strings.Contains(c.Detail, "127.0.0.1:1") {
			t.Errorf("check %s: %s %q", c.ID, c.Status, c.Detail)
		}
	}
}
