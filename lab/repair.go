package lab

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// BackupDir is where an exercise that breaks the control plane or a
// kubelet keeps, on the node, what its cleanup needs to repair it: one
// directory per exercise, named ExerciseLabelValue(id). The cleanup removes
// the directory once the repair worked, so a directory left there means the
// exercise's breakage may still be on the lab.
const BackupDir = "/var/lib/kubedojo/backup"

// ErrLeftBroken means the lab did not become ready and an exercise that
// breaks the control plane or a kubelet is still on it (see BackupDir):
// Up does not recreate such a lab, UpRepairing repairs it.
var ErrLeftBroken = errors.New("an exercise left the lab broken")

// apiComebackWait bounds how long UpRepairing gives an API server that an
// exercise restarts (etcd restored, a manifest edited) before it counts as
// down for good.
const apiComebackWait = 2 * time.Minute

// Leftover is an exercise whose backup directory is on a node.
type Leftover struct {
	// Exercise is the directory's name, ExerciseLabelValue of the id.
	Exercise string
	Node     string
}

// Leftovers lists the backup directories on the lab's node containers. It
// needs no API server, only the container engine.
func (l *Lab) Leftovers(ctx context.Context) ([]Leftover, error) {
	node := l.NodeExec()
	if node == nil {
		return nil, nil
	}
	_, prov, err := l.kind(ctx)
	if err != nil {
		return nil, err
	}
	list, err := prov.ListNodes(l.cfg.Name)
	if err != nil {
		return nil, fmt.Errorf("list the nodes of lab %q: %w", l.cfg.Name, err)
	}
	var out []Leftover
	for _, n := range list {
		stdout, _, _, err := node.Exec(ctx, n.String(), "ls -1 "+l.backupDir()+" 2>/dev/null")
		if err != nil {
			return nil, err
		}
		for _, name := range strings.Fields(stdout) {
			out = append(out, Leftover{Exercise: name, Node: n.String()})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Exercise != out[j].Exercise {
			return out[i].Exercise < out[j].Exercise
		}
		return out[i].Node < out[j].Node
	})
	return out, nil
}

func (l *Lab) backupDir() string {
	if l.nodeBackupDir != "" {
		return l.nodeBackupDir
	}
	return BackupDir
}

// RepairAction is what kubedojo does about an exercise left on the lab.
type RepairAction string

const (
	// RepairRun runs the exercise's cleanup, which repairs what it broke.
	RepairRun RepairAction = "repair"
	// RepairKeep leaves the attempt alone: the learner may continue it.
	RepairKeep RepairAction = "keep"
	// RepairUnknown is a backup of an exercise the course does not have,
	// so kubedojo has no cleanup to run.
	RepairUnknown RepairAction = "unknown"
)

// RepairItem is the decision about one exercise left on the lab.
type RepairItem struct {
	// Exercise is the exercise (nil for RepairUnknown).
	Exercise *lessons.Exercise
	// Name is its id, or the backup directory's name when unknown.
	Name   string
	Nodes  []string
	Action RepairAction
	// Why says why, in the learner's words.
	Why string
	// Err is set when the repair ran and failed.
	Err error
}

// planRepairs decides, per exercise with a backup on a node, whether to
// repair it now. The rule (README, "Exercises that break the lab"): repair
// what nobody can continue — an exercise kubedojo has no attempt of (its
// setup or reset was interrupted), or any exercise while the API server
// does not answer (kubectl, the checks and the TUI need it) — and keep an
// attempt that is in progress on a lab whose API server answers, saying how
// to repair it. always (an explicit `lab reset`) repairs every one.
func planRepairs(left []Leftover, exercises []*lessons.Exercise, setUp func(*lessons.Exercise) bool, apiUp, always bool) []RepairItem {
	byLabel := map[string]*lessons.Exercise{}
	for _, ex := range exercises {
		byLabel[ExerciseLabelValue(ex.ID)] = ex
	}
	var items []RepairItem
	index := map[string]int{}
	for _, lo := range left {
		if i, ok := index[lo.Exercise]; ok {
			items[i].Nodes = append(items[i].Nodes, lo.Node)
			continue
		}
		index[lo.Exercise] = len(items)
		it := RepairItem{Name: lo.Exercise, Nodes: []string{lo.Node}}
		ex := byLabel[lo.Exercise]
		switch {
		case ex == nil:
			it.Action = RepairUnknown
			it.Why = fmt.Sprintf("an exercise this course does not have left %s/%s; repair the node by hand, or make a new lab with kubedojo lab down and kubedojo lab up (your progress is kept)", BackupDir, lo.Exercise)
		case always:
			it.Exercise, it.Name, it.Action = ex, ex.ID, RepairRun
			it.Why = "you asked for a repair"
		case !setUp(ex):
			it.Exercise, it.Name, it.Action = ex, ex.ID, RepairRun
			it.Why = "its setup or reset was interrupted, so there is no attempt to continue"
		case !apiUp:
			it.Exercise, it.Name, it.Action = ex, ex.ID, RepairRun
			it.Why = "the API server does not answer, so the attempt cannot be continued (kubectl and the checks need it)"
		default:
			it.Exercise, it.Name, it.Action = ex, ex.ID, RepairKeep
			it.Why = fmt.Sprintf("your attempt is in progress and keeps part of the lab broken until you solve it; "+
				"to start over: kubedojo lab reset %s; to repair the lab and drop the attempt: kubedojo lab reset", ex.ID)
		}
		items = append(items, it)
	}
	return items
}

// RepairReport is what a repair found and did.
type RepairReport struct {
	Items []RepairItem
}

// Repaired lists the exercises whose repair ran and worked.
func (r *RepairReport) Repaired() []RepairItem { return r.with(RepairRun, true) }

// Kept lists the attempts left in place.
func (r *RepairReport) Kept() []RepairItem { return r.with(RepairKeep, false) }

func (r *RepairReport) with(a RepairAction, ok bool) []RepairItem {
	var out []RepairItem
	for _, it := range r.Items {
		if it.Action == a && (!ok || it.Err == nil) {
			out = append(out, it)
		}
	}
	return out
}

// Lines says, one line per exercise, what was repaired, kept or failed.
func (r *RepairReport) Lines() []string {
	var out []string
	if r == nil {
		return nil
	}
	for _, it := range r.Items {
		switch {
		case it.Action == RepairRun && it.Err != nil:
			out = append(out, fmt.Sprintf("the repair of what %s broke did not finish (%s): %v", it.Name, it.Why, it.Err))
		case it.Action == RepairRun:
			out = append(out, fmt.Sprintf("repaired what %s broke on %s (%s)", it.Name, strings.Join(it.Nodes, ", "), it.Why))
		case it.Action == RepairKeep:
			out = append(out, fmt.Sprintf("%s is still set up: %s", it.Name, it.Why))
		default:
			out = append(out, it.Why)
		}
	}
	return out
}

// Err joins the failed repairs.
func (r *RepairReport) Err() error {
	var errs []error
	for _, it := range r.Items {
		if it.Err != nil {
			errs = append(errs, fmt.Errorf("repair %s: %w", it.Name, it.Err))
		}
	}
	return errors.Join(errs...)
}

// Repair repairs what exercises left broken on the lab (see planRepairs;
// always repairs every one): it runs their cleanups, which restore what
// their setups saved, and reports per exercise.
func (l *Lab) Repair(ctx context.Context, exercises []*lessons.Exercise, always bool, progress func(Progress)) (*RepairReport, error) {
	left, err := l.Leftovers(ctx)
	if err != nil || len(left) == 0 {
		return &RepairReport{}, err
	}
	env, err := l.Environment()
	if err != nil {
		return &RepairReport{}, err
	}
	setUp := func(ex *lessons.Exercise) bool {
		_, err := env.Baseline(ex)
		return err == nil
	}
	r := &RepairReport{Items: planRepairs(left, exercises, setUp, l.apiUp(ctx), always)}
	for i := range r.Items {
		it := &r.Items[i]
		if it.Action != RepairRun {
			continue
		}
		report(progress, PhaseRepair, fmt.Sprintf("repairing what %s broke (%s)", it.Name, it.Why))
		// A loaded control plane that just came back times requests out
		// (etcd); cleanups run again from any state, so try once more.
		for try := 0; try < 2; try++ {
			it.Err = env.Cleanup(ctx, it.Exercise)
			if it.Err == nil || errors.Is(it.Err, ErrKept) || ctx.Err() != nil {
				break
			}
		}
		if errors.Is(it.Err, ErrKept) {
			it.Err = nil
		}
	}
	return r, nil
}

// UpRepairing is what `kubedojo lab up` and the TUI's start do: Up, then
// Repair (never forced) of what exercises left broken, and Up again when
// the lab could not become ready before the repair. An API server that an
// exercise restarts gets apiComebackWait to answer before it counts as down.
// The caller shows the report's Lines: what was repaired, and the attempts
// left broken on purpose with how to repair them.
func (l *Lab) UpRepairing(ctx context.Context, exercises []*lessons.Exercise, progress func(Progress)) (*RepairReport, error) {
	upErr := l.Up(ctx, progress)
	if upErr != nil && !errors.Is(upErr, ErrLeftBroken) {
		return &RepairReport{}, upErr
	}
	if upErr != nil && !l.apiUp(ctx) {
		report(progress, PhaseRepair, "waiting for the API server, which an exercise changed")
		l.waitAPI(ctx, apiComebackWait)
	}
	report(progress, PhaseRepair, "looking for exercises that left the control plane or a kubelet broken")
	r, err := l.Repair(ctx, exercises, false, progress)
	if err != nil {
		return r, err
	}
	if err := r.Err(); err != nil {
		if left, lerr := l.Leftovers(ctx); lerr != nil || len(left) > 0 {
			return r, fmt.Errorf("%w; make a new lab with kubedojo lab down and kubedojo lab up (your progress is kept)", err)
		}
		// The nodes are repaired (their backups are gone); what is left is
		// in the API, and the lab serves: the report says what.
	}
	if upErr != nil && len(r.Repaired()) > 0 {
		return r, l.Up(ctx, progress)
	}
	if upErr != nil && len(r.Kept()) == len(r.Items) && l.apiUp(ctx) {
		// An attempt in progress keeps a node NotReady on purpose (a
		// stopped kubelet); the lab serves otherwise.
		return r, nil
	}
	return r, upErr
}

func report(progress func(Progress), phase, msg string) {
	if progress != nil {
		progress(Progress{Phase: phase, Message: msg})
	}
}

// apiUp reports whether the API server answers /readyz now.
func (l *Lab) apiUp(ctx context.Context) bool {
	if l.apiReady != nil {
		return l.apiReady(ctx)
	}
	kube, err := l.clientset(5 * time.Second)
	if err != nil {
		return false
	}
	return readyz(ctx, kube) == nil
}

func (l *Lab) waitAPI(ctx context.Context, timeout time.Duration) {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for !l.apiUp(wctx) {
		select {
		case <-wctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}
