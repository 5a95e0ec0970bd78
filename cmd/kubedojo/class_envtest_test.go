package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/checks/result"
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
	// envtest runs no Traefik: an Ingress exercise, whose learners' checks
	// could only error there, is refused with what the cluster lacks.
	_, errOut = cli(t, flags, exitUsage, "class", "create", "other", "--learners", "2", "--exercises", "ingress-gateway/ingress-rules")
	if !strings.Contains(errOut, "the class's cluster") || !strings.Contains(errOut, "Traefik") {
		t.Errorf("an add-on exercise on a cluster without the add-on: %s", errOut)
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

// TestClassLearnerCommands: a learner of a class works on the class
// cluster with nothing but their kubeconfig (--class-kubeconfig, or the
// same file as --kubeconfig): reset and check run in their namespaces and
// name them, list says what the class cannot run, the lab commands
// refuse, and the instructor's board shows the learner's checks.
func TestClassLearnerCommands(t *testing.T) {
	opts := envtestOptions(t)
	flags := []string{"--kubeconfig", opts.settings.Kubeconfig.V, "--context", opts.settings.Context.V}
	out := filepath.Join(t.TempDir(), "out")
	const id = "kubectl-objects/label-query"
	cli(t, flags, exitOK, "class", "create", "lrn", "--names", writeNames(t, "uma\nvic\n"), "--exercises", id, "--expires", "2h", "--out", out)
	t.Cleanup(func() { cli(t, flags, exitOK, "class", "delete", "lrn") })
	uma := []string{"--class-kubeconfig", filepath.Join(out, "uma.kubeconfig"), "--state-dir", filepath.Join(t.TempDir(), "state")}

	stdout, _ := cli(t, uma, exitOK, "lab", "reset", id)
	if !strings.Contains(stdout, "namespace uma-obj-3") {
		t.Errorf("lab reset in class mode:\n%s", stdout)
	}
	stdout, _ = cli(t, uma, exitFail, "check", id, "--no-wait")
	if !strings.Contains(stdout, "uma-obj-3") {
		t.Errorf("check does not name uma's namespace:\n%s", stdout)
	}
	board, _ := cli(t, flags, exitOK, "class", "board", "lrn", "--csv")
	if !strings.Contains(board, "uma,"+id+",in-progress,") || !strings.Contains(board, "vic,"+id+",not-started") {
		t.Errorf("board after uma's check:\n%s", board)
	}
	// The same file as --kubeconfig is recognised as a class learner's.
	stdout, _ = cli(t, []string{"--kubeconfig", filepath.Join(out, "uma.kubeconfig"), "--state-dir", uma[3]}, exitOK, "list")
	for _, want := range []string{"Unavailable in class mode", "kubectl-objects/namespace-labels: it asks the learner to create namespace team-blue", "does not include it"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("list in class mode lacks %q:\n%s", want, stdout)
		}
	}
	// The TUI's back ends: connected before the TUI starts, with the
	// course renamed, a status that names the class, and a shell in
	// uma's namespace.
	o := &options{classKC: uma[1], settings: testSettings(t, "--state-dir", uma[3]), stdout: io.Discard, stderr: io.Discard}
	course, err := o.loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	b, err := newTUIBackends(context.Background(), o, course)
	if err != nil {
		t.Fatalf("class back ends: %v", err)
	}
	if err := b.lab.Start(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if st, err := b.lab.Status(context.Background()); err != nil || !st.Ready || !strings.Contains(st.Summary, "class lrn · you are uma") || st.NodeAccess {
		t.Errorf("status: %+v %v", st, err)
	}
	ex := course.Exercise(id)
	sh, err := b.lab.Shell(ex)
	if err != nil {
		t.Fatal(err)
	}
	var shellKubeconfig string
	for _, kv := range sh.Env {
		if v, ok := strings.CutPrefix(kv, "KUBECONFIG="); ok {
			shellKubeconfig = v
		}
	}
	kc, err := clientcmd.LoadFromFile(shellKubeconfig)
	if err != nil {
		t.Fatalf("the shell's kubeconfig: %v", err)
	}
	if ns := kc.Contexts[kc.CurrentContext].Namespace; ns != "uma-obj-3" {
		t.Errorf("the shell's namespace is %q, want uma-obj-3", ns)
	}
	if r := b.grader.Evaluate(context.Background(), ex); r.Outcome() != result.Unsolved {
		t.Errorf("TUI grading: %v", r.Outcome())
	}

	_, errOut := cli(t, uma, exitUsage, "lab", "up")
	if !strings.Contains(errOut, "class mode") {
		t.Errorf("lab up in class mode: %s", errOut)
	}
	for _, args := range [][]string{{"verify", id}, {"exam", "end"}} {
		if _, errOut := cli(t, uma, exitUsage, args...); !strings.Contains(errOut, "class mode") {
			t.Errorf("%v in class mode: %s", args, errOut)
		}
	}
	_, errOut = cli(t, uma, exitEnv, "lab", "reset", "kubectl-objects/namespace-labels")
	if !strings.Contains(errOut, "unavailable here in class mode") {
		t.Errorf("reset of an unavailable exercise: %s", errOut)
	}
}

func writeNames(t *testing.T, names string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "names.txt")
	if err := os.WriteFile(path, []byte(names), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
