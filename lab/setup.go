package lab

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedojo/kubedojo/lessons"
)

// defaultWaitTimeout bounds a wait step that names no timeout.
const defaultWaitTimeout = 60 * time.Second

// Setup builds an exercise's start state, with the environment's template
// variables expanded: it creates and labels the exercise's namespaces,
// prepares the exercise's kubeconfig for kubeconfig checks, runs the setup
// steps in order, and records the baseline (unchanged checks,
// cleanup restores, the kubeconfig's current context) under the state
// directory. Errors name the exercise file, line and step; an unreachable
// API server is ErrUnreachable.
func (e *Environment) Setup(ctx context.Context, ex *lessons.Exercise) error {
	return environmentError(e.setup(ctx, ex))
}

func (e *Environment) setup(ctx context.Context, ex *lessons.Exercise) error {
	vars, err := e.Vars(ctx)
	if err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	if err := nodesResolve(ex.ID, ex.Setup, vars); err != nil {
		return err
	}
	ex = ex.Expand(vars)
	prev, err := e.loadBaseline(ex)
	if err != nil && !errors.Is(err, ErrNotSetUp) {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	b := &Baseline{Exercise: ex.ID, Context: e.opts.Context, Objects: map[string]ObjectBaseline{}}
	if prev != nil {
		// Nodes and adopted objects as they were before that earlier setup,
		// not as it left them.
		b.Nodes, b.Adopted = prev.Nodes, prev.Adopted
	}
	// Snapshots are taken before the steps, which may change the very
	// objects to restore (a troubleshooting exercise breaking CoreDNS).
	if err := e.recordRestores(ctx, ex, prev, b); err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	if err := e.recordClusterBefore(ctx, ex, prev, b); err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	b.Recorded = e.now().UTC()
	b.SettingUp = true
	if err := e.saveBaseline(ex, b); err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	if err := e.ensureNamespaces(ctx, ex, b); err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	// kubeconfig checks read the shell's kubeconfig even before the learner
	// opens a shell.
	if hasKubeconfigCheck(ex.Checks) {
		if _, err := e.kubeconfigFor(ex); err != nil {
			return fmt.Errorf("set up %s: %w", ex.ID, err)
		}
	}
	for i, s := range ex.Setup {
		if err := e.runStep(ctx, ex, vars, b, s); err != nil {
			return stepError(ex, "setup", i, s, err)
		}
	}
	if err := e.recordUnchanged(ctx, ex, b); err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	b.Recorded, b.SettingUp = e.now().UTC(), false
	if err := e.saveBaseline(ex, b); err != nil {
		return fmt.Errorf("set up %s: %w", ex.ID, err)
	}
	return nil
}

func hasKubeconfigCheck(cs []lessons.Check) bool {
	for i := range cs {
		if cs[i].Kubeconfig != nil || hasKubeconfigCheck(cs[i].Children()) {
			return true
		}
	}
	return false
}

// ensureNamespaces creates the namespaces the exercise owns (not those the
// learner creates), labelled for the exercise. A namespace of the exercise
// still terminating from a cleanup (which does not wait for it) is waited
// for, the learner's too: they create it again. On a foreign cluster an
// existing namespace without the exercise's label is refused; on the own
// lab it is adopted (adopt.go): cleanup puts its labels back and deletes
// only the start state's objects in it, never the namespace.
func (e *Environment) ensureNamespaces(ctx context.Context, ex *lessons.Exercise, b *Baseline) error {
	if e.opts.Provided != nil {
		return e.requireProvided(ctx, ex)
	}
	for _, ns := range ex.Namespaces {
		cur, err := e.namespaces().Get(ctx, ns.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return apiError(fmt.Sprintf("namespace %s", ns.Name), err)
		case cur.GetDeletionTimestamp() != nil:
			if err := e.waitNamespaceGone(ctx, ns.Name); err != nil {
				return err
			}
		case ns.LearnerCreates:
		case e.opts.Foreign && !e.owns(cur, ex):
			return fmt.Errorf("%w: namespace %s already exists and was not created by this kubedojo for this exercise%s; "+
				"kubedojo will not use it in a cluster it did not create (delete or rename it, or use kubedojo's own lab)", ErrForeignObject, ns.Name, e.ownerNote(cur, ex))
		}
		if ns.LearnerCreates {
			continue // the learner's to create, never kubedojo's
		}
		want := maps.Clone(ns.Labels)
		if want == nil {
			want = map[string]string{}
		}
		SetPodSecurity(want, ex.PodSecurityLevel())
		maps.Copy(want, e.exerciseLabels(ex))
		labels := map[string]any{}
		for k, v := range want {
			labels[k] = v
		}
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Namespace",
			"metadata": map[string]any{"name": ns.Name, "labels": labels},
		}}
		if err := e.adopt(ctx, ex, b, namespaceMapping, obj); err != nil {
			return err
		}
		if _, err := e.dyn.Resource(namespaceGVR).Apply(ctx, ns.Name, obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true}); err != nil {
			return fmt.Errorf("create namespace %s: %w", ns.Name, err)
		}
	}
	return nil
}

// stepError places a failed step at its line in the exercise file, and a
// failed object of an apply step at the object's own line.
func stepError(ex *lessons.Exercise, phase string, i int, s lessons.Step, err error) error {
	line := s.Line()
	var me *manifestError
	if errors.As(err, &me) && line > 0 {
		line += me.line
	}
	return &StepError{Exercise: ex.ID, File: ex.File, Line: line, Phase: phase, Index: i + 1, Action: s.Action(), Err: err}
}

// runStep runs one setup step. b is the baseline being recorded (nil for
// reference solutions).
func (e *Environment) runStep(ctx context.Context, ex *lessons.Exercise, vars lessons.Vars, b *Baseline, s lessons.Step) error {
	switch {
	case s.Apply != "":
		return e.applyStep(ctx, ex, b, s.Apply)
	case s.Delete != nil:
		return e.deleteRef(ctx, ex, *s.Delete)
	case s.Wait != nil:
		if e.opts.Wait == nil {
			return errors.New("wait steps need the grader's Waiter, and none is configured")
		}
		timeout := s.Wait.Timeout.Duration
		if timeout == 0 {
			timeout = defaultWaitTimeout
		}
		return e.opts.Wait(ctx, ex, s.Wait.Check, timeout)
	case s.Run != "":
		return errors.New("start states cannot run shell scripts (run steps belong in solutions)")
	case s.Node != "":
		return e.nodeScript(ctx, vars, s.OnNode, s.Node)
	case s.File != nil:
		return writeLabFile(vars, s.File)
	case s.TLS != nil:
		return writeTLS(vars, s.TLS)
	case s.NodeLabel != nil, s.NodeTaint != nil:
		return e.patchNode(ctx, ex, b, s)
	}
	return errors.New("the step has no action")
}

// nodesResolve refuses node steps whose onNode names a node the cluster
// lacks ({{WORKER}} on a single-node cluster): expanded, it would be empty,
// which means {{NODE}}, and a start state meant for a worker must never
// break the control plane instead.
func nodesResolve(id string, steps []lessons.Step, vars lessons.Vars) error {
	for i, s := range steps {
		if unresolvedNode(s.OnNode, vars) {
			return fmt.Errorf("%w: step %d of %s runs on %s, and the cluster has no such node (no worker)", ErrNoNodeAccess, i+1, id, s.OnNode)
		}
	}
	return nil
}

func unresolvedNode(on string, vars lessons.Vars) bool {
	return on != "" && vars.Expand(on) == ""
}

// nodeScript runs a script inside the node on names ({{NODE}} when on is
// ""); a non-zero exit fails.
func (e *Environment) nodeScript(ctx context.Context, vars lessons.Vars, on, script string) error {
	if e.opts.Node == nil {
		return fmt.Errorf("%w: this cluster gives no shell inside its nodes (tier node-access)", ErrNoNodeAccess)
	}
	node := vars.Node
	if on != "" {
		node = on
	}
	if node == "" {
		return fmt.Errorf("%w: the cluster has no node to run in", ErrNoNodeAccess)
	}
	_, stderr, code, err := e.opts.Node.Exec(ctx, node, script)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("node command exited with %d: %s", code, shortText(stderr))
	}
	return nil
}

func shortText(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}
