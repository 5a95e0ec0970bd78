package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/session"
)

// terminal is a bash session on a private tmux server, typed into as a
// learner would.
type terminal struct {
	t       *testing.T
	socket  string
	command int
}

func (x *terminal) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", x.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (x *terminal) screen() string {
	out, _ := x.tmux("capture-pane", "-p", "-t", "learner")
	return out
}

// send types keys (tmux key names, or text) into the session.
func (x *terminal) send(keys ...string) {
	x.t.Helper()
	if out, err := x.tmux(append([]string{"send-keys", "-t", "learner"}, keys...)...); err != nil {
		x.t.Fatalf("send-keys %v: %v: %s", keys, err, out)
	}
}

// waitFor polls the screen until it shows every text, or fails after
// timeout with the last screen.
func (x *terminal) waitFor(step string, timeout time.Duration, texts ...string) string {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := x.screen()
		ok := true
		for _, text := range texts {
			ok = ok && strings.Contains(s, text)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("%s: the screen never showed %q within %s; last screen:\n%s", step, texts, timeout, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// run types a command line at the prompt and returns the marker that the
// line prints with its exit status when it ends ("done-3-0" on success).
func (x *terminal) run(line string) string {
	x.t.Helper()
	x.command++
	x.send("clear; "+line+fmt.Sprintf("; echo done-%d-$?", x.command), "Enter")
	return fmt.Sprintf("done-%d-", x.command)
}

// runOK types a command line and waits until it succeeded, showing texts.
func (x *terminal) runOK(step, line string, timeout time.Duration, texts ...string) string {
	x.t.Helper()
	marker := x.run(line)
	return x.waitFor(step, timeout, append(texts, marker+"0")...)
}

// TestCLIFlowThenTUIKeepsTheSolution is the README's command-line flow on a
// real lab, typed by a new learner in tmux: lab reset, solve with kubectl in
// lab shell, check; then the TUI, opened on that exercise, shows it done
// and the solution is still on the cluster, the same objects.
func TestCLIFlowThenTUIKeepsTheSolution(t *testing.T) {
	if testing.Short() && !labtest.InCI() {
		t.Skip("builds kubedojo and uses a kind lab; not in -short mode")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		labtest.Unavailable(t, "tmux", "tmux is not installed (apt-get install tmux)")
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		labtest.Unavailable(t, "kind", "kubectl is not on the PATH")
	}
	name := labtest.SharedLabName()
	l := labtest.RequireKindLab(t, name)
	state := labtest.KindLabStateDir(name)
	const id = "kubectl-objects/namespace-labels"

	// A new learner: no progress yet, and the exercise not on the lab.
	course, err := (&options{}).loadCourse()
	if err != nil {
		t.Fatal(err)
	}
	ex := course.Exercise(id)
	s, err := session.Connect(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	fresh := func() {
		if err := s.Env.Cleanup(context.Background(), ex); err != nil {
			t.Errorf("clean up %s: %v", id, err)
		}
		if err := os.Remove(filepath.Join(state, progress.FileName)); err != nil && !os.IsNotExist(err) {
			t.Error(err)
		}
	}
	fresh()
	t.Cleanup(fresh)

	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "kubedojo"), "github.com/kubedojo/kubedojo/cmd/kubedojo").CombinedOutput(); err != nil {
		t.Fatalf("build kubedojo: %v\n%s", err, out)
	}
	learnerShell := filepath.Join(bin, "learner-shell")
	if err := os.WriteFile(learnerShell, []byte("#!/bin/sh\nexec bash --norc --noprofile -i\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	x := &terminal{t: t, socket: fmt.Sprintf("kubedojo-cliflow-%d", os.Getpid())}
	t.Cleanup(func() { _, _ = x.tmux("kill-server") })
	env := []string{"TERM=xterm-256color", "PS1=$ ", "SHELL=" + learnerShell, "PATH=" + bin + ":" + os.Getenv("PATH"),
		"KD=kubedojo --lab-name " + name + " --state-dir " + state}
	if out, err := x.tmux("new-session", "-d", "-s", "learner", "-x", "120", "-y", "40",
		"exec env "+shellWords(env)+" bash --norc --noprofile -i"); err != nil {
		t.Fatalf("start tmux: %v: %s", err, out)
	}
	x.waitFor("prompt", time.Minute, "$")

	x.runOK("lab reset", "$KD lab reset "+id, 3*time.Minute, id+" is ready")
	x.run("$KD lab shell " + id)
	x.waitFor("exercise shell", 2*time.Minute, "exit to return")
	x.send("kubectl create namespace team-blue && kubectl label namespace team-blue team=blue && "+
		"kubectl -n team-blue create configmap settings --from-literal=mode=dev && "+
		"kubectl -n team-blue annotate configmap settings owner=alice && echo by-hand-$((6*7))", "Enter")
	x.waitFor("solve with kubectl", 2*time.Minute, "by-hand-42")
	x.send("exit", "Enter")
	x.waitFor("leave the shell", time.Minute, fmt.Sprintf("done-%d-0", x.command))
	x.runOK("check", "$KD check "+id, 2*time.Minute, "solved: 4/4 checks pass")

	kube := s.Grader.Env().Kube
	before, err := kube.CoreV1().ConfigMaps("team-blue").Get(context.Background(), "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the solution is not on the lab: %v", err)
	}

	// The TUI: course map, the lesson, the exercise; the lab starts in the
	// background and live grading shows it done.
	marker := x.run("$KD")
	x.waitFor("course map", 2*time.Minute, "Course map")
	x.send("/")
	x.send("kubectl-objects")
	x.send("Enter")
	x.send("Enter")
	x.waitFor("lesson", time.Minute, ex.Lesson.Title, "Exercises")
	// Tab moves the cursor down the lesson's exercises; each press is
	// waited for, so a slow frame is not pressed past.
	for presses := 0; cursorLine(x.screen()) == "" || !strings.Contains(cursorLine(x.screen()), ex.Title); presses++ {
		if presses > 2*(len(ex.Lesson.Exercises())+1) {
			t.Fatalf("cannot select %q:\n%s", ex.Title, x.screen())
		}
		before := cursorLine(x.screen())
		x.send("Tab")
		for deadline := time.Now().Add(10 * time.Second); cursorLine(x.screen()) == before && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
	}
	x.send("Enter")
	x.waitFor("exercise graded live", 4*time.Minute, "All checks pass", "● done", "4/4")
	x.send("q")
	x.waitFor("quit", time.Minute, marker+"0")

	after, err := kube.CoreV1().ConfigMaps("team-blue").Get(context.Background(), "settings", metav1.GetOptions{})
	if err != nil || after.UID != before.UID || after.Annotations["owner"] != "alice" {
		t.Fatalf("opening the TUI changed the solution: before uid %s, after %+v (%v)", before.UID, after, err)
	}
	store, err := progress.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	if rec := store.Course(course.ID).Exercise(id); rec.Status != progress.Done {
		t.Errorf("progress after the TUI: %+v", rec)
	}
	// The summary is the first line; the course outline below it is longer
	// than the screen.
	x.runOK("progress", "$KD progress | head -n 2", time.Minute, "1 of "+fmt.Sprint(len(course.Exercises()))+" exercises complete")
	if st, err := s.Env.State(context.Background(), ex); err != nil || st.State != lab.SetUp {
		t.Errorf("environment after the TUI: %+v %v", st, err)
	}
}

// cursorLine is the line of the screen that the list cursor is on.
func cursorLine(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "▸") {
			return line
		}
	}
	return ""
}

// shellWords quotes words for sh.
func shellWords(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = lessons.ShellQuote(w)
	}
	return strings.Join(quoted, " ")
}
