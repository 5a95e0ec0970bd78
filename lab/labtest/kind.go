package labtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/config"
	"github.com/kubedojo/kubedojo/lessons"
)

// KindImages are the learner images RequireKindLab preloads: every image
// the built-in course and the exam pool use.
var KindImages = []string{"busybox:1.36", "nginx:1.27", "redis:7"}

// KindWorkers is the number of worker nodes of the shared e2e lab: the
// course's two-node exercises (taints, drains, node selectors) need one.
const KindWorkers = 1

// RequireKind skips (fails in CI) unless kind clusters can be made here: a
// container engine answers and $KUBEDOJO_NODE_IMAGE names the node image.
// Tests pass the image explicitly so that they never pull kind's default.
func RequireKind(tb testing.TB) {
	tb.Helper()
	if os.Getenv(config.NodeImage.Env) == "" {
		Unavailable(tb, "kind", config.NodeImage.Env+" is not set (the kind node image to use, e.g. local/kind-node:v1.33.13)")
	}
	l, err := lab.New(lab.Config{StateDir: tb.TempDir(), NodeImage: os.Getenv(config.NodeImage.Env)})
	if err != nil {
		tb.Fatalf("kind tier: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := l.Preflight(ctx); err != nil {
		Unavailable(tb, "kind", err.Error())
	}
}

// EnvSharedLab names the kind lab that e2e tests share instead of
// kubedojo-e2e (a lab of one's own on a machine several people share).
const EnvSharedLab = "KUBEDOJO_E2E_LAB"

// SharedLabName is the kind lab e2e tests share: $KUBEDOJO_E2E_LAB, else
// kubedojo-e2e.
func SharedLabName() string {
	if name := os.Getenv(EnvSharedLab); name != "" {
		return name
	}
	return "kubedojo-e2e"
}

// KindLabStateDir is the state directory RequireKindLab uses for a lab, the
// same in every test binary so that they share the cluster.
func KindLabStateDir(name string) string {
	return filepath.Join(os.TempDir(), "kubedojo-labtest", name)
}

// RequireKindLab brings up, or reuses, kubedojo's kind lab with this name,
// with KindWorkers workers and KindImages preloaded, and returns it. It
// registers no teardown: the caller decides whether the lab outlives the
// test (Down deletes it). Test binaries running at the same time wait for
// each other's Up.
func RequireKindLab(tb testing.TB, name string) *lab.Lab {
	tb.Helper()
	RequireKind(tb)
	l, took, err := UpKindLab(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Logf("kind lab %s ready in %s", name, took.Round(time.Millisecond))
	return l
}

// UpKindLab is RequireKindLab for a caller that has already called
// RequireKind and brings several labs up at once (from goroutines, where
// a test may not fail): it returns the error instead, and how long Up took.
// It also installs the add-ons named (lab.AddonsFor the exercises the
// caller will run there); a lab keeps add-ons an earlier caller installed.
func UpKindLab(name string, addons ...string) (*lab.Lab, time.Duration, error) {
	state := KindLabStateDir(name)
	if err := os.MkdirAll(state, 0o700); err != nil {
		return nil, 0, fmt.Errorf("kind lab %s: %w", name, err)
	}
	unlock, err := lockFile(filepath.Join(state, ".lock"))
	if err != nil {
		return nil, 0, fmt.Errorf("kind lab %s: %w", name, err)
	}
	defer unlock()
	// A test lab holds no learner's work: a broken one is recreated.
	l, err := lab.New(lab.Config{Name: name, StateDir: state, NodeImage: os.Getenv(config.NodeImage.Env), Images: KindImages, Addons: func() []string { return addons }, Workers: KindWorkers, Recreate: true})
	if err != nil {
		return nil, 0, fmt.Errorf("kind lab %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	err = l.Up(ctx, nil)
	if errors.Is(err, lab.ErrLeftBroken) {
		err = repairLeftBroken(ctx, l)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("bring up kind lab %s: %w", name, err)
	}
	return l, time.Since(start), nil
}

// LockExamTasks keeps the exam pool's tasks on kind lab name to the
// caller until unlock: an exam takes them exclusively (shared false),
// since it sets up and grades the pool's tasks and counts any of them on
// the lab as left by an earlier exam; verifying the tasks one by one takes
// them shared, beside other verifications. Test binaries of different
// packages run at the same time on the shared lab. It returns the error
// instead of failing, for callers in goroutines.
func LockExamTasks(name string, shared bool) (unlock func(), err error) {
	state := KindLabStateDir(name)
	if err := os.MkdirAll(state, 0o700); err != nil {
		return nil, fmt.Errorf("kind lab %s: %w", name, err)
	}
	lock := lockFile
	if shared {
		lock = lockFileShared
	}
	unlock, err = lock(filepath.Join(state, "exam-tasks.lock"))
	if err != nil {
		return nil, fmt.Errorf("kind lab %s: %w", name, err)
	}
	return unlock, nil
}

// repairLeftBroken repairs what a test run stopped half-way left broken
// on a node (a kubelet pointed at a missing runtime), as lab reset does: a
// test lab holds no learner's attempt to keep. Only then is the course
// decoded, to find the exercise whose cleanup repairs it.
func repairLeftBroken(ctx context.Context, l *lab.Lab) error {
	builtIn, err := builtInExercises()
	if err != nil {
		return err
	}
	rep, err := l.Repair(ctx, builtIn, true, nil)
	if err == nil {
		err = rep.Err()
	}
	if err != nil {
		return err
	}
	return l.Up(ctx, nil)
}

// builtInExercises are the built-in course's exercises and the exam pool's
// tasks: those whose breakage a test lab may hold.
func builtInExercises() ([]*lessons.Exercise, error) {
	var out []*lessons.Exercise
	for _, fsys := range []func() fs.FS{assets.Course, assets.ExamPool} {
		c, err := lessons.LoadValidated(fsys())
		if err != nil {
			return nil, fmt.Errorf("built-in course: %w", err)
		}
		out = append(out, c.Exercises()...)
	}
	return out, nil
}
