package tui

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// tmux drives a terminal session on a private tmux server.
type tmux struct {
	t      *testing.T
	socket string
}

func (x *tmux) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", x.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (x *tmux) screen() string {
	out, err := x.run("capture-pane", "-p", "-t", "smoke")
	if err != nil {
		return ""
	}
	return out
}

// colours reports whether the screen uses any foreground or background
// colour (SGR 30–38, 40–48, 90–97, 100–107, so 256-colour and truecolour
// too; 39 and 49, the default colours, do not count).
func (x *tmux) colours() bool {
	out, _ := x.run("capture-pane", "-p", "-e", "-t", "smoke")
	return sgrColour.MatchString(out)
}

var sgrColour = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m`)

// waitFor polls the screen until it contains every text.
func (x *tmux) waitFor(step string, texts ...string) string {
	x.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
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
			x.t.Fatalf("%s: screen never showed %q; last screen:\n%s", step, texts, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (x *tmux) keys(keys ...string) {
	x.t.Helper()
	if out, err := x.run(append([]string{"send-keys", "-t", "smoke"}, keys...)...); err != nil {
		x.t.Fatalf("send-keys %v: %v: %s", keys, err, out)
	}
}

// start opens kubedojo in a detached 80x24 session and returns when the
// first frame is on screen, with the time that took.
func (x *tmux) start(env, bin string, args []string, firstText string) time.Duration {
	x.t.Helper()
	cmd := "exec env KUBEDOJO_NO_LAB=1 TERM=xterm-256color " + env + " " + bin + " " + strings.Join(args, " ")
	begin := time.Now()
	for try := 1; ; try++ {
		out, err := x.run("new-session", "-d", "-s", "smoke", "-x", "80", "-y", "24", cmd)
		if err == nil {
			break
		}
		// The server of the previous session exits once that session has
		// ended (waitExit); a new session that reaches it meanwhile fails
		// and may start a fresh server a moment later.
		if try == 5 || !strings.Contains(out, "server exited unexpectedly") {
			x.t.Fatalf("start tmux: %v: %s", err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	x.waitFor("first frame", firstText)
	return time.Since(begin)
}

// waitExit waits until the session ended, that is kubedojo exited.
func (x *tmux) waitExit() {
	x.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := x.run("has-session", "-t", "smoke"); err != nil {
			return
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("kubedojo did not exit; screen:\n%s", x.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rssKiB reads the resident memory of the session's process.
func (x *tmux) rssKiB() (int, error) {
	out, err := x.run("list-panes", "-t", "smoke", "-F", "#{pane_pid}")
	if err != nil {
		return 0, fmt.Errorf("pane pid: %w", err)
	}
	f, err := os.Open(filepath.Join("/proc", strings.TrimSpace(out), "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// TestSmokeTmux runs the real binary in tmux at 80x24 as a new learner
// would: a fresh state directory and no lab. It opens a lesson, shows the
// help, quits, and checks that a restart resumes in that lesson, without
// colours under NO_COLOR.
func TestSmokeTmux(t *testing.T) {
	if testing.Short() && !labtest.InCI() {
		t.Skip("builds the kubedojo binary; not in -short mode")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		labtest.Unavailable(t, "tmux", "tmux is not installed (apt-get install tmux)")
	}
	bin := filepath.Join(t.TempDir(), "kubedojo")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/kubedojo/kubedojo/cmd/kubedojo").CombinedOutput(); err != nil {
		t.Fatalf("build kubedojo: %v\n%s", err, out)
	}

	// The built-in course, unless it does not load yet (lessons are being
	// written): then the test pack.
	course, err := lessons.Load(assets.Course())
	var courseArgs []string
	if err != nil {
		t.Logf("built-in course does not load (%v); using the test pack", err)
		course, courseArgs = tuitest.Course(t), []string{"--course", tuitest.PackDir()}
	}
	second := course.Lessons()[1]

	state := t.TempDir()
	args := append([]string{"--state-dir", state}, courseArgs...)
	x := &tmux{t: t, socket: fmt.Sprintf("kubedojo-smoke-%d", os.Getpid())}
	t.Cleanup(func() { _, _ = x.run("kill-server") })

	took := x.start("", bin, args, "Course map")
	t.Logf("process start to first frame: %v", took)
	x.waitFor("course map", course.Title[:20], course.Lessons()[0].Title, "lab off", "q quit")

	x.keys("j")
	x.keys("Enter")
	x.waitFor("open lesson", second.Title, "Exercises", "esc back")
	x.keys("?")
	x.waitFor("full help", "page down", "previous item")
	if !x.colours() {
		t.Error("no colours on a 256-colour terminal")
	}
	if kib, err := x.rssKiB(); err != nil {
		t.Logf("RSS not available: %v", err)
	} else {
		t.Logf("RSS with the course loaded and a lesson open: %.1f MiB", float64(kib)/1024)
	}
	x.keys("q")
	x.waitExit()

	store, err := progress.Open(state)
	if err != nil {
		t.Fatalf("progress after quitting: %v", err)
	}
	if last, _ := store.Course(course.ID).Last(); last.Lesson != second.ID || last.Screen != progress.ScreenLesson {
		t.Errorf("recorded location %+v, want lesson %s", last, second.ID)
	}

	took = x.start("NO_COLOR=1", bin, args, second.Title)
	t.Logf("restart to first frame (resumed in the lesson): %v", took)
	x.waitFor("resumed", "Exercises")
	if x.colours() {
		t.Error("colours despite NO_COLOR=1")
	}
	x.keys("Escape")
	x.waitFor("back to the map", "Course map")
	x.keys("q")
	x.waitExit()
}
