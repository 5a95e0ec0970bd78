package examrun_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/session/examrun"
)

func TestMain(m *testing.M) {
	code := m.Run()
	labtest.StopEnvtest()
	os.Exit(code)
}

const poolCourse = `format: kubedojo/v1
id: api-mock
title: API mock
version: 1.0.0
exam: {duration: 30m, passMark: 66, tasks: 3}
tracks:
  - id: tasks
    title: Tasks
    lessons:
      - id: config
        title: Configuration
        domain: workloads
        exercises: [settings-a, settings-b, settings-c]
`

// poolTask is an api-tier task: write two keys into ConfigMap settings of
// its namespace (a start state seeds the ConfigMap with neither).
func poolTask(name, ns string) string {
	return `id: ` + name + `
title: Settings ` + name + `
tier: api
weight: 5
namespaces: [` + ns + `]
task: |
  Set keys mode=fast (2 points) and level=3 in ConfigMap settings.
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings}
      data: {owner: exam}
checks:
  - id: mode
    points: 2
    title: mode is fast
    message: ConfigMap settings needs mode=fast
    field: {object: ConfigMap/settings, path: .data.mode, equals: fast}
  - id: level
    title: level is 3
    message: ConfigMap settings needs level=3
    field: {object: ConfigMap/settings, path: .data.level, equals: "3"}
hints:
  - kubectl edit
  - kubectl patch
solution:
  steps:
    - apply: |
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {owner: exam, mode: fast, level: "3"}
`
}

// threeTaskPool is poolCourse with its three tasks, in the namespaces
// PREFIX-ns-a, -b and -c.
func threeTaskPool(t *testing.T, prefix string) *lessons.Course {
	t.Helper()
	files := fstest.MapFS{"course.yaml": {Data: []byte(poolCourse)}}
	for _, x := range []string{"a", "b", "c"} {
		files["lessons/config/exercises/settings-"+x+".yaml"] = &fstest.MapFile{Data: []byte(poolTask("settings-"+x, prefix+"-ns-"+x))}
	}
	pool, err := lessons.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

// envtestRunner wires a runner to the shared envtest API server, with
// stateDir as the state directory.
func envtestRunner(t *testing.T, et *labtest.Envtest, pool *lessons.Course, stateDir string, now func() time.Time) *examrun.Runner {
	t.Helper()
	return examrun.New(envtestConfig(t, et, pool, stateDir, now))
}

// envtestConfig is the configuration of envtestRunner.
func envtestConfig(t *testing.T, et *labtest.Envtest, pool *lessons.Course, stateDir string, now func() time.Time) examrun.Config {
	t.Helper()
	kubeconfig, kubeContext, err := et.WriteKubeconfig(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	genv, err := checks.NewEnv(et.Config)
	if err != nil {
		t.Fatal(err)
	}
	genv.Kubeconfig = checks.Kubeconfig{Path: kubeconfig, LabContext: kubeContext}
	g := checks.NewGrader(genv)
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: filepath.Join(stateDir, "env"), KubeconfigPath: kubeconfig, Context: "envtest", Wait: g.WaitFor})
	if err != nil {
		t.Fatal(err)
	}
	genv.Baselines = session.Baselines(env)
	return examrun.Config{
		Pool: pool, Store: exam.NewStore(stateDir), Env: env, Grader: g,
		Kubeconfig: kubeconfig, Context: kubeContext, Now: now,
	}
}

// TestExamOnEnvtest takes a short exam on a real API server: the draw
// records it, every task is set up before the clock starts with a context
// of its own, a killed kubedojo resumes it with the clock running from
// the recorded start, and grading gives partial credit per check, saves
// the report and the history and ends the exam.
func TestExamOnEnvtest(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	pool, err := lessons.Load(fstest.MapFS{
		"course.yaml": {Data: []byte(poolCourse)},
		"lessons/config/exercises/settings-a.yaml": {Data: []byte(poolTask("settings-a", "exam-ns-a"))},
		"lessons/config/exercises/settings-b.yaml": {Data: []byte(poolTask("settings-b", "exam-ns-b"))},
		"lessons/config/exercises/settings-c.yaml": {Data: []byte(poolTask("settings-c", "exam-ns-c"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	stateDir := t.TempDir()
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	r := envtestRunner(t, et, pool, stateDir, now)
	st, err := r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Tasks) != 3 || st.Duration.D() != 30*time.Minute || !st.Started.IsZero() {
		t.Fatalf("started %+v", st)
	}
	if _, err := r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam}); !errors.Is(err, examrun.ErrInProgress) {
		t.Fatalf("a second exam while one is in progress: %v", err)
	}
	// Each task's shells start in its context, whose namespace is the task's.
	for _, task := range st.Tasks {
		cfg, err := clientcmd.LoadFromFile(r.TaskKubeconfig(st, task.Context))
		if err != nil {
			t.Fatal(err)
		}
		ex := pool.Exercise(task.ID)
		if cfg.CurrentContext != task.Context || cfg.Contexts[task.Context].Namespace != ex.DefaultNamespace() || len(cfg.Contexts) != 4 {
			t.Errorf("kubeconfig of %s: current %q, contexts %v", task.ID, cfg.CurrentContext, cfg.Contexts)
		}
	}

	var events []exam.SetupEvent
	if err := r.SetUp(ctx, st, func(e exam.SetupEvent) { events = append(events, e) }); err != nil {
		t.Fatal(err)
	}
	if !st.SetUpDone() || !st.Started.Equal(clock) || len(events) != 6 || events[len(events)-1].Ready != 3 {
		t.Fatalf("after setup: %+v, events %+v", st, events)
	}

	// The learner solves the first task fully and half of the second, in
	// the second's namespace; the third stays as it was.
	kube := kubernetes.NewForConfigOrDie(et.Config)
	exs, err := r.Tasks(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	patch := func(ex *lessons.Exercise, data map[string]string) {
		cm, err := kube.CoreV1().ConfigMaps(ex.DefaultNamespace()).Get(ctx, "settings", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range data {
			cm.Data[k] = v
		}
		if _, err := kube.CoreV1().ConfigMaps(ex.DefaultNamespace()).Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	patch(exs[0], map[string]string{"mode": "fast", "level": "3"})
	patch(exs[1], map[string]string{"mode": "fast"})
	// Work done in the wrong namespace scores nothing.
	if _, err := kube.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "settings-"}, Data: map[string]string{"mode": "fast", "level": "3"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// kubedojo is killed; a new one resumes 20 minutes later.
	clock = clock.Add(20 * time.Minute)
	resumed := envtestRunner(t, et, pool, stateDir, now)
	back, err := resumed.Active()
	if err != nil {
		t.Fatal(err)
	}
	if back.Clock().Remaining(clock) != 10*time.Minute {
		t.Fatalf("resumed with %s left, want 10m", back.Clock().Remaining(clock))
	}
	// It is graded after the time ran out.
	clock = clock.Add(15 * time.Minute)
	res, err := resumed.Grade(ctx, back, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.TimedOut || res.TimeUsed.D() != 30*time.Minute {
		t.Errorf("graded late: timed out %v, used %s", res.TimedOut, res.TimeUsed.D())
	}
	byID := map[string]exam.TaskResult{}
	for _, tr := range res.Tasks {
		byID[tr.ID] = tr
	}
	if a := byID[exs[0].ID]; a.Earned != 3 || a.Possible != 3 || a.Solution == nil {
		t.Errorf("solved task: %+v", a)
	}
	if b := byID[exs[1].ID]; b.Earned != 2 || b.Possible != 3 || b.Checks[1].Status != exam.CheckFail || !strings.Contains(b.Checks[1].Detail, "3") {
		t.Errorf("half-solved task: %+v", b)
	}
	if c := byID[exs[2].ID]; c.Earned != 0 {
		t.Errorf("untouched task: %+v", c)
	}
	// (5*3/3 + 5*2/3 + 0) / 15 = 55.6 %
	if res.Outcome != exam.Failed || res.Percent < 55.5 || res.Percent > 55.6 {
		t.Errorf("verdict %s", res.Verdict())
	}
	if st, _ := resumed.Store().Active(); st != nil {
		t.Error("the graded exam is still in progress")
	}
	if h, _ := resumed.Store().History(); len(h) != 1 || h[0].ID != res.ID {
		t.Errorf("history %+v", h)
	}
	if _, err := os.Stat(resumed.Store().ReportPath(res.ID, "md")); err != nil {
		t.Error(err)
	}
}

// TestNewExamKeepsLeftovers: a new exam never deletes what an earlier one
// left on the lab. Starting it while a graded exam's tasks are still there
// is refused with the way out (kubedojo exam clean, or --clean), the
// learner's work stays, and cleaning removes the pool's tasks only.
func TestNewExamKeepsLeftovers(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	pool := threeTaskPool(t, "left")
	stateDir := t.TempDir()
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r := envtestRunner(t, et, pool, stateDir, func() time.Time { return clock })
	kube := kubernetes.NewForConfigOrDie(et.Config)
	st, err := r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetUp(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	// The learner's work, and a namespace of someone else's.
	cm, err := kube.CoreV1().ConfigMaps("left-ns-a").Get(ctx, "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data["mode"] = "fast"
	if _, err := kube.CoreV1().ConfigMaps("left-ns-a").Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "left-not-exam"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Grade(ctx, st, nil); err != nil {
		t.Fatal(err)
	}

	clock = clock.Add(time.Hour)
	_, err = r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 2})
	if !errors.Is(err, examrun.ErrLeftovers) || !strings.Contains(err.Error(), "kubedojo exam clean") || !strings.Contains(err.Error(), "--clean") {
		t.Fatalf("a new exam over the last one's tasks: %v", err)
	}
	if st, _ := r.Store().Active(); st != nil {
		t.Fatalf("a refused exam was recorded: %+v", st)
	}
	if cm, err := kube.CoreV1().ConfigMaps("left-ns-a").Get(ctx, "settings", metav1.GetOptions{}); err != nil || cm.Data["mode"] != "fast" {
		t.Fatalf("the learner's work after the refusal: %v %v", cm.Data, err)
	}
	left, err := r.Leftovers(ctx)
	if err != nil || len(left) != 3 {
		t.Fatalf("leftovers %v %v", ids(left), err)
	}

	// --clean: the leftovers go, the other namespace stays, the exam starts.
	st, err = r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 2, Clean: true})
	if err != nil {
		t.Fatal(err)
	}
	if left, err := r.Leftovers(ctx); err != nil || len(left) != 0 {
		t.Errorf("leftovers after --clean: %v %v", ids(left), err)
	}
	if ns, err := kube.CoreV1().Namespaces().Get(ctx, "left-not-exam", metav1.GetOptions{}); err != nil || ns.DeletionTimestamp != nil {
		t.Errorf("a namespace no exam made: %v %v", ns, err)
	}
	if err := r.SetUp(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
}

func ids(exs []*lessons.Exercise) []string {
	var out []string
	for _, ex := range exs {
		out = append(out, ex.ID)
	}
	return out
}

// TestSetUpPreloadsThePoolsImagesFirst: the pool's images (redis:7 among
// them) are copied into the nodes once, before any task is set up and
// before the clock starts; a resumed exam that is set up loads nothing.
func TestSetUpPreloadsThePoolsImagesFirst(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	course := strings.Replace(poolCourse, "exam: {", "images: [busybox:1.36, nginx:1.27, redis:7]\nexam: {", 1)
	pool, err := lessons.Load(fstest.MapFS{
		"course.yaml": {Data: []byte(course)},
		"lessons/config/exercises/settings-a.yaml": {Data: []byte(poolTask("settings-a", "img-ns-a"))},
		"lessons/config/exercises/settings-b.yaml": {Data: []byte(poolTask("settings-b", "img-ns-b"))},
		"lessons/config/exercises/settings-c.yaml": {Data: []byte(poolTask("settings-c", "img-ns-c"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	stateDir := t.TempDir()
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	cfg := envtestConfig(t, et, pool, stateDir, func() time.Time { return clock })
	var order []string
	var st *exam.State
	cfg.Preload = func(_ context.Context, images []string) error {
		order = append(order, "preload "+strings.Join(images, " "))
		if st != nil && !st.Started.IsZero() {
			order = append(order, "clock running")
		}
		return nil
	}
	r := examrun.New(cfg)
	if st, err = r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	err = r.SetUp(ctx, st, func(e exam.SetupEvent) {
		if e.Phase == "setup" && !e.Done {
			order = append(order, "setup")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"preload busybox:1.36 nginx:1.27 redis:7", "setup", "setup", "setup"}
	if !slices.Equal(order, want) {
		t.Errorf("setup order %q, want %q", order, want)
	}
	order = nil
	if err := r.SetUp(ctx, st, nil); err != nil || len(order) != 0 {
		t.Errorf("a set-up exam set up again: %q %v", order, err)
	}
	if _, err := r.Grade(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Clean(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// TestCleanReportsWhatWasOnTheLab: exam clean names the tasks it found on
// the lab, a task whose namespace the learner deleted among them (its
// record says what to put back), and a second clean finds nothing, even
// though the last exam's result still lists its tasks.
func TestCleanReportsWhatWasOnTheLab(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	pool := threeTaskPool(t, "clean")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	r := envtestRunner(t, et, pool, t.TempDir(), func() time.Time { return clock })
	st, err := r.Start(ctx, examrun.StartOptions{Mode: exam.ModeExam, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetUp(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	res, err := r.Grade(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	kube := kubernetes.NewForConfigOrDie(et.Config)
	if err := kube.CoreV1().Namespaces().Delete(ctx, "clean-ns-b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	cleaned, err := r.Clean(ctx, res)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cleaned); len(got) != 3 {
		t.Errorf("first clean removed %v, want the exam's 3 tasks", got)
	}
	cleaned, err = r.Clean(ctx, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(cleaned) != 0 {
		t.Errorf("a second clean reports %v; nothing was left on the lab", ids(cleaned))
	}
}
