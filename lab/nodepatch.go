package lab

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/kubedojo/kubedojo/lessons"
)

// Start states that label or taint a node change an object kubedojo does
// not own and must never delete: the node is patched in place, not applied
// (an applied object carries the exercise label, and cleanup deletes what
// carries it), and what the node had before is recorded so that cleanup
// puts back exactly that.

// NodeRecord is what nodeLabel and nodeTaint steps found on one node
// before they changed it.
type NodeRecord struct {
	// Labels maps every label key a step set to its value before; nil
	// means the node did not have the label.
	Labels map[string]*string `json:"labels,omitempty"`
	// TaintKeys are the keys of the taints steps set. Taints is the node's
	// whole taint list before the first of those steps, which also keeps
	// the order to restore.
	TaintKeys []string       `json:"taintKeys,omitempty"`
	Taints    []corev1.Taint `json:"taints,omitempty"`
}

// patchNode runs a nodeLabel or nodeTaint step of a start state: it records
// in b what the node has under the keys the step sets (unless an earlier
// step or an earlier setup that was never cleaned up did), saves b, and
// only then changes the node. b is nil for reference solutions, which do
// not get these steps.
func (e *Environment) patchNode(ctx context.Context, ex *lessons.Exercise, b *Baseline, s lessons.Step) error {
	if b == nil {
		return errors.New("nodeLabel and nodeTaint steps are for start states only; a reference solution labels and taints nodes with kubectl")
	}
	name := ""
	if s.NodeLabel != nil {
		name = s.NodeLabel.Node
	} else {
		name = s.NodeTaint.Node
	}
	if name == "" {
		return errors.New("the cluster has no worker node for {{WORKER}} (the exercise needs workers: 1)")
	}
	if e.opts.Foreign {
		return fmt.Errorf("%w: kubedojo does not change nodes of a cluster it did not create (node %s)", ErrForeignObject, name)
	}
	err := e.updateNode(ctx, name, func(n *corev1.Node) error {
		if b.Nodes == nil {
			b.Nodes = map[string]*NodeRecord{}
		}
		if b.Nodes[name] == nil {
			b.Nodes[name] = &NodeRecord{}
		}
		if b.Nodes[name].record(n, s) {
			if err := e.saveBaseline(ex, b); err != nil {
				return err
			}
		}
		if s.NodeLabel != nil {
			if n.Labels == nil {
				n.Labels = map[string]string{}
			}
			maps.Copy(n.Labels, s.NodeLabel.Labels)
		} else {
			n.Spec.Taints = withTaints(n.Spec.Taints, s.NodeTaint.Taints, metav1.NewTime(e.now()))
		}
		return nil
	})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("node %s does not exist", name)
	}
	return err
}

// updateNode reads a node, lets change edit it, and writes it back when
// anything changed, reading again after a conflict. A missing node is a
// NotFound error.
func (e *Environment) updateNode(ctx context.Context, name string, change func(n *corev1.Node) error) error {
	nodes := e.kube.CoreV1().Nodes()
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := nodes.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("read node %s: %w", name, err)
		}
		next := cur.DeepCopy()
		if err := change(next); err != nil {
			return err
		}
		if reflect.DeepEqual(next.Labels, cur.Labels) && reflect.DeepEqual(next.Spec.Taints, cur.Spec.Taints) {
			return nil
		}
		_, err = nodes.Update(ctx, next, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
}

// record notes what n has under the keys s sets and that are not recorded
// yet; it reports whether anything was added.
func (r *NodeRecord) record(n *corev1.Node, s lessons.Step) bool {
	added := false
	if s.NodeLabel != nil {
		for key := range s.NodeLabel.Labels {
			if _, done := r.Labels[key]; done {
				continue
			}
			if r.Labels == nil {
				r.Labels = map[string]*string{}
			}
			var before *string
			if v, ok := n.Labels[key]; ok {
				before = &v
			}
			r.Labels[key] = before
			added = true
		}
		return added
	}
	for _, t := range s.NodeTaint.Taints {
		if slices.Contains(r.TaintKeys, t.Key) {
			continue
		}
		if len(r.TaintKeys) == 0 {
			r.Taints = slices.Clone(n.Spec.Taints)
		}
		r.TaintKeys = append(r.TaintKeys, t.Key)
		added = true
	}
	return added
}

// withTaints adds taints as kubectl taint does: one with the key and effect
// of an existing taint replaces it in place, NoExecute taints get the time
// they were added (the taint manager counts tolerationSeconds from it).
func withTaints(cur []corev1.Taint, add []lessons.Taint, now metav1.Time) []corev1.Taint {
	out := slices.Clone(cur)
	for _, t := range add {
		nt := corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)}
		if nt.Effect == corev1.TaintEffectNoExecute {
			added := now.Rfc3339Copy()
			nt.TimeAdded = &added
		}
		i := slices.IndexFunc(out, func(c corev1.Taint) bool { return c.MatchTaint(&nt) })
		if i >= 0 {
			out[i] = nt
		} else {
			out = append(out, nt)
		}
	}
	return out
}

// restoreNodes puts back what nodeLabel and nodeTaint steps changed, as
// recorded in b. A node that is gone has nothing to put back.
func (e *Environment) restoreNodes(ctx context.Context, b *Baseline) error {
	if b == nil {
		return nil
	}
	names := slices.Collect(maps.Keys(b.Nodes))
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		err := e.updateNode(ctx, name, func(n *corev1.Node) error {
			b.Nodes[name].restore(n)
			return nil
		})
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("put node %s back as it was: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// restore changes n back to the record: recorded labels get their old value
// or are removed; taints with a recorded key are exactly those the node had
// before, in their old places, and other taints stay as they are now.
func (r *NodeRecord) restore(n *corev1.Node) {
	for key, before := range r.Labels {
		if before == nil {
			delete(n.Labels, key)
		} else {
			if n.Labels == nil {
				n.Labels = map[string]string{}
			}
			n.Labels[key] = *before
		}
	}
	if len(r.TaintKeys) == 0 {
		return
	}
	touched := func(t corev1.Taint) bool { return slices.Contains(r.TaintKeys, t.Key) }
	cur := n.Spec.Taints
	kept := make([]bool, len(cur))
	var out []corev1.Taint
	for _, t := range r.Taints {
		if touched(t) {
			out = append(out, t)
			continue
		}
		// Untouched taints keep their current form where they still exist.
		if i := slices.IndexFunc(cur, func(c corev1.Taint) bool { return c.MatchTaint(&t) }); i >= 0 {
			out = append(out, cur[i])
			kept[i] = true
		}
	}
	for i, c := range cur {
		if !kept[i] && !touched(c) {
			out = append(out, c)
		}
	}
	n.Spec.Taints = out
}
