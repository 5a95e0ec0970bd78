package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedojo/kubedojo/lessons"
)

// Baseline is what Setup recorded about an exercise's start state, for
// "unchanged" checks and for Cleanup.
type Baseline struct {
	Exercise string `json:"exercise"`
	// Context names the cluster (EnvOptions.Context).
	Context string `json:"context"`
	// Objects are the objects of unchanged checks, by ObjectKey.
	Objects map[string]ObjectBaseline `json:"objects"`
	// Snapshots are the objects of cleanup restore steps as they were
	// before setup, by ObjectKey.
	Snapshots map[string]json.RawMessage `json:"snapshots,omitempty"`
	// Nodes are what nodeLabel and nodeTaint steps found on each node
	// before they changed it, by node name, for Cleanup to put back.
	Nodes map[string]*NodeRecord `json:"nodes,omitempty"`
	// Adopted are the objects that existed before the start state first
	// changed them (adopt.go), by adoptedKey: cleanup puts their fields
	// back and never deletes them.
	Adopted map[string]*AdoptedObject `json:"adopted,omitempty"`
	// KubeContext is the learner kubeconfig's current context at setup
	// (for `kubeconfig: restore`).
	KubeContext string `json:"kubeContext,omitempty"`
	// Cluster is what existed outside the exercise's namespaces before
	// setup (clusterwork.go); nil in baselines of older kubedojo.
	Cluster  *ClusterBefore `json:"cluster,omitempty"`
	Recorded time.Time      `json:"recorded"`
	// SettingUp is true while Setup runs its steps: the objects of
	// unchanged checks are not recorded yet.
	SettingUp bool `json:"settingUp,omitempty"`
}

// ObjectBaseline is one object as the start state left it.
type ObjectBaseline struct {
	UID             string `json:"uid"`
	Generation      int64  `json:"generation"`
	ResourceVersion string `json:"resourceVersion"`
	// Paths maps each path of the unchanged check, as the check writes it
	// (template variables expanded), to PathValues of the object.
	Paths map[string]string `json:"paths,omitempty"`
}

// ObjectKey identifies the object a reference names, with the exercise's
// default namespace filled in for namespaced kinds: "Deployment.apps/ns/web",
// "Namespace/sec-2". The grader computes the same key to find a baseline.
func ObjectKey(ref lessons.ObjectRef, defaultNamespace string) string {
	kind := ref.Kind
	if gvk, ok := ref.ResolveGVK(); ok && gvk.Group != "" {
		kind += "." + gvk.Group
	}
	ns := ref.Namespace
	if ns == "" && !lessons.ClusterScoped(ref.Kind) {
		ns = defaultNamespace
	}
	if ns == "" {
		return kind + "/" + ref.Name
	}
	return kind + "/" + ns + "/" + ref.Name
}

// Baseline returns what Setup recorded for the exercise on this cluster,
// or an error wrapping ErrNotSetUp.
func (e *Environment) Baseline(ex *lessons.Exercise) (*Baseline, error) {
	return e.loadBaseline(ex)
}

// BaselineStamp changes whenever the exercise's baseline is recorded or
// forgotten (a setup, reset or cleanup, in this process or another), so a
// running grader knows to compare again; "" while there is none.
func (e *Environment) BaselineStamp(ex *lessons.Exercise) string {
	if e.opts.StateDir == "" {
		e.mu.Lock()
		defer e.mu.Unlock()
		if b, ok := e.memory[ex.ID]; ok {
			return fmt.Sprintf("%p", b)
		}
		return ""
	}
	fi, err := os.Stat(e.baselineFile(ex))
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", fi.ModTime().UnixNano(), fi.Size())
}

// baselineDir holds the baselines of one cluster.
func baselineDir(stateDir, context string) string {
	return filepath.Join(stateDir, "baselines", safeFileName(context))
}

func (e *Environment) baselineFile(ex *lessons.Exercise) string {
	return filepath.Join(baselineDir(e.opts.StateDir, e.opts.Context), safeFileName(ExerciseLabelValue(ex.ID))+".json")
}

func (e *Environment) loadBaseline(ex *lessons.Exercise) (*Baseline, error) {
	notSetUp := fmt.Errorf("%w: exercise %s was never set up on %s (run kubedojo lab reset %s)", ErrNotSetUp, ex.ID, e.opts.Context, ex.ID)
	if e.opts.StateDir == "" {
		e.mu.Lock()
		defer e.mu.Unlock()
		if b, ok := e.memory[ex.ID]; ok {
			return b, nil
		}
		return nil, notSetUp
	}
	data, err := os.ReadFile(e.baselineFile(ex))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notSetUp
	}
	if err != nil {
		return nil, fmt.Errorf("read the baseline of %s: %w", ex.ID, err)
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("read the baseline of %s: %w", ex.ID, err)
	}
	return &b, nil
}

func (e *Environment) saveBaseline(ex *lessons.Exercise, b *Baseline) error {
	if e.opts.StateDir == "" {
		// A copy: setup goes on changing b, and readers must see each
		// saved state whole (and a new stamp).
		saved := *b
		saved.Objects = make(map[string]ObjectBaseline, len(b.Objects))
		for k, v := range b.Objects {
			saved.Objects[k] = v
		}
		e.mu.Lock()
		e.memory[ex.ID] = &saved
		e.mu.Unlock()
		return nil
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the baseline of %s: %w", ex.ID, err)
	}
	if err := WritePrivateFile(e.baselineFile(ex), data); err != nil {
		return fmt.Errorf("save the baseline of %s: %w", ex.ID, err)
	}
	return nil
}

func (e *Environment) removeBaseline(ex *lessons.Exercise) error {
	if e.opts.StateDir == "" {
		e.mu.Lock()
		delete(e.memory, ex.ID)
		e.mu.Unlock()
		return nil
	}
	if err := os.Remove(e.baselineFile(ex)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget the baseline of %s: %w", ex.ID, err)
	}
	return nil
}

// recordRestores snapshots the objects of cleanup restore steps and the
// kubeconfig's current context. A snapshot from an earlier setup that was
// never cleaned up is kept: it shows the object before that setup, while
// the object now may be the broken start state.
func (e *Environment) recordRestores(ctx context.Context, ex *lessons.Exercise, prev *Baseline, b *Baseline) error {
	for _, c := range ex.Cleanup {
		switch {
		case c.Restore != nil:
			ref := *c.Restore
			key := ObjectKey(ref, ex.DefaultNamespace())
			if prev != nil && prev.Snapshots[key] != nil {
				if b.Snapshots == nil {
					b.Snapshots = map[string]json.RawMessage{}
				}
				b.Snapshots[key] = prev.Snapshots[key]
				continue
			}
			obj, err := e.getRef(ctx, ex, ref)
			if apierrors.IsNotFound(err) {
				continue // nothing to put back
			}
			if err != nil {
				return fmt.Errorf("snapshot %s for cleanup: %w", ref, err)
			}
			data, err := json.Marshal(snapshotOf(obj).Object)
			if err != nil {
				return fmt.Errorf("snapshot %s: %w", ref, err)
			}
			if b.Snapshots == nil {
				b.Snapshots = map[string]json.RawMessage{}
			}
			b.Snapshots[key] = data
		case c.Kubeconfig == "restore":
			if prev != nil && prev.KubeContext != "" {
				b.KubeContext = prev.KubeContext
				continue
			}
			path, err := e.kubeconfigFor(ex)
			if err != nil || path == "" {
				return err
			}
			cur, err := currentContext(path)
			if err != nil {
				return err
			}
			b.KubeContext = cur
		}
	}
	return nil
}

// snapshotOf keeps what recreating or restoring an object needs: no
// status, identity or bookkeeping.
func snapshotOf(obj *unstructured.Unstructured) *unstructured.Unstructured {
	s := obj.DeepCopy()
	delete(s.Object, "status")
	for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"} {
		unstructured.RemoveNestedField(s.Object, "metadata", f)
	}
	return s
}

// getRef reads the object a named reference points at.
func (e *Environment) getRef(ctx context.Context, ex *lessons.Exercise, ref lessons.ObjectRef) (*unstructured.Unstructured, error) {
	m, err := e.refMapping(ctx, ref)
	if err != nil {
		return nil, err
	}
	return e.resource(m, refNamespace(m, ref, ex.DefaultNamespace())).Get(ctx, ref.Name, metav1.GetOptions{})
}

// recordUnchanged records, for every unchanged check (nested ones too), the
// object's UID, generation and path values as the start state left them.
func (e *Environment) recordUnchanged(ctx context.Context, ex *lessons.Exercise, b *Baseline) error {
	var walk func(cs []lessons.Check) error
	walk = func(cs []lessons.Check) error {
		for i := range cs {
			c := &cs[i]
			if c.Unchanged != nil {
				if err := e.recordObject(ctx, ex, c, b); err != nil {
					return err
				}
			}
			if err := walk(c.Children()); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(ex.Checks)
}

func (e *Environment) recordObject(ctx context.Context, ex *lessons.Exercise, c *lessons.Check, b *Baseline) error {
	ref := c.Unchanged.Object
	key := ObjectKey(ref, ex.DefaultNamespace())
	obj, err := e.getRef(ctx, ex, ref)
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("check %s compares %s with the start state, but the start state has no such object", c.ID, ref)
	}
	if err != nil {
		return fmt.Errorf("record %s for check %s: %w", ref, c.ID, err)
	}
	ob := b.Objects[key]
	ob.UID, ob.Generation, ob.ResourceVersion = string(obj.GetUID()), obj.GetGeneration(), obj.GetResourceVersion()
	for _, p := range c.Unchanged.Paths {
		v, err := lessons.PathValues(obj.Object, p)
		if err != nil {
			return fmt.Errorf("check %s: %w", c.ID, err)
		}
		if ob.Paths == nil {
			ob.Paths = map[string]string{}
		}
		ob.Paths[p] = v
	}
	b.Objects[key] = ob
	return nil
}
