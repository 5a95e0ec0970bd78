package lab

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/cluster/nodes"

	"github.com/kubedojo/kubedojo/lessons"
)

var (
	kubeletDown     = &lessons.Exercise{ID: "control-plane/kubelet-down"}
	brokenScheduler = &lessons.Exercise{ID: "control-plane/broken-scheduler"}
	restoreEtcd     = &lessons.Exercise{ID: "etcd-backup/restore"}
	destructive     = []*lessons.Exercise{kubeletDown, brokenScheduler, restoreEtcd}
)

func TestPlanRepairsRepairsOnlyWhatCannotBeContinued(t *testing.T) {
	setUp := func(ids ...string) func(*lessons.Exercise) bool {
		return func(ex *lessons.Exercise) bool {
			for _, id := range ids {
				if ex.ID == id {
					return true
				}
			}
			return false
		}
	}
	left := func(labels ...string) []Leftover {
		var out []Leftover
		for _, l := range labels {
			out = append(out, Leftover{Exercise: l, Node: "kd-control-plane"})
		}
		return out
	}
	cases := []struct {
		name   string
		left   []Leftover
		setUp  func(*lessons.Exercise) bool
		apiUp  bool
		always bool
		want   map[string]RepairAction
	}{
		{"an attempt in progress on a serving lab is kept", left("control-plane.kubelet-down"), setUp("control-plane/kubelet-down"), true, false,
			map[string]RepairAction{"control-plane/kubelet-down": RepairKeep}},
		{"a backup without an attempt (interrupted setup) is repaired", left("control-plane.broken-scheduler"), setUp(), true, false,
			map[string]RepairAction{"control-plane/broken-scheduler": RepairRun}},
		{"an attempt on a lab whose API server is down is repaired", left("etcd-backup.restore"), setUp("etcd-backup/restore"), false, false,
			map[string]RepairAction{"etcd-backup/restore": RepairRun}},
		{"an explicit reset repairs attempts in progress", left("control-plane.kubelet-down", "etcd-backup.restore"), setUp("control-plane/kubelet-down", "etcd-backup/restore"), true, true,
			map[string]RepairAction{"control-plane/kubelet-down": RepairRun, "etcd-backup/restore": RepairRun}},
		{"a backup of an exercise the course lacks is reported", left("old.exercise"), setUp(), false, true,
			map[string]RepairAction{"old.exercise": RepairUnknown}},
		{"each exercise decides on its own", left("control-plane.broken-scheduler", "control-plane.kubelet-down"), setUp("control-plane/kubelet-down"), true, false,
			map[string]RepairAction{"control-plane/broken-scheduler": RepairRun, "control-plane/kubelet-down": RepairKeep}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items := planRepairs(c.left, destructive, c.setUp, c.apiUp, c.always)
			got := map[string]RepairAction{}
			for _, it := range items {
				got[it.Name] = it.Action
				if it.Why == "" {
					t.Errorf("%s: no reason given", it.Name)
				}
				if it.Action == RepairKeep && !strings.Contains(it.Why, "kubedojo lab reset "+it.Name) {
					t.Errorf("%s is kept but the learner is not told how to repair it: %s", it.Name, it.Why)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("decisions %v, want %v", got, c.want)
			}
			for name, a := range c.want {
				if got[name] != a {
					t.Errorf("%s: %s, want %s", name, got[name], a)
				}
			}
		})
	}
}

func TestPlanRepairsNamesEveryNodeOnce(t *testing.T) {
	items := planRepairs([]Leftover{
		{Exercise: "control-plane.kubelet-down", Node: "kd-control-plane"},
		{Exercise: "control-plane.kubelet-down", Node: "kd-worker"},
	}, destructive, func(*lessons.Exercise) bool { return false }, true, false)
	if len(items) != 1 || strings.Join(items[0].Nodes, ",") != "kd-control-plane,kd-worker" {
		t.Fatalf("items = %+v", items)
	}
	r := RepairReport{Items: items}
	if lines := r.Lines(); len(lines) != 1 || !strings.Contains(lines[0], "repaired what control-plane/kubelet-down broke on kd-control-plane, kd-worker") {
		t.Errorf("report = %q", lines)
	}
}

// brokenFakeLab is a fake lab, up once, whose node holds the backup of
// exercise label and whose next readiness wait fails.
func brokenFakeLab(t *testing.T, label string) *fakeLab {
	t.Helper()
	f := newFakeLab(t, Config{})
	f.prov.nodes = []nodes.Node{&fakeNode{name: "kd-control-plane"}}
	f.nodeBackupDir = t.TempDir()
	if err := f.Up(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(f.nodeBackupDir, label), 0o755); err != nil {
		t.Fatal(err)
	}
	f.unhealthy = 1
	return f
}

func TestUpDoesNotRecreateALabAnExerciseLeftBroken(t *testing.T) {
	f := brokenFakeLab(t, "control-plane.kubelet-down")
	err := f.Up(context.Background(), nil)
	if !errors.Is(err, ErrLeftBroken) {
		t.Errorf("Up = %v, want ErrLeftBroken", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d: the lab (and every attempt on it) was recreated instead of repaired", c, d)
	}
}

func TestUpRepairingKeepsAnAttemptInProgress(t *testing.T) {
	f := brokenFakeLab(t, "control-plane.kubelet-down")
	f.apiReady = func(context.Context) bool { return true }
	env, err := f.Environment()
	if err != nil {
		t.Fatal(err)
	}
	if err := env.saveBaseline(kubeletDown, &Baseline{Exercise: kubeletDown.ID, Context: f.ContextName()}); err != nil {
		t.Fatal(err)
	}
	r, err := f.UpRepairing(context.Background(), destructive, nil)
	if err != nil {
		t.Fatalf("UpRepairing of a lab whose node is NotReady on purpose: %v", err)
	}
	if len(r.Kept()) != 1 || len(r.Repaired()) != 0 {
		t.Errorf("report = %+v, want the attempt kept", r.Items)
	}
	if got := strings.Join(r.Lines(), "\n"); !strings.Contains(got, "control-plane/kubelet-down is still set up") ||
		!strings.Contains(got, "kubedojo lab reset control-plane/kubelet-down") {
		t.Errorf("the learner is not told what is broken and how to repair it:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(f.nodeBackupDir, "control-plane.kubelet-down")); err != nil {
		t.Errorf("the backup of the attempt is gone: %v", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d, want the lab kept", c, d)
	}
}

func TestLeftoversNeedNoAPIServer(t *testing.T) {
	f := newFakeLab(t, Config{})
	f.prov.nodes = []nodes.Node{&fakeNode{name: "kd-control-plane"}}
	f.nodeBackupDir = filepath.Join(t.TempDir(), "backup")
	if left, err := f.Leftovers(context.Background()); err != nil || len(left) != 0 {
		t.Fatalf("no backup directory: %v, %v", left, err)
	}
	for _, d := range []string{"etcd-backup.restore", "control-plane.static-pod"} {
		if err := os.MkdirAll(filepath.Join(f.nodeBackupDir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	left, err := f.Leftovers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0] != (Leftover{"control-plane.static-pod", "kd-control-plane"}) || left[1].Exercise != "etcd-backup.restore" {
		t.Errorf("leftovers = %+v", left)
	}
}
