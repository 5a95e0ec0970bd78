package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kubedojo/kubedojo/lab/config"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// noisyLab is a lab whose start does what client-go does under the TUI:
// klog lines, and an API request answered with a server warning. It ends
// the TUI once it is done.
type noisyLab struct {
	*tuitest.Lab
	t      *testing.T
	server string
	done   context.CancelFunc
}

func (l *noisyLab) Start(ctx context.Context, _ func(tui.LabProgress)) error {
	defer l.done()
	klog.Error("E-from-klog: Websocket Ping failed")
	klog.FromContext(ctx).Error(nil, "E-from-contextual-klog")
	// What the heartbeat of a cancelled exec stream logs a few seconds on.
	klog.FromContext(ctx).Error(&net.OpError{Op: "set", Net: "tcp", Err: net.ErrClosed}, "Websocket Ping failed")
	kube, err := kubernetes.NewForConfig(&rest.Config{Host: l.server})
	if err != nil {
		l.t.Error(err)
		return err
	}
	if _, err := kube.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); err != nil {
		l.t.Errorf("list pods: %v", err)
	}
	return nil
}

// captureStd points os.Stdout and os.Stderr at files for the rest of the
// test; klog writes to os.Stderr directly, not to the command's streams.
func captureStd(t *testing.T) (stdout, stderr *os.File) {
	t.Helper()
	dir := t.TempDir()
	var err error
	if stdout, err = os.Create(filepath.Join(dir, "stdout")); err != nil {
		t.Fatal(err)
	}
	if stderr, err = os.Create(filepath.Join(dir, "stderr")); err != nil {
		t.Fatal(err)
	}
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = stdout, stderr
	t.Cleanup(func() { os.Stdout, os.Stderr = oldOut, oldErr })
	return stdout, stderr
}

// TestTUISendsLibraryLogsToTheLogFile runs the TUI command with a lab that
// logs through klog and meets a server warning, as client-go does during
// exec and HTTP checks: nothing of it may reach the terminal (it would draw
// over the screen); all of it is in tui.log in the state directory.
func TestTUISendsLibraryLogsToTheLogFile(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Warning", `299 - "W-from-the-server: v1 Pod thing is deprecated"`)
		_, _ = w.Write([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}`))
	}))
	defer api.Close()
	stdout, stderr := captureStd(t)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var screen bytes.Buffer
	state := t.TempDir()
	opts := &options{stdout: &screen, stderr: &screen, settings: testSettings(t, "--state-dir", state), coursePath: tuitest.PackDir()}
	lab := &noisyLab{Lab: tuitest.ReadyLab(), t: t, server: api.URL, done: cancel}
	backends := func(context.Context, *options, *lessons.Course) (tuiBackends, error) {
		return tuiBackends{lab: lab, grader: tuitest.NewGrader("pending")}, nil
	}
	cmd := newTUICmd(opts, backends)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(&screen)
	cmd.SetArgs(nil)
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("tui: %v", err)
	}

	logText, err := os.ReadFile(filepath.Join(state, "tui.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*os.File{stdout, stderr} {
		out, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > 0 {
			t.Errorf("the TUI wrote to %s outside Bubble Tea:\n%s", filepath.Base(f.Name()), out)
		}
	}
	for _, line := range strings.Split(string(logText), "\n") {
		if strings.Contains(line, "Websocket Ping failed") && strings.Contains(line, "closed network connection") && strings.Contains(line, "level=ERROR") {
			t.Errorf("a closed stream's heartbeat is logged as an error: %s", line)
		}
	}
	for _, want := range []string{"E-from-klog", "E-from-contextual-klog", "W-from-the-server"} {
		if bytes.Contains(screen.Bytes(), []byte(want)) {
			t.Errorf("%s was drawn on the screen", want)
		}
		if !bytes.Contains(logText, []byte(want)) {
			t.Errorf("%s is not in tui.log:\n%s", want, logText)
		}
	}
}

// TestSecondTerminalKeepsTheGlobalFlags: the command the TUI suggests for
// a second terminal reaches the same lab and state as this run, also when
// an environment variable the other terminal may lack chose them.
func TestSecondTerminalKeepsTheGlobalFlags(t *testing.T) {
	root := newRootCmd(&options{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	if err := root.ParseFlags([]string{"--state-dir", "/tmp/my state", "--lab-name", "kd-ann", "--no-lab"}); err != nil {
		t.Fatal(err)
	}
	got := secondTerminal(root, config.Settings{})("pods-basics/first-pod")
	want := "kubedojo --lab-name=kd-ann --state-dir='/tmp/my state' lab shell pods-basics/first-pod"
	if got != want {
		t.Errorf("flags:\ngot  %s\nwant %s", got, want)
	}

	root = newRootCmd(&options{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	if err := root.ParseFlags([]string{"--state-dir", "/tmp/my state"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{config.LabName.Env: "kd-bo", config.Workers.Env: "0"}
	s, err := config.Choose(root.Flags(), func(k string) string { return env[k] }, config.File{})
	if err != nil {
		t.Fatal(err)
	}
	got = secondTerminal(root, s)("pods-basics/first-pod")
	want = "kubedojo --state-dir='/tmp/my state' --lab-name=kd-bo --workers=0 lab shell pods-basics/first-pod"
	if got != want {
		t.Errorf("environment:\ngot  %s\nwant %s", got, want)
	}
}

// TestTUIReadsWithoutAWritableStateDir: a state directory kubedojo cannot
// write (read-only, or tui.log not a file) still lets the learner read
// with --no-lab; the TUI says what is not saved.
func TestTUIReadsWithoutAWritableStateDir(t *testing.T) {
	state := t.TempDir()
	if err := os.Mkdir(filepath.Join(state, tuiLogName), 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	var screen bytes.Buffer
	opts := &options{stdout: &screen, stderr: &screen, settings: testSettings(t, "--state-dir", state), coursePath: tuitest.PackDir()}
	cmd := newTUICmd(opts, nil)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(&screen)
	cmd.SetArgs([]string{"--no-lab"})
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("tui --no-lab on a state directory it cannot write: %v", err)
	}
	if _, _, notice := openTUILog(state); !strings.Contains(notice, "cannot write to its state directory") || !strings.Contains(notice, "not saved") {
		t.Errorf("notice = %q", notice)
	}
}
