package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassCommands runs a class through the command line on envtest:
// create from a names file, list, extend, delete.
func TestClassCommands(t *testing.T) {
	opts := envtestOptions(t)
	flags := []string{"--kubeconfig", opts.settings.Kubeconfig.V, "--context", opts.settings.Context.V}
	dir := t.TempDir()
	names := filepath.Join(dir, "names.txt")
	if err := os.WriteFile(names, []byte("# the morning group\nZoe\n\nyan\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, _ := cli(t, flags, exitOK, "class", "create", "cli", "--names", names, "--exercises", "kubectl-objects/declarative,pods-basics", "--expires", "3h", "--out", out)
	for _, want := range []string{"Class cli: 2 learners, 4 exercises", "zoe", "yan", filepath.Join(out, "zoe.kubeconfig"), "yan-report.kubeconfig"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("class create output lacks %q:\n%s", want, stdout)
		}
	}
	_, errOut := cli(t, flags, exitUsage, "class", "create", "cli", "--learners", "2")
	if !strings.Contains(errOut, "already exists") {
		t.Errorf("creating the class twice: %s", errOut)
	}
	_, errOut = cli(t, flags, exitUsage, "class", "create", "other", "--learners", "2", "--exercises", "control-plane/static-pod")
	if !strings.Contains(errOut, "node") {
		t.Errorf("a node exercise in class mode: %s", errOut)
	}
	stdout, _ = cli(t, flags, exitOK, "class", "list")
	if !strings.Contains(stdout, "cli") || !strings.Contains(stdout, "2h59m") && !strings.Contains(stdout, "3h0m") {
		t.Errorf("class list:\n%s", stdout)
	}
	// A learner with a lab of their own (here the same envtest) grades an
	// exercise and reports it through the reporter's kubeconfig.
	_, errOut = cli(t, opts.flags(), exitFail, "check", "kubectl-objects/declarative", "--no-wait", "--report-to", filepath.Join(out, "zoe-report.kubeconfig"))
	if strings.Contains(errOut, "warning") {
		t.Errorf("check --report-to warned: %s", errOut)
	}
	stdout, _ = cli(t, flags, exitOK, "class", "board", "cli", "--csv")
	if !strings.Contains(stdout, "zoe,kubectl-objects/declarative,in-progress,0,") {
		t.Errorf("board --csv lacks zoe's report:\n%s", stdout)
	}
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != 1+2*4 || !strings.Contains(stdout, "yan,pods-basics/first-pod,not-started") {
		t.Errorf("board --csv: want a header and 2x4 cells:\n%s", stdout)
	}
	stdout, _ = cli(t, flags, exitOK, "class", "board", "cli", "--json")
	if !strings.Contains(stdout, `"learner": "zoe"`) {
		t.Errorf("board --json:\n%s", stdout)
	}
	stdout, _ = cli(t, flags, exitOK, "class", "extend", "cli", "--by", "1h", "--out", out)
	if !strings.Contains(stdout, "now expires") {
		t.Errorf("class extend:\n%s", stdout)
	}
	stdout, _ = cli(t, flags, exitOK, "class", "delete", "cli")
	for _, want := range []string{"deleted namespace zoe-obj-2", "deleted namespace kubedojo-class-cli"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("class delete output lacks %q:\n%s", want, stdout)
		}
	}
	cli(t, flags, exitUsage, "class", "delete", "cli")
}
