package examrun_test

import (
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/session/examrun"
)

// TestKubeconfigChecksOfLessonsKeepTheirFile: a runner on a grader shared
// with the course points only the exam's tasks at the exam's kubeconfigs;
// a lesson exercise keeps reading its own, also while an exam runs.
func TestKubeconfigChecksOfLessonsKeepTheirFile(t *testing.T) {
	pool, err := lessons.Load(fstest.MapFS{
		"course.yaml": {Data: []byte(poolCourse)},
		"lessons/config/exercises/settings-a.yaml": {Data: []byte(poolTask("settings-a", "exam-ns-a"))},
		"lessons/config/exercises/settings-b.yaml": {Data: []byte(poolTask("settings-b", "exam-ns-b"))},
		"lessons/config/exercises/settings-c.yaml": {Data: []byte(poolTask("settings-c", "exam-ns-c"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &rest.Config{Host: "https://127.0.0.1:1"}
	genv, err := checks.NewEnv(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lessonFile := func(ex *lessons.Exercise) string { return "/shells/" + ex.ID }
	genv.Kubeconfig = checks.Kubeconfig{Path: "/lab/kubeconfig", ForExercise: lessonFile, LabContext: "kind-lab"}
	env, err := lab.NewEnvironment(cfg, lab.EnvOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store := exam.NewStore(t.TempDir())
	r := examrun.New(examrun.Config{Pool: pool, Store: store, Env: env, Grader: checks.NewGrader(genv)})
	drawn := pool.Exercises()[:1]
	st := exam.NewState(pool, "", drawn, exam.ModeExam, 1, time.Hour, time.Now())
	if err := store.Save(st); err != nil {
		t.Fatal(err)
	}
	lesson := &lessons.Exercise{ID: "pods/first-pod"}
	if got := genv.Kubeconfig.PathFor(lesson); got != "/shells/pods/first-pod" {
		t.Errorf("a lesson exercise reads %s during an exam", got)
	}
	if got, want := genv.Kubeconfig.PathFor(drawn[0]), r.TaskKubeconfig(st, st.Tasks[0].Context); got != want || filepath.Base(got) != "exam-settings-a.kubeconfig" {
		t.Errorf("the exam task reads %s, want %s", got, want)
	}
	if got := genv.Kubeconfig.PathFor(pool.Exercises()[1]); got != "/shells/config/settings-b" {
		t.Errorf("a pool task not in the exam reads %s", got)
	}
}
