package tui

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/lessons/progress"
	"github.com/kubedojo/kubedojo/tui/common"
	exampage "github.com/kubedojo/kubedojo/tui/pages/exam"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

// examStart is when the exams of these tests started.
var examStart = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// fakeExam is an exam of the test pack's three exercises (weights 4, 8,
// 6), graded with every check of the first task passing, half of the
// second's and none of the third's.
type fakeExam struct {
	st    *exam.State
	tasks []*lessons.Exercise
	// block, when set, holds the setup after the first task until closed.
	block chan struct{}

	// at is the frozen time of the screen.
	at time.Time

	mu      sync.Mutex
	saved   []exam.State
	graded  int
	watched []int
	resets  int
}

func newFakeExam(t *testing.T, mode exam.Mode, setUp bool) *fakeExam {
	return newFakeExamOf(t, tuitest.Course(t), mode, setUp)
}

// newFakeExamOf is newFakeExam on the exercises of course.
func newFakeExamOf(t *testing.T, course *lessons.Course, mode exam.Mode, setUp bool) *fakeExam {
	var tasks []*lessons.Exercise
	for i, ex := range course.Exercises() {
		cp := *ex
		cp.Weight = []int{4, 8, 6}[i]
		tasks = append(tasks, &cp)
	}
	pool := &lessons.Course{ID: "testpool", Title: "Test pool", Version: "1", Exam: &lessons.ExamSettings{PassMark: 66}}
	st := exam.NewState(pool, "", tasks, mode, 42, 2*time.Hour, examStart.Add(-5*time.Minute))
	st.ID = "20261202-085500"
	if setUp {
		for i := range st.Tasks {
			st.Tasks[i].SetUp = true
		}
		st.Started = examStart
	}
	return &fakeExam{st: st, tasks: tasks}
}

func (f *fakeExam) State() *exam.State         { return f.st }
func (f *fakeExam) Tasks() []*lessons.Exercise { return f.tasks }
func (f *fakeExam) ReportPath(id string) string {
	return "/state/exams/" + id + "/report.md"
}

func (f *fakeExam) SetUp(ctx context.Context, st *exam.State, progress func(exam.SetupEvent)) error {
	for i := range st.Tasks {
		if i == 1 && f.block != nil {
			progress(exam.SetupEvent{Task: i, ID: f.tasks[i].ID, Phase: "setup", Ready: 1, Total: len(st.Tasks)})
			select {
			case <-f.block:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		st.Tasks[i].SetUp = true
		progress(exam.SetupEvent{Task: i, ID: f.tasks[i].ID, Phase: "setup", Done: true, Ready: i + 1, Total: len(st.Tasks)})
	}
	st.Started = examStart
	return nil
}

func (f *fakeExam) Save(st *exam.State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, *st)
	return nil
}

func (f *fakeExam) lastSaved() exam.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.saved[len(f.saved)-1]
}

func (f *fakeExam) Grade(_ context.Context, st *exam.State, progress func(done, total int)) (*exam.Result, error) {
	f.mu.Lock()
	f.graded++
	f.mu.Unlock()
	var tasks []exam.TaskResult
	for i, ex := range f.tasks {
		tr := exam.TaskResultFor(i+1, ex, st.Tasks[i])
		for j, c := range ex.Checks {
			status := exam.CheckFail
			if i == 0 || (i == 1 && j%2 == 0) {
				status = exam.CheckPass
			}
			tr.Checks = append(tr.Checks, exam.CheckResult{ID: c.ID, Title: c.Title, Points: c.PointsWorth(), Status: status,
				Message: c.Message, Detail: "expected it, found nothing"})
		}
		tasks = append(tasks, tr)
		progress(i+1, len(f.tasks))
	}
	return exam.NewResult(st, tasks, f.at), nil
}

func (f *fakeExam) Shell(*exam.State, int) (*exec.Cmd, error) { return exec.Command("true"), nil }

func (f *fakeExam) NodeShell(context.Context) (*exec.Cmd, error) { return exec.Command("true"), nil }

func (f *fakeExam) Check(_ context.Context, task int) result.Report {
	r := tuitest.Uniform(f.tasks[task], result.Fail)
	r.Results[0].Status, r.Results[0].Message, r.Results[0].Detail = result.Pass, "", ""
	return r
}

func (f *fakeExam) Reset(context.Context, int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets++
	return nil
}

// Watch reports the task's checks as Check does, once, and records the
// task it watches.
func (f *fakeExam) Watch(ctx context.Context, task int, onReport func(result.Report)) error {
	f.mu.Lock()
	f.watched = append(f.watched, task)
	f.mu.Unlock()
	onReport(f.Check(ctx, task))
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeExam) watchedTasks() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.watched...)
}

// newExamApp opens the TUI as kubedojo exam does, on the exam screen of
// f, with the clock frozen at now.
func newExamApp(t *testing.T, w, h int, f *fakeExam, now time.Time) *app {
	t.Helper()
	f.at = now
	return newExamAppWithClock(t, w, h, f, func() time.Time { return now })
}

// newExamAppWithClock opens the exam screen of f with a clock the test
// moves.
func newExamAppWithClock(t *testing.T, w, h int, f *fakeExam, clock func() time.Time) *app {
	t.Helper()
	a := &app{dir: t.TempDir(), course: tuitest.Course(t)}
	var err error
	if a.store, err = progress.Open(a.dir); err != nil {
		t.Fatal(err)
	}
	a.m = New(t.Context(), Options{Course: a.course, Progress: a.store, Exam: f, ExamOptions: exampage.Options{Now: clock}})
	a.Driver = tuitest.NewDriver(t, a.m, w, h)
	return a
}

// examScreens are the exam screen's states the golden tests render. The
// clock is frozen, so no golden shows a moving countdown.
var examScreens = []struct {
	name  string
	mode  exam.Mode
	setUp bool
	block bool
	at    time.Duration
	run   func(t *testing.T, a *app)
}{
	{"exam-setup", exam.ModeExam, false, true, 0, func(t *testing.T, a *app) {}},
	{"exam-running", exam.ModeExam, true, false, 25 * time.Minute, func(t *testing.T, a *app) { a.Press("f", "down") }},
	{"exam-alert", exam.ModeExam, true, false, 106 * time.Minute, func(t *testing.T, a *app) { a.Press("down", "down") }},
	{"exam-confirm-end", exam.ModeExam, true, false, 40 * time.Minute, func(t *testing.T, a *app) { a.Press("f", "E") }},
	{"exam-training", exam.ModeTraining, true, false, 10 * time.Minute, func(t *testing.T, a *app) { a.Press("h", "c") }},
	{"exam-training-reset", exam.ModeTraining, true, false, 3 * time.Hour, func(t *testing.T, a *app) { a.Press("down", "r") }},
	{"exam-report", exam.ModeExam, true, false, 80 * time.Minute, func(t *testing.T, a *app) { a.Press("E", "y") }},
}

func TestExamScreens(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			for _, sc := range examScreens {
				t.Run(sc.name, func(t *testing.T) {
					f := newFakeExam(t, sc.mode, sc.setUp)
					if sc.block {
						f.block = make(chan struct{})
						defer close(f.block)
					}
					a := newExamApp(t, size.w, size.h, f, examStart.Add(sc.at))
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

// TestExamHidesResultsUntilTheEnd: in exam mode the hint and check keys
// do nothing and are not offered; training offers them.
func TestExamHidesResultsUntilTheEnd(t *testing.T) {
	f := newFakeExam(t, exam.ModeExam, true)
	a := newExamApp(t, 120, 40, f, examStart.Add(time.Minute))
	a.Press("?", "h", "c")
	a.lacks(t, "Hint 1", "Checks", "check now", "hint")
	a.contains(t, "flag for review", "end exam", "shell")
	tr := newExamApp(t, 120, 40, newFakeExam(t, exam.ModeTraining, true), examStart.Add(time.Minute))
	tr.Press("?")
	tr.contains(t, "hint", "check now", "reset exercise")
}

// TestExamFlagsAndJumpsAreSaved: flags and the current task are saved at
// once, so a resumed exam shows them.
func TestExamFlagsAndJumpsAreSaved(t *testing.T) {
	f := newFakeExam(t, exam.ModeExam, true)
	a := newExamApp(t, 80, 24, f, examStart.Add(time.Minute))
	a.Press("down", "down", "f", "up")
	last := f.lastSaved()
	if last.Current != 1 || !last.Tasks[2].Flagged || last.Tasks[0].Flagged {
		t.Errorf("saved current %d, flags %+v", last.Current, last.Tasks)
	}
	b := newExamApp(t, 80, 24, &fakeExam{st: &last, tasks: f.tasks}, examStart.Add(2*time.Minute))
	b.contains(t, "Task 2 of 3", "1 flagged")
}

// TestExamGradesWhenTimeRunsOut: a tick after the deadline grades the exam
// without a key, and a declined confirmation grades nothing.
func TestExamGradesWhenTimeRunsOut(t *testing.T) {
	f := newFakeExam(t, exam.ModeExam, true)
	a := newExamApp(t, 80, 24, f, examStart.Add(time.Hour))
	a.Press("E", "n")
	if f.graded != 0 {
		t.Fatal("a declined end graded the exam")
	}
	late := newFakeExam(t, exam.ModeExam, true)
	b := newExamApp(t, 80, 24, late, examStart.Add(2*time.Hour+time.Second))
	if !b.WaitFor("graded", 5*time.Second) {
		t.Fatalf("no report after the time ran out:\n%s", b.View())
	}
	if late.graded != 1 || !strings.Contains(b.View(), "time ran out") {
		t.Errorf("graded %d times:\n%s", late.graded, b.View())
	}
}

var _ common.ExamSession = (*fakeExam)(nil)

// TestExamAlerts: crossing 30 minutes left announces it on the status line
// and keeps it next to the countdown.
func TestExamAlerts(t *testing.T) {
	var mu sync.Mutex
	now := examStart.Add(89 * time.Minute)
	f := newFakeExam(t, exam.ModeExam, true)
	a := newExamAppWithClock(t, 100, 24, f, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	})
	a.lacks(t, "minutes left")
	mu.Lock()
	now = examStart.Add(91 * time.Minute)
	mu.Unlock()
	if !a.WaitFor("Exam: 30 minutes left.", 5*time.Second) {
		t.Fatalf("no alert:\n%s", a.View())
	}
	a.contains(t, "⚠ 30 minutes left", "0:29:00 left")
}

// TestExamNodeShellOnNodeTasks: the node shell is offered on node-level
// tasks only.
func TestExamNodeShellOnNodeTasks(t *testing.T) {
	f := newFakeExam(t, exam.ModeExam, true)
	f.tasks[2].Tier = lessons.TierNodeAccess
	a := newExamApp(t, 120, 40, f, examStart.Add(time.Minute))
	a.lacks(t, "node shell")
	a.Press("down", "down")
	a.contains(t, "N node shell")
}

// TestExamTaskTextIsRendered: the task pane renders the pack's Markdown as
// the exercise page does (no backticks, emphasis marks or heading marks
// left), names the task's context, and a hostile pack's escape sequences
// reach the screen as nothing.
func TestExamTaskTextIsRendered(t *testing.T) {
	f := newFakeExamOf(t, tuitest.HostileCourse(t), exam.ModeTraining, true)
	a := newExamApp(t, 120, 40, f, examStart.Add(time.Minute))
	a.Press("h")
	a.Stable(5 * time.Second)
	v := a.View()
	for _, want := range []string{"Task 1 of 3: Run your first pod", "kubectl config use-context exam-first-pod", "pod-1", "creates a pod from an image"} {
		if !strings.Contains(v, want) {
			t.Errorf("the task pane lacks %q:\n%s", want, v)
		}
	}
	for _, markup := range []string{"`", "**", "# Task", "*weight"} {
		if strings.Contains(v, markup) {
			t.Errorf("the task pane shows the markup %q:\n%s", markup, v)
		}
	}
	tuitest.NoControlSequences(t, v)
}

// TestTrainingIsUntimed: a training exam has no countdown and no time-out:
// hours past the pool's duration it is still running, counting the time
// used, and nothing is graded.
func TestTrainingIsUntimed(t *testing.T) {
	var mu sync.Mutex
	now := examStart.Add(3 * time.Hour)
	f := newFakeExam(t, exam.ModeTraining, true)
	a := newExamAppWithClock(t, 80, 24, f, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	})
	if !a.WaitFor("3:00:03 so far", 10*time.Second) {
		t.Fatalf("the training clock does not count the time used:\n%s", a.View())
	}
	a.contains(t, "untimed")
	a.lacks(t, "left", "Time is up", "graded")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.graded != 0 {
		t.Errorf("a training exam was graded %d times by the clock", f.graded)
	}
}

// TestTrainingChecksLive: training grades the current task live, without
// a key, and follows the learner to the next task; a reset asks first and
// starts the task's live checks over. Exam mode watches nothing.
func TestTrainingChecksLive(t *testing.T) {
	f := newFakeExam(t, exam.ModeTraining, true)
	a := newExamApp(t, 120, 40, f, examStart.Add(time.Minute))
	if !a.WaitFor("pod web exists", 5*time.Second) {
		t.Fatalf("no live checks in training:\n%s", a.View())
	}
	a.Press("down")
	if !a.WaitFor("Task 2 of 3", 5*time.Second) || !slices.Equal(waitWatched(f, 2), []int{0, 1}) {
		t.Fatalf("watched %v after moving to task 2:\n%s", f.watchedTasks(), a.View())
	}
	a.Press("r", "n")
	if f.resets != 0 {
		t.Fatal("a declined reset reset the task")
	}
	a.Press("r", "y")
	if !slices.Equal(waitWatched(f, 3), []int{0, 1, 1}) || f.resets != 1 {
		t.Errorf("after a reset: watched %v, %d resets", f.watchedTasks(), f.resets)
	}

	e := newFakeExam(t, exam.ModeExam, true)
	b := newExamApp(t, 120, 40, e, examStart.Add(time.Minute))
	b.Press("down", "r")
	b.Stable(2 * time.Second)
	if w := e.watchedTasks(); len(w) != 0 || e.resets != 0 {
		t.Errorf("exam mode watched %v and reset %d times", w, e.resets)
	}
	b.lacks(t, "Checks", "pod web exists")
}

// waitWatched waits until the fake has started n watches.
func waitWatched(f *fakeExam, n int) []int {
	deadline := time.Now().Add(5 * time.Second)
	for len(f.watchedTasks()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return f.watchedTasks()
}

// leftoverExams refuses a new exam while earlier exams' tasks are on the
// lab, until it is asked to clean them.
type leftoverExams struct {
	f     *fakeExam
	mu    sync.Mutex
	calls []bool
}

func (e *leftoverExams) Open(_ context.Context, clean bool) (common.ExamSession, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, clean)
	if !clean {
		return nil, &common.LeftoversError{Tasks: 2, Err: errors.New("tasks of an earlier exam are still on the lab")}
	}
	return e.f, nil
}

func (e *leftoverExams) opened() []bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bool(nil), e.calls...)
}

// TestNewExamAsksBeforeDeletingLeftovers: X on the course map over what an
// earlier exam left asks first; no keeps everything, yes cleans and opens
// the exam.
func TestNewExamAsksBeforeDeletingLeftovers(t *testing.T) {
	exams := &leftoverExams{f: newFakeExam(t, exam.ModeExam, true)}
	a := newApp(t, 80, 24, withLab(result.Pass), func(o *Options, _ *app) {
		o.Exams = exams
		o.ExamOptions = exampage.Options{Now: func() time.Time { return examStart.Add(time.Minute) }}
	})
	a.Stable(2 * time.Second)
	a.Press("X")
	if !a.WaitFor("Delete the 2 tasks left by earlier exams", 5*time.Second) {
		t.Fatalf("no question before deleting the leftovers:\n%s", a.View())
	}
	golden.RequireEqual(t, a.View())
	a.Press("n")
	a.Stable(time.Second)
	if got := exams.opened(); !slices.Equal(got, []bool{false}) {
		t.Fatalf("after no: opened %v", got)
	}
	a.lacks(t, "Delete the 2 tasks", "Task 1 of 3")
	a.Press("X")
	if !a.WaitFor("Delete the 2 tasks", 5*time.Second) {
		t.Fatal("no question the second time")
	}
	a.Press("y")
	if !a.WaitFor("Task 1 of 3", 5*time.Second) {
		t.Fatalf("yes did not open the exam:\n%s", a.View())
	}
	if got := exams.opened(); !slices.Equal(got, []bool{false, false, true}) {
		t.Errorf("opened %v, want a clean open after yes", got)
	}
}
