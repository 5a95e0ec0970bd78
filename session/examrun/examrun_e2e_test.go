package examrun_test

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/session/examrun"
)

// sharedLabTask keeps a draw on the shared e2e lab to tasks that leave the
// cluster's shared components alone (other packages' tests use the lab at
// the same time).
func sharedLabTask(ex *lessons.Exercise) bool { return !ex.Breaking() }

// shortExamSeed finds the first seed whose 3-task draw holds an api and a
// kubelet task and nothing else, so the test is the same on every run.
func shortExamSeed(t *testing.T, pool *lessons.Course) uint64 {
	t.Helper()
	tiers := func(ex *lessons.Exercise) bool {
		return sharedLabTask(ex) && (ex.Tier == lessons.TierAPI || ex.Tier == lessons.TierKubelet)
	}
	for seed := range uint64(1000) {
		drawn, err := exam.Draw(pool, exam.DrawOptions{Seed: seed, Tasks: 3, Eligible: tiers})
		if err != nil {
			t.Fatal(err)
		}
		has := map[lessons.Tier]bool{}
		for _, ex := range drawn {
			has[ex.Tier] = true
		}
		if has[lessons.TierAPI] && has[lessons.TierKubelet] {
			return seed
		}
	}
	t.Fatal("no seed draws an api and a kubelet task")
	return 0
}

// TestShortExamOnKind takes a 3-task exam of the built-in pool (api and
// kubelet tiers) end to end on the shared kind lab: setup before the
// clock, two tasks solved with their reference solutions in their own
// namespaces, grading with partial credit, and the tasks cleaned up.
func TestShortExamOnKind(t *testing.T) {
	l := labtest.RequireKindLab(t, labtest.SharedLabName())
	// The kind tier's verification (checks) sets the same tasks up on the
	// shared lab.
	unlock, err := labtest.LockExamTasks(labtest.SharedLabName(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	pool, err := lessons.Load(assets.ExamPool())
	if err != nil {
		t.Fatal(err)
	}
	seed := shortExamSeed(t, pool)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	s, err := session.Connect(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	r := examrun.FromLab(s, pool, "", exam.NewStore(t.TempDir()))
	// Clean: a test run that was stopped half-way leaves its tasks on the
	// shared test lab, which holds no learner's work (that a new exam
	// keeps a learner's is TestNewExamKeepsLeftovers).
	st, err := r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: seed, Tasks: 3, Duration: 20 * time.Minute, Clean: true,
		Eligible: func(ex *lessons.Exercise) bool {
			return sharedLabTask(ex) && (ex.Tier == lessons.TierAPI || ex.Tier == lessons.TierKubelet)
		}})
	if err != nil {
		t.Fatal(err)
	}
	exs, err := st.Exercises(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanExam(t, r, st)
	start := time.Now()
	if err := r.SetUp(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %d tasks set up in %s: %s, %s, %s", seed, len(exs), time.Since(start).Round(time.Millisecond), exs[0].ID, exs[1].ID, exs[2].ID)
	if st.Started.IsZero() {
		t.Fatal("the clock did not start after the setup")
	}
	for _, ex := range exs[:2] {
		if err := s.Env.ApplySolution(ctx, ex); err != nil {
			t.Fatalf("solve %s: %v", ex.ID, err)
		}
	}
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	t.Logf("memory during the exam: heap in use %d MiB, from the OS %d MiB", mem.HeapInuse>>20, mem.Sys>>20)
	start = time.Now()
	res, err := r.Grade(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("graded in %s: %s", time.Since(start).Round(time.Millisecond), res.Verdict())
	for i, tr := range res.Tasks {
		switch {
		case i < 2 && !tr.Solved():
			t.Errorf("task %d (%s) was solved and scored %d/%d: %+v", i+1, tr.ID, tr.Earned, tr.Possible, tr.Checks)
		case i == 2 && tr.Solved():
			t.Errorf("task 3 (%s) was left alone and scored %d/%d", tr.ID, tr.Earned, tr.Possible)
		}
		for _, c := range tr.Checks {
			if c.Status == exam.CheckError {
				t.Errorf("task %d check %s could not be graded: %s", i+1, c.ID, c.Detail)
			}
		}
	}
	if res.TimedOut || res.Percent <= 0 || res.Percent >= 100 {
		t.Errorf("verdict %s (timed out %v)", res.Verdict(), res.TimedOut)
	}
}

// TestSetUpFullExamOnKind measures the setup of a 17-task exam on the
// shared lab, with the tasks that break nothing (KUBEDOJO_EXAM_BENCH=1:
// it takes minutes, so CI does not run it).
func TestSetUpFullExamOnKind(t *testing.T) {
	if os.Getenv("KUBEDOJO_EXAM_BENCH") == "" {
		t.Skip("set KUBEDOJO_EXAM_BENCH=1 to measure the setup of a 17-task exam on the shared lab")
	}
	l := labtest.RequireKindLab(t, labtest.SharedLabName())
	pool, err := lessons.Load(assets.ExamPool())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	s, err := session.Connect(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	r := examrun.FromLab(s, pool, "", exam.NewStore(t.TempDir()))
	st, err := r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 1, Tasks: 17, Eligible: sharedLabTask})
	if err != nil {
		t.Fatal(err)
	}
	defer cleanExam(t, r, st)
	var peak uint64
	done := make(chan struct{})
	go func() {
		var mem runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
				runtime.ReadMemStats(&mem)
				peak = max(peak, mem.Sys)
			}
		}
	}()
	start := time.Now()
	err = r.SetUp(ctx, st, func(e exam.SetupEvent) {
		if e.Done {
			t.Logf("%6.1fs [%d/%d] %s %v", time.Since(start).Seconds(), e.Ready, e.Total, e.ID, e.Err)
		}
	})
	setup := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	res, err := r.Grade(ctx, st, nil)
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range res.Tasks {
		for _, c := range tr.Checks {
			if c.Status == exam.CheckError || c.Status == exam.CheckSkipped {
				t.Logf("%s %s: %s: %s", tr.ID, c.ID, c.Status, c.Detail)
			}
		}
	}
	t.Logf("17 tasks: set up in %s, graded (start states) in %s, %s; peak memory from the OS %d MiB; per domain %+v",
		setup.Round(time.Second), time.Since(start).Round(time.Second), res.Verdict(), peak>>20, exam.DomainCounts(mustExercises(t, st, pool)))
}

// cleanExam removes an exam's tasks from the shared lab, whatever
// happened in the test.
func cleanExam(t *testing.T, r *examrun.Runner, st *exam.State) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := r.CleanTasks(ctx, mustExercises(t, st, r.Pool())); err != nil {
		t.Errorf("clean up: %v", err)
	}
}

func mustExercises(t *testing.T, st *exam.State, pool *lessons.Course) []*lessons.Exercise {
	exs, err := st.Exercises(pool)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}
