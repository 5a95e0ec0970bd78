package session_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// classOnEnvtest creates a class of two learners with the exercises of
// sel (envtest never finishes deleting a namespace: each test names its
// own learners), and returns the instructor's client, the class and
// the directory of the learners' kubeconfigs.
func classOnEnvtest(t *testing.T, course *lessons.Course, sel string, learners ...string) (kubernetes.Interface, *class.Record, string) {
	t.Helper()
	e := labtest.RequireEnvtest(t)
	cs, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	picked, err := class.Select(course, sel)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	name := "s" + strings.ToLower(strings.ReplaceAll(t.Name(), "Test", ""))
	if len(name) > 20 {
		name = name[:20]
	}
	name = strings.Trim(name, "-")
	rec := class.Record{Name: name, Learners: learners, Exercises: class.RecordExercises(picked.Exercises), Created: now, Expires: now.Add(2 * time.Hour)}
	dir := t.TempDir()
	c := class.Cluster{Client: cs, Config: e.Config}
	if _, err := class.Create(context.Background(), c, rec, class.CreateOptions{Budget: class.DefaultBudget(), Dir: dir}); err != nil {
		t.Fatalf("class create: %v", err)
	}
	t.Cleanup(func() {
		if _, err := class.Delete(context.Background(), cs, rec.Name); err != nil {
			t.Errorf("class delete: %v", err)
		}
	})
	return cs, &rec, dir
}

func builtinCourse(t *testing.T) *lessons.Course {
	t.Helper()
	c, err := lessons.LoadValidated(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A class learner works on the shared cluster with their kubeconfig
// alone: the exercise shows their namespace, sets up and grades there
// under their token, and the board sees their progress.
func TestClassLearnerSession(t *testing.T) {
	ctx := context.Background()
	course := builtinCourse(t)
	const id = "kubectl-objects/label-query"
	cs, rec, dir := classOnEnvtest(t, course, id+",services/externalname", "alice", "bob")

	s, err := session.ConnectClass(ctx, class.KubeconfigFile(dir, "alice", false), t.TempDir(), course)
	if err != nil {
		t.Fatalf("connect as alice: %v", err)
	}
	ex := course.Exercise(id)
	if ex.DefaultNamespace() != "alice-obj-3" {
		t.Fatalf("exercise namespace %s, want alice-obj-3", ex.DefaultNamespace())
	}
	dns := course.Exercise("services/externalname")
	if !strings.Contains(dns.Task, "`ext-db.alice-svc-5.svc.cluster.local`") || !strings.Contains(dns.Hints[2], "kubectl -n alice-svc-5 create") {
		t.Errorf("services/externalname is not mapped:\n%s\n%s", dns.Task, dns.Hints[2])
	}
	for what, text := range map[string]string{"task": ex.Task, "solution": ex.Solution.Steps[0].Run} {
		if !strings.Contains(text, "alice-obj-3") {
			t.Errorf("%s does not name alice-obj-3:\n%s", what, text)
		}
		if strings.Contains(strings.ReplaceAll(text, "alice-obj-3", ""), "obj-3") {
			t.Errorf("%s still names obj-3:\n%s", what, text)
		}
	}
	if err := s.Unavailable(ctx, ex); err != nil {
		t.Fatalf("unavailable: %v", err)
	}
	if err := s.Prepare(ctx, ex); err != nil {
		t.Fatalf("set up as alice: %v", err)
	}
	if _, err := cs.CoreV1().ConfigMaps("alice-obj-3").Get(ctx, "cm-01", metav1.GetOptions{}); err != nil {
		t.Fatalf("the start state is not in alice's namespace: %v", err)
	}
	if _, err := cs.CoreV1().ConfigMaps("bob-obj-3").Get(ctx, "cm-01", metav1.GetOptions{}); err == nil {
		t.Fatal("alice's setup reached bob's namespace")
	}

	// What kubedojo check and the TUI do with each decided grading.
	evaluate := func() result.Report {
		t.Helper()
		r := s.Grader.Evaluate(ctx, ex)
		if ep, ok := session.ClassProgress(r); ok {
			if err := s.Class.Report(ctx, ex.ID, ep); err != nil {
				t.Errorf("report under alice's token: %v", err)
			}
		}
		return r
	}
	r := evaluate()
	if r.Outcome() != result.Unsolved {
		t.Fatalf("before the solution: %v\n%+v", r.Outcome(), r.Results)
	}
	// The grader's own words name the object it read in alice's namespace.
	if d := r.Results[0].Detail; !strings.Contains(d, "alice-obj-3") {
		t.Errorf("detail of %s does not name alice-obj-3: %s (message %s)", r.Results[0].ID, d, r.Results[0].Message)
	}
	board := func() class.ExerciseProgress {
		t.Helper()
		cm, err := cs.CoreV1().ConfigMaps(class.Namespace(rec.Name)).Get(ctx, class.ProgressName("alice"), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := class.DecodeProgress(cm)
		if err != nil {
			t.Fatal(err)
		}
		return p.Exercises[id]
	}
	if st := board(); st.State != class.StateFailing {
		t.Fatalf("board after a failing check: %+v", st)
	}

	if err := s.Env.ApplySolution(ctx, ex); err != nil {
		t.Fatalf("reference solution under alice's token: %v", err)
	}
	r = evaluate()
	if r.Outcome() != result.Solved {
		t.Fatalf("after the solution: %v\n%+v", r.Outcome(), r.Results)
	}
	if st := board(); st.State != class.StateDone {
		t.Fatalf("board after solving: %+v", st)
	}

	// A reset empties alice's namespace of her work and the start state
	// and sets it up again; the class's objects stay. It returns once her
	// work is gone, not while it is still being deleted (a finalizer
	// holds one object for a second, as a terminating pod would be).
	held := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "held", Finalizers: []string{"kubedojo.dev/test-hold"}}}
	if _, err := cs.CoreV1().ConfigMaps("alice-obj-3").Create(ctx, held, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(time.Second)
		_, _ = cs.CoreV1().ConfigMaps("alice-obj-3").Patch(ctx, "held", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
	}()
	if err := s.Env.Reset(ctx, ex); err != nil {
		t.Fatalf("reset as alice: %v", err)
	}
	if _, err := cs.CoreV1().ConfigMaps("alice-obj-3").Get(ctx, "held", metav1.GetOptions{}); err == nil {
		t.Error("reset returned while alice's work was still being deleted")
	}
	if _, err := cs.CoreV1().ConfigMaps("alice-obj-3").Get(ctx, "answers", metav1.GetOptions{}); err == nil {
		t.Error("reset kept alice's answers")
	}
	if _, err := cs.NetworkingV1().NetworkPolicies("alice-obj-3").Get(ctx, "kubedojo-class", metav1.GetOptions{}); err != nil {
		t.Errorf("reset removed the class's fence: %v", err)
	}
	if r := s.Grader.Evaluate(ctx, ex); r.Outcome() != result.Unsolved {
		t.Errorf("after reset: %v", r.Outcome())
	}
}

// Exercises class mode cannot run, or that the class does not hold, are
// unavailable with the reason.
func TestClassLearnerUnavailable(t *testing.T) {
	ctx := context.Background()
	course := builtinCourse(t)
	_, _, dir := classOnEnvtest(t, course, "services/externalname", "carol", "dave")
	s, err := session.ConnectClass(ctx, class.KubeconfigFile(dir, "dave", false), filepath.Join(t.TempDir(), "state"), course)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"kubectl-objects/namespace-labels": "cannot create namespaces",
		"kubectl-objects/label-query":      "does not include it",
	} {
		err := s.Unavailable(ctx, course.Exercise(id))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want unavailable because %q", id, err, want)
		}
		if err != nil && !errorsIsUnavailable(err) {
			t.Errorf("%s: %v is not lab.ErrUnavailable", id, err)
		}
	}
	var clusterScoped *lessons.Exercise
	for _, ex := range course.Exercises() {
		if why := class.Unavailable(ex); strings.Contains(why, "cluster-scoped") {
			clusterScoped = ex
			break
		}
	}
	if err := s.Unavailable(ctx, clusterScoped); err == nil || !strings.Contains(err.Error(), "cluster-scoped") {
		t.Errorf("%s: %v", clusterScoped.ID, err)
	}
	if r := session.ErrorReport(clusterScoped, s.Unavailable(ctx, clusterScoped)); r.Outcome() != result.Unavailable {
		t.Errorf("report of %s: %v", clusterScoped.ID, r.Outcome())
	}
	// Graded anyway (as a script could), what the learner's token may not
	// read is an environment error, never a wrong answer, and it does not
	// send a learner looking for cluster-admin.
	r := s.Grader.Evaluate(ctx, clusterScoped)
	for _, res := range r.Results {
		if res.Status == result.Fail {
			t.Errorf("%s: check %s failed under a token that may not read it: %s", clusterScoped.ID, res.ID, res.Detail)
		}
		if res.Status == result.Error && strings.Contains(res.Detail, "use a kubeconfig with cluster-admin") {
			t.Errorf("%s: %s", res.ID, res.Detail)
		}
	}
	if _, err := session.ConnectClass(ctx, class.KubeconfigFile(dir, "dave", true), t.TempDir(), course); err == nil || !strings.Contains(err.Error(), "dave.kubeconfig") {
		t.Errorf("the reporter's kubeconfig: %v", err)
	}
}

func errorsIsUnavailable(err error) bool { return errors.Is(err, lab.ErrUnavailable) }
