package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/pages/exercise"
	"github.com/kubedojo/kubedojo/tui/pages/lesson"
	"github.com/kubedojo/kubedojo/tui/pages/quiz"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// app is a TUI under test with its fakes.
type app struct {
	*tuitest.Driver
	m      *Model
	dir    string
	store  *progress.Store
	course *lessons.Course
	grader *tuitest.Grader
	lab    *tuitest.Lab
}

type appOption func(*Options, *app)

// withLab gives the app a ready fake lab and a grader whose reports give
// every check the status st.
func withLab(st result.Status) appOption {
	return func(o *Options, a *app) {
		a.grader, a.lab = tuitest.NewGrader(st), tuitest.ReadyLab()
		o.Grader, o.Lab, o.Vars = a.grader, a.lab, tuitest.Vars
	}
}

// withFakeLab uses the given fake lab with a grader of pending checks.
func withFakeLab(l *tuitest.Lab) appOption {
	return func(o *Options, a *app) {
		a.grader, a.lab = tuitest.NewGrader(result.Pending), l
		o.Grader, o.Lab = a.grader, l
	}
}

// withTerminal sets what the TUI knows of its terminal.
func withTerminal(term Terminal) appOption {
	return func(o *Options, a *app) { o.Terminal = term }
}

// withClassMode marks exercises unavailable as a class learner's back end
// does: the services lesson needs cluster scope, pods-basics/labels is not
// in the class.
func withClassMode() appOption {
	return func(o *Options, a *app) {
		o.Unavailable = func(ex *lessons.Exercise) string {
			switch {
			case ex.Lesson != nil && ex.Lesson.ID == "services":
				return "it works with PersistentVolume, which is cluster-scoped (or a custom kind), and learners of a class hold rights only in their own namespaces"
			case ex.ID == "pods-basics/labels":
				return "class k8s-101 does not include it (the instructor chose the class's exercises)"
			}
			return ""
		}
	}
}

// withProgress records progress before the app starts.
func withProgress(f func(tr *progress.Tracker)) appOption {
	return func(o *Options, a *app) { f(a.store.Course(a.course.ID)) }
}

func newApp(t *testing.T, w, h int, opts ...appOption) *app {
	t.Helper()
	a := &app{dir: t.TempDir(), course: tuitest.Course(t)}
	var err error
	if a.store, err = progress.Open(a.dir); err != nil {
		t.Fatal(err)
	}
	o := Options{Course: a.course, Progress: a.store}
	for _, opt := range opts {
		opt(&o, a)
	}
	a.m = New(t.Context(), o)
	a.Driver = tuitest.NewDriver(t, a.m, w, h)
	return a
}

// reopen starts a new app on the same state directory, as a restart would.
func (a *app) reopen(t *testing.T, w, h int) *app {
	t.Helper()
	store, err := progress.Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	b := &app{dir: a.dir, store: store, course: a.course}
	b.m = New(t.Context(), Options{Course: b.course, Progress: store})
	b.Driver = tuitest.NewDriver(t, b.m, w, h)
	return b
}

func (a *app) tracker() *progress.Tracker { return a.store.Course(a.course.ID) }

func (a *app) exercise(id string) *lessons.Exercise { return a.course.Exercise(id) }

// requireFits checks that the screen is exactly the terminal's size.
func requireFits(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, terminal has %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d wide (terminal %d): %q", i+1, lw, w, l)
		}
	}
}

func (a *app) contains(t *testing.T, want ...string) {
	t.Helper()
	v := a.View()
	for _, s := range want {
		if !strings.Contains(v, s) {
			t.Errorf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (a *app) lacks(t *testing.T, unwanted ...string) {
	t.Helper()
	v := a.View()
	for _, s := range unwanted {
		if strings.Contains(v, s) {
			t.Errorf("screen shows %q:\n%s", s, v)
		}
	}
}

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// screens are the states every golden test renders, each built from a
// fresh app by key presses and fake reports.
var screens = []struct {
	name string
	opts []appOption
	run  func(t *testing.T, a *app)
}{
	{"map", nil, func(*testing.T, *app) {}},
	{"map-progress", []appOption{withProgress(func(tr *progress.Tracker) {
		tr.MarkDone("pods-basics/first-pod")
		tr.RevealSolution("pods-basics/labels")
		tr.MarkRead("pods-basics")
		tr.RecordQuiz("pods-basics", 1, 2)
		tr.StartExercise("services/clusterip")
	})}, func(t *testing.T, a *app) { a.Press("down") }},
	{"map-filter", nil, func(t *testing.T, a *app) { a.Press("/", "s", "e", "r", "v") }},
	{"map-class", []appOption{withLab(result.Pending), withClassMode()}, func(t *testing.T, a *app) {}},
	{"map-class-lesson-unavailable", []appOption{withLab(result.Pending), withClassMode()}, func(t *testing.T, a *app) { a.Press("down") }},
	{"map-help", nil, func(t *testing.T, a *app) { a.Press("?") }},
	{"lesson", nil, func(t *testing.T, a *app) { a.Press("enter") }},
	{"lesson-scrolled", nil, func(t *testing.T, a *app) { a.Press("enter", "end", "tab") }},
	{"lesson-code-block", nil, func(t *testing.T, a *app) { a.Press("enter", "]", "]") }},
	{"exercise-no-lab", nil, func(t *testing.T, a *app) { a.Press("enter", "enter") }},
	{"exercise-lab-starting", []appOption{withFakeLab(&tuitest.Lab{
		Events:  []common.LabProgress{{Phase: "Ensuring node image", Step: 1, Total: 6}, {Phase: "Preparing nodes", Step: 2, Total: 6, Message: "kindest/node:v1.33.1"}},
		Release: make(chan struct{}),
	})}, func(t *testing.T, a *app) { a.Press("enter", "enter") }},
	{"exercise-lab-failed", []appOption{withFakeLab(&tuitest.Lab{
		StartErr: errors.New("docker is not running: start Docker (or Podman) and try again"),
	})}, func(t *testing.T, a *app) { a.Press("enter", "enter") }},
	{"exercise-failing", []appOption{withLab(result.Fail)}, func(t *testing.T, a *app) {
		a.Press("enter", "enter")
		r := tuitest.Uniform(a.exercise("pods-basics/first-pod"), result.Fail)
		r.Results[0].Status, r.Results[0].Message, r.Results[0].Detail = result.Pass, "", ""
		r.Results[1].Detail = `container web runs image "nginx:1.26"; expected "nginx:1.27"`
		r.Results[2].Status, r.Results[2].Message = result.Error, ""
		r.Results[2].Detail = `pods is forbidden: User "kubedojo" cannot list resource "pods"`
		a.grader.Push(r)
		a.Send()
	}},
	{"exercise-checking", []appOption{withLab(result.Running)}, func(t *testing.T, a *app) {
		a.Press("enter", "enter")
		final := tuitest.Uniform(a.exercise("pods-basics/first-pod"), result.Pass)
		a.grader.Push(tuitest.Progression(final)[1])
		a.Send()
	}},
	{"exercise-done", []appOption{withLab(result.Pass)}, func(t *testing.T, a *app) { a.Press("enter", "enter") }},
	{"exercise-hints-solution", []appOption{withLab(result.Fail)}, func(t *testing.T, a *app) {
		a.Press("enter", "enter", "h", "h", "S", "y", "end")
	}},
	{"exercise-confirm-reset", []appOption{withLab(result.Fail)}, func(t *testing.T, a *app) { a.Press("enter", "enter", "r") }},
	{"quiz", nil, func(t *testing.T, a *app) { a.Press("enter", "tab", "tab", "enter") }},
	{"quiz-chosen", nil, func(t *testing.T, a *app) { a.Press("enter", "tab", "tab", "enter", "2") }},
	{"quiz-answered", nil, func(t *testing.T, a *app) { a.Press("enter", "tab", "tab", "enter", "1", "enter") }},
	{"quiz-finished", nil, func(t *testing.T, a *app) {
		a.Press("enter", "tab", "tab", "enter", "1", "enter", "enter", "2", "enter", "enter")
	}},
}

func TestScreens(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			for _, sc := range screens {
				t.Run(sc.name, func(t *testing.T) {
					a := newApp(t, size.w, size.h, sc.opts...)
					sc.run(t, a)
					a.Stable(5 * time.Second)
					v := a.View()
					requireFits(t, v, size.w, size.h)
					golden.RequireEqual(t, v)
				})
			}
		})
	}
}

func TestNavigation(t *testing.T) {
	a := newApp(t, 80, 24)
	if _, ok := a.m.top().(*lesson.Model); ok {
		t.Fatal("a fresh start opened a lesson")
	}
	a.Press("down", "enter")
	l, ok := a.m.top().(*lesson.Model)
	if !ok || l.Lesson().ID != "services" {
		t.Fatalf("enter on the second lesson opened %T", a.m.top())
	}
	a.Press("esc", "up", "enter", "tab", "enter")
	ex, ok := a.m.top().(*exercise.Model)
	if !ok || ex.Exercise().ID != "pods-basics/labels" {
		t.Fatalf("tab, enter opened %T, want the second exercise", a.m.top())
	}
	if last, _ := a.tracker().Last(); last.Exercise != "pods-basics/labels" {
		t.Errorf("location not recorded: %+v", last)
	}
	a.Press("n")
	if _, ok := a.m.top().(*quiz.Model); !ok || len(a.m.pages) != 3 {
		t.Fatalf("n after the last exercise: top %T, %d pages; want the quiz replacing the exercise", a.m.top(), len(a.m.pages))
	}
	a.Press("esc", "esc", "esc", "esc")
	if len(a.m.pages) != 1 {
		t.Errorf("esc does not go back to the map: %d pages", len(a.m.pages))
	}
	if a.Quit {
		t.Error("esc on the map quit")
	}
	a.Press("q")
	if !a.Quit {
		t.Error("q did not quit")
	}
}

func TestQuitFromAnywhere(t *testing.T) {
	for _, keys := range [][]string{{}, {"enter"}, {"enter", "enter"}, {"enter", "tab", "tab", "enter"}, {"enter", "enter", "S"}} {
		t.Run(strings.Join(keys, ","), func(t *testing.T) {
			a := newApp(t, 80, 24)
			a.Press(keys...)
			a.Press("q")
			if !a.Quit {
				t.Errorf("q after %v did not quit (top %T)", keys, a.m.top())
			}
		})
	}
	t.Run("ctrl+c while filtering", func(t *testing.T) {
		a := newApp(t, 80, 24)
		a.Press("/", "q")
		if a.Quit {
			t.Fatal("q typed into the filter quit")
		}
		a.Press("ctrl+c")
		if !a.Quit {
			t.Error("ctrl+c did not quit")
		}
	})
}

func TestResume(t *testing.T) {
	a := newApp(t, 80, 24)
	a.Press("enter", "tab", "enter", "h", "q")
	b := a.reopen(t, 80, 24)
	ex, ok := b.m.top().(*exercise.Model)
	if !ok || ex.Exercise().ID != "pods-basics/labels" {
		t.Fatalf("restart opened %T, want the exercise left", b.m.top())
	}
	b.contains(t, "Hints (1 of 2)")
	b.Press("esc")
	if _, ok := b.m.top().(*lesson.Model); !ok {
		t.Errorf("esc after resuming went to %T, want its lesson", b.m.top())
	}
}

func TestProgressSavedAfterEveryChange(t *testing.T) {
	a := newApp(t, 80, 24, withLab(result.Pass))
	a.Press("enter", "enter", "h")
	// Read the file, not the store: the change must be on disk already.
	s, err := progress.Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := s.Course(a.course.ID).Exercise("pods-basics/first-pod")
	if rec.Status != progress.Done || rec.Hints != 1 || rec.DoneAt == nil {
		t.Errorf("on disk: %+v", rec)
	}
	if last, _ := s.Course(a.course.ID).Last(); last.Screen != progress.ScreenExercise {
		t.Errorf("location on disk: %+v", last)
	}
}

func TestNoticeAndErrorsOnStatusLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, progress.FileName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := progress.Open(dir)
	var corrupt *progress.CorruptError
	if !errors.As(err, &corrupt) {
		t.Fatalf("Open = %v", err)
	}
	m := New(t.Context(), Options{Course: tuitest.Course(t), Progress: store, Notice: corrupt.Error()})
	d := tuitest.NewDriver(t, m, 200, 24)
	if v := d.View(); !strings.Contains(v, "progress.json.corrupt-") {
		t.Errorf("the notice about the damaged file is not shown:\n%s", v)
	}
	d.Press("enter", "enter", "s")
	if v := d.View(); !strings.Contains(v, "there is no lab") {
		t.Errorf("shell without a lab shows no explanation:\n%s", v)
	}
}

func TestResizeKeepsScreenInBounds(t *testing.T) {
	a := newApp(t, 80, 24, withLab(result.Fail))
	a.Press("enter", "enter")
	for _, s := range []struct{ w, h int }{{120, 40}, {80, 24}, {100, 30}, {80, 24}} {
		a.Send(tea.WindowSizeMsg{Width: s.w, Height: s.h})
		requireFits(t, a.View(), s.w, s.h)
	}
	a.Press("esc")
	requireFits(t, a.View(), 80, 24)
}

func TestBackgroundColourRebuildsStyles(t *testing.T) {
	a := newApp(t, 80, 24)
	a.Press("enter")
	dark := a.m.View().Content
	a.Send(tea.BackgroundColorMsg{Color: lipgloss.Color("#ffffff")})
	if a.m.c.Styles.IsDark {
		t.Fatal("a white background kept the dark styles")
	}
	if light := a.m.View().Content; light == dark {
		t.Error("the lesson was not rendered again for the light background")
	}
}

func TestLabStartsInBackground(t *testing.T) {
	release := make(chan struct{})
	l := &tuitest.Lab{
		Events:  []common.LabProgress{{Phase: "Preparing nodes", Step: 2, Total: 6}},
		Release: release,
		State:   common.LabStatus{Ready: true, Summary: "kind cluster kubedojo"},
	}
	a := newApp(t, 80, 24, withFakeLab(l))
	a.contains(t, "lab starting 2/6")
	a.Press("enter")
	a.contains(t, "A pod is the smallest thing") // reading while the lab starts
	a.Press("enter")
	a.contains(t, "Starting the lab cluster", "Preparing nodes")
	if len(l.SetUps()) != 0 {
		t.Fatal("the exercise was set up before the lab was ready")
	}
	close(release)
	a.Send()
	a.contains(t, "lab ready")
	if got := l.SetUps(); len(got) != 1 || got[0] != "pods-basics/first-pod" {
		t.Errorf("resets = %v, want the exercise set up once the lab is ready", got)
	}
	if a.grader.Watching("pods-basics/first-pod") != 1 {
		t.Error("live grading did not start")
	}
}

func TestLabFailureCanBeRetried(t *testing.T) {
	l := &tuitest.Lab{StartErr: errors.New("docker is not running")}
	a := newApp(t, 80, 24, withFakeLab(l))
	a.contains(t, "lab failed", "L retry lab", "The lab could not start: docker is not running (press L to retry)")
	a.Press("enter", "enter")
	a.contains(t, "The lab could not start", "docker is not running")
	a.Press("L")
	if l.Starts() != 2 {
		t.Errorf("L started the lab %d times in all, want 2", l.Starts())
	}
}

func TestVarsExpandedOnceKnown(t *testing.T) {
	a := newApp(t, 120, 40)
	a.Press("enter", "enter")
	a.contains(t, "{{NODE}}")
	b := newApp(t, 120, 40, withLab(result.Fail))
	b.Press("enter", "enter")
	b.contains(t, "control-plane")
	b.lacks(t, "{{NODE}}")
}

// TestTinyTerminals checks that no screen panics or overflows when the
// terminal is far below 80x24.
func TestTinyTerminals(t *testing.T) {
	some := map[string]bool{"map-help": true, "lesson": true, "exercise-failing": true, "exercise-lab-starting": true, "quiz-answered": true}
	for _, s := range []struct{ w, h int }{{40, 10}, {20, 6}, {1, 1}} {
		for _, sc := range screens {
			if !some[sc.name] {
				continue
			}
			t.Run(fmt.Sprintf("%dx%d/%s", s.w, s.h, sc.name), func(t *testing.T) {
				a := newApp(t, s.w, s.h, sc.opts...)
				sc.run(t, a)
				if got := len(strings.Split(a.View(), "\n")); got > s.h {
					t.Errorf("%d lines on a %d-line terminal", got, s.h)
				}
			})
		}
	}
}

// TestRevealedHintsAndSolutionComeIntoView reveals hints and the solution
// on a small terminal: each time the reader scrolls to what was just
// revealed, which would otherwise be below the fold with no sign of it.
func TestRevealedHintsAndSolutionComeIntoView(t *testing.T) {
	a := newApp(t, 80, 24, withLab(result.Fail))
	a.Press("enter", "enter")
	ex := a.exercise("pods-basics/first-pod")
	for i, h := range ex.Hints {
		a.Press("h")
		a.Stable(5 * time.Second)
		a.contains(t, fmt.Sprintf("Hints (%d of %d)", i+1, len(ex.Hints)))
		// Compared without spaces: inline code is padded on screen.
		want := strings.Join(strings.Fields(strings.ReplaceAll(h, "`", "")), "")
		if v := strings.Join(strings.Fields(a.View()), ""); !strings.Contains(v, want) {
			t.Errorf("hint %d is not on screen after h:\n%s", i+1, a.View())
		}
	}
	a.Press("S", "y")
	a.Stable(5 * time.Second)
	a.contains(t, "Solution", "One command creates the pod")
	a.Press("home", "S") // hide the solution, then show it again
	a.Stable(5 * time.Second)
	a.Press("S")
	a.Stable(5 * time.Second)
	a.contains(t, "Solution", "One command creates the pod")
}

// TestLongCheckMessagesCanBeReadWhole fills the check list with more than
// a small terminal holds: details are shortened, but the selected check
// (the first failing one, then the one tab moves to) is shown whole, so a
// command the message suggests is never hidden behind "…".
func TestLongCheckMessagesCanBeReadWhole(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			a := newApp(t, size.w, size.h, withLab(result.Fail))
			a.Press("enter", "enter")
			r := tuitest.Uniform(a.exercise("pods-basics/first-pod"), result.Fail)
			for i := range r.Results {
				r.Results[i].Message = fmt.Sprintf("check %d wants more: the service account web cannot list pods in namespace pod-1 yet, and the role binding you made names another account", i+1)
				r.Results[i].Detail = fmt.Sprintf("try kubectl auth can-i list pods --as=system:serviceaccount:pod-1:web-%d -n pod-1 to see what it may do", i+1)
			}
			a.grader.Push(r)
			a.Send()
			// The panel's text as one line (on wide screens, right of the
			// separator).
			flat := func() string {
				var b []string
				for _, l := range strings.Split(a.View(), "\n") {
					if i := strings.LastIndex(l, "│"); i >= 0 {
						l = l[i+len("│"):]
					}
					b = append(b, strings.Fields(l)...)
				}
				return strings.Join(b, " ")
			}
			for i := range r.Results {
				if i > 0 {
					a.Press("tab")
				}
				for _, want := range []string{r.Results[i].Message, r.Results[i].Detail} {
					if !strings.Contains(flat(), want) {
						t.Errorf("check %d: %q is not on screen whole:\n%s", i+1, want, a.View())
					}
				}
				requireFits(t, a.View(), size.w, size.h)
			}
			a.Press("shift+tab")
			if !strings.Contains(flat(), r.Results[1].Detail) {
				t.Errorf("shift+tab did not go back to check 2:\n%s", a.View())
			}
		})
	}
}

// TestCountsReadAsWords: one of something is never "1 questions" or
// "3 hint(s)".
func TestCountsReadAsWords(t *testing.T) {
	a := newApp(t, 120, 40)
	a.Press("down")
	a.contains(t, "1 exercise, 0 complete · quiz of 1 question")
	a.Press("enter")
	a.contains(t, "Quiz · 1 question ")
	a.course.Exercise("services/clusterip").Hints = a.course.Exercise("services/clusterip").Hints[:1]
	a.Press("enter")
	a.contains(t, "1 check, not graded yet")
	a.Press("h", "h")
	a.contains(t, "The only hint is shown")
	a.Press("esc", "tab", "enter", "1", "enter", "enter")
	a.contains(t, "1 of 1 question right", "after 1 attempt.")
	a.lacks(t, "(s)", "1 questions", "1 checks", "1 attempts")
}

// TestTerminalSelectionStaysFree: no screen captures the mouse, so the
// terminal's own selection (and its copy) works everywhere.
func TestTerminalSelectionStaysFree(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			a := newApp(t, 80, 24, sc.opts...)
			sc.run(t, a)
			if mode := a.m.View().MouseMode; mode != tea.MouseModeNone {
				t.Errorf("mouse mode %v", mode)
			}
		})
	}
}

// TestRootSavesWhateverChangedProgress: the root saves the progress store
// whenever an update left it changed, whoever changed it (here the test,
// standing in for a page that records something and forgets to save).
func TestRootSavesWhateverChangedProgress(t *testing.T) {
	a := newApp(t, 80, 24)
	a.tracker().MarkRead("pods-basics")
	a.Send(tea.BackgroundColorMsg{Color: lipgloss.Color("#000000")})
	s, err := progress.Open(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Course(a.course.ID).Lesson("pods-basics").Read {
		t.Error("a change to the progress store is not on disk after the next update")
	}
}

// TestLessonThatDoesNotDecodeSaysSo: a lazily loaded pack whose exercise
// file is broken (the built-in course cannot be: the tests validate it)
// opens its lesson with the exercises that decoded and says on the status
// line which file is wrong.
func TestLessonThatDoesNotDecodeSaysSo(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(tuitest.PackDir())); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lessons/pods-basics/exercises/labels.yaml"), []byte("id: labels\ntitle: [unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := lessons.LoadValidatedLazily(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	store, err := progress.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := tuitest.NewDriver(t, New(t.Context(), Options{Course: c, Progress: store}), 200, 30)
	d.Press("enter")
	v := d.View()
	for _, want := range []string{"lesson pods-basics: some exercises cannot be shown", "labels.yaml", "invalid YAML"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
}
