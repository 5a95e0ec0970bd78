package checks

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("pods", kindOf[*lessons.PodsCheck]{
		Eval: (*evaluation).evalPods,
		Deps: func(dc *depCollector, p *lessons.PodsCheck) {
			ns := dc.ns(p.Namespace)
			dc.kind("Pod", ns)
			if p.OwnedBy != nil {
				dc.owner(p.OwnedBy.Kind, ns)
			}
			if p.ReadyFor.Duration > 0 || p.Ready {
				// Time passes without events: a pod becomes ready for long
				// enough, a restarted container stable.
				dc.d.volatile = true
			}
		},
	})
	register("workload", kindOf[*lessons.WorkloadCheck]{
		Eval: (*evaluation).evalWorkload,
		Deps: func(dc *depCollector, w *lessons.WorkloadCheck) {
			dc.ref(w.Object)
			dc.owner(w.Object.Kind, dc.ns(w.Object.Namespace))
			dc.d.volatile = true // a restarted container becomes stable in time
		},
	})
}

func fromUnstructured[T any](u *unstructured.Unstructured) (*T, error) {
	var out T
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &out); err != nil {
		return nil, envErrorf("decode %s %s: %v", u.GetKind(), u.GetName(), err)
	}
	return &out, nil
}

// listPods lists the non-terminating pods matching sel in ns.
func (ev *evaluation) listPods(ctx context.Context, ns string, sel labels.Selector) ([]*corev1.Pod, error) {
	t, err := ev.env.gvrFor("Pod", ns)
	if err != nil {
		return nil, err
	}
	objs, err := ev.reader.list(ctx, t.gvr, ns, sel)
	if err != nil {
		return nil, classifyAPIError(err, "pods in "+ns)
	}
	var pods []*corev1.Pod
	for _, o := range objs {
		if o.GetDeletionTimestamp() != nil {
			continue
		}
		p, err := fromUnstructured[corev1.Pod](o)
		if err != nil {
			return nil, err
		}
		pods = append(pods, p)
	}
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	return pods, nil
}

// getTyped reads one object of a built-in kind into its Go type; nil when
// it does not exist.
func getTyped[T any](ctx context.Context, ev *evaluation, kind, ns, name string) (*T, error) {
	t, err := ev.env.gvrFor(kind, ns)
	if err != nil {
		return nil, err
	}
	u, err := ev.reader.get(ctx, t.gvr, t.namespace, name)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, classifyAPIError(err, fmt.Sprintf("%s %s", kind, name))
	}
	return fromUnstructured[T](u)
}

func podReady(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// stableAfterRestart is how long a restarted container must have run
// before its pod counts as ready: a crash-looping container is Ready for a
// moment after each restart.
const stableAfterRestart = 30 * time.Second

// notStable says why a ready pod is not trusted to stay ready: one of its
// containers restarted less than stableAfterRestart ago. "" otherwise.
func notStable(p *corev1.Pod, now time.Time) string {
	statuses := append([]corev1.ContainerStatus{}, p.Status.ContainerStatuses...)
	for _, cs := range p.Status.InitContainerStatuses {
		if cs.State.Running != nil { // a native sidecar
			statuses = append(statuses, cs)
		}
	}
	for _, cs := range statuses {
		if cs.RestartCount == 0 {
			continue
		}
		var since time.Time
		if r := cs.State.Running; r != nil {
			since = r.StartedAt.Time
		}
		exit := ""
		if t := cs.LastTerminationState.Terminated; t != nil {
			if t.FinishedAt.After(since) {
				since = t.FinishedAt.Time
			}
			exit = fmt.Sprintf(" (exit code %d)", t.ExitCode)
		}
		if since.IsZero() {
			continue
		}
		if d := now.Sub(since); d < stableAfterRestart {
			return fmt.Sprintf("pod %s is not ready to stay: container %s restarted %s, the last time %s ago%s; it must run for %s after a restart",
				p.Name, cs.Name, times(cs.RestartCount), d.Round(time.Second), exit, stableAfterRestart)
		}
	}
	return ""
}

func readySince(p *corev1.Pod) (time.Time, bool) {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return c.LastTransitionTime.Time, true
		}
	}
	return time.Time{}, false
}

// describePod says, in kubectl's words, why a pod is not ready.
func describePod(p *corev1.Pod) string {
	name := "pod " + p.Name
	if p.DeletionTimestamp != nil {
		return name + " is terminating"
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			msg := c.Message
			if msg == "" {
				msg = c.Reason
			}
			return fmt.Sprintf("%s is pending: not scheduled (%s)", name, msg)
		}
	}
	for i, cs := range p.Status.InitContainerStatuses {
		if cs.State.Terminated != nil && cs.State.Terminated.ExitCode == 0 {
			continue
		}
		if i < len(p.Spec.InitContainers) && p.Spec.InitContainers[i].RestartPolicy != nil &&
			*p.Spec.InitContainers[i].RestartPolicy == corev1.ContainerRestartPolicyAlways && cs.Started != nil && *cs.Started {
			continue // a running native sidecar
		}
		if s := describeContainerState(cs); s != "" {
			return fmt.Sprintf("%s is initialising: init container %s %s", name, cs.Name, s)
		}
		return fmt.Sprintf("%s is initialising: init container %s has not finished", name, cs.Name)
	}
	var parts []string
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Ready {
			continue
		}
		if s := describeContainerState(cs); s != "" {
			parts = append(parts, fmt.Sprintf("container %s %s", cs.Name, s))
		} else {
			parts = append(parts, fmt.Sprintf("container %s is running but not ready (its readiness probe fails)", cs.Name))
		}
	}
	if len(parts) == 1 && len(p.Status.ContainerStatuses) == 1 {
		return name + " " + strings.TrimPrefix(parts[0], "container "+p.Status.ContainerStatuses[0].Name+" ")
	}
	if len(parts) > 0 {
		return name + ": " + strings.Join(parts, ", ")
	}
	switch p.Status.Phase {
	case corev1.PodSucceeded:
		return name + " has completed (phase Succeeded)"
	case corev1.PodFailed:
		return fmt.Sprintf("%s has failed (%s)", name, strings.TrimSpace(p.Status.Reason+" "+p.Status.Message))
	case corev1.PodPending:
		return name + " is pending"
	}
	return name + " is not ready"
}

// describeContainerState renders a container's waiting/terminated state;
// "" when it is running.
func describeContainerState(cs corev1.ContainerStatus) string {
	switch {
	case cs.State.Waiting != nil:
		w := cs.State.Waiting
		s := "is waiting: " + w.Reason
		switch w.Reason {
		case "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull":
			s += fmt.Sprintf(" (image %q)", cs.Image)
		case "CrashLoopBackOff":
			if t := cs.LastTerminationState.Terminated; t != nil {
				s += fmt.Sprintf(" (last exit code %d, restarted %s)", t.ExitCode, times(cs.RestartCount))
			}
		case "CreateContainerConfigError", "CreateContainerError", "RunContainerError":
			if w.Message != "" {
				s += " (" + w.Message + ")"
			}
		}
		return s
	case cs.State.Terminated != nil:
		t := cs.State.Terminated
		return fmt.Sprintf("terminated: %s (exit code %d)", t.Reason, t.ExitCode)
	}
	return ""
}

// controllerOf returns the controlling owner reference of an object.
func controllerOf(refs []metav1.OwnerReference) *metav1.OwnerReference {
	for i := range refs {
		if refs[i].Controller != nil && *refs[i].Controller {
			return &refs[i]
		}
	}
	return nil
}

// ownedBy reports whether pod is controlled by the workload o (through a
// ReplicaSet for Deployments, a Job for CronJobs). why explains a "no".
func (ev *evaluation) ownedBy(ctx context.Context, pod *corev1.Pod, o lessons.OwnerRef) (bool, string, error) {
	ref := controllerOf(pod.OwnerReferences)
	if ref == nil {
		return false, fmt.Sprintf("pod %s has no controller: it was created by hand, not by %s %s", pod.Name, o.Kind, o.Name), nil
	}
	direct := o.Kind
	switch o.Kind {
	case "Deployment":
		direct = "ReplicaSet"
	case "CronJob":
		direct = "Job"
	}
	if ref.Kind != direct {
		return false, fmt.Sprintf("pod %s is controlled by %s %s, not by %s %s", pod.Name, ref.Kind, ref.Name, o.Kind, o.Name), nil
	}
	if direct == o.Kind {
		if ref.Name != o.Name {
			return false, fmt.Sprintf("pod %s is controlled by %s %s, not %s", pod.Name, ref.Kind, ref.Name, o.Name), nil
		}
		owner, err := ev.ownerUID(ctx, o.Kind, pod.Namespace, o.Name)
		if err != nil {
			return false, "", err
		}
		if owner != "" && owner != string(ref.UID) {
			return false, fmt.Sprintf("pod %s belongs to an earlier %s %s that was deleted", pod.Name, o.Kind, o.Name), nil
		}
		return true, "", nil
	}
	// Two hops: the pod's owner must itself be controlled by o.
	kind := ref.Kind
	t, err := ev.env.gvrFor(kind, pod.Namespace)
	if err != nil {
		return false, "", err
	}
	mid, err := ev.reader.get(ctx, t.gvr, pod.Namespace, ref.Name)
	if apierrors.IsNotFound(err) {
		return false, fmt.Sprintf("pod %s's %s %s no longer exists", pod.Name, kind, ref.Name), nil
	}
	if err != nil {
		return false, "", classifyAPIError(err, kind+" "+ref.Name)
	}
	midRef := controllerOf(mid.GetOwnerReferences())
	if midRef == nil || midRef.Kind != o.Kind || midRef.Name != o.Name {
		return false, fmt.Sprintf("pod %s comes from %s %s, which %s %s does not own (a hand-made %s?)", pod.Name, kind, ref.Name, o.Kind, o.Name, kind), nil
	}
	owner, err := ev.ownerUID(ctx, o.Kind, pod.Namespace, o.Name)
	if err != nil {
		return false, "", err
	}
	if owner != "" && owner != string(midRef.UID) {
		return false, fmt.Sprintf("pod %s belongs to an earlier %s %s that was deleted", pod.Name, o.Kind, o.Name), nil
	}
	return true, "", nil
}

func (ev *evaluation) ownerUID(ctx context.Context, kind, ns, name string) (string, error) {
	t, err := ev.env.gvrFor(kind, ns)
	if err != nil {
		return "", err
	}
	u, err := ev.reader.get(ctx, t.gvr, ns, name)
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", classifyAPIError(err, kind+" "+name)
	}
	return string(u.GetUID()), nil
}

func (ev *evaluation) namespaceOr(ns string) string {
	if ns != "" {
		return ns
	}
	return ev.ex.DefaultNamespace()
}

func (ev *evaluation) evalPods(ctx context.Context, pc *lessons.PodsCheck) (bool, string, error) {
	ns := ev.namespaceOr(pc.Namespace)
	sel, err := labels.Parse(pc.Selector)
	if err != nil {
		return false, "", envErrorf("the exercise's selector %q is invalid: %v", pc.Selector, err)
	}
	if pc.OwnedBy != nil {
		// The owner makes the pods: reading it lets a convergence see that
		// it was just created or changed.
		if _, _, err := ev.object(ctx, lessons.ObjectRef{Kind: pc.OwnedBy.Kind, Name: pc.OwnedBy.Name, Namespace: ns}); err != nil {
			return false, "", err
		}
	}
	pods, err := ev.listPods(ctx, ns, sel)
	if err != nil {
		return false, "", err
	}
	what := fmt.Sprintf("pods with %s in %s", pc.Selector, ns)
	if sel.Empty() {
		what = "pods in " + ns
	}
	if pc.Count != nil && len(pods) != *pc.Count {
		return false, fmt.Sprintf("expected %d %s, found %d%s", *pc.Count, what, len(pods), podNames(pods)), nil
	}
	if pc.MinCount != nil && len(pods) < *pc.MinCount {
		return false, fmt.Sprintf("expected at least %d %s, found %d%s", *pc.MinCount, what, len(pods), podNames(pods)), nil
	}
	if len(pods) == 0 && pc.Count == nil {
		return false, "found no " + what, nil
	}
	now := ev.env.now()
	for _, p := range pods {
		if pc.OwnedBy != nil {
			ok, why, err := ev.ownedBy(ctx, p, *pc.OwnedBy)
			if err != nil || !ok {
				return false, why, err
			}
		}
		if pc.NoOwner && len(p.OwnerReferences) > 0 {
			return false, fmt.Sprintf("pod %s still has an owner (%s %s)", p.Name, p.OwnerReferences[0].Kind, p.OwnerReferences[0].Name), nil
		}
		if pc.Phase != "" && string(p.Status.Phase) != pc.Phase {
			return false, fmt.Sprintf("pod %s is in phase %s, expected %s; %s", p.Name, p.Status.Phase, pc.Phase, describePod(p)), nil
		}
		if pc.Ready && !podReady(p) {
			return false, describePod(p), nil
		}
		if pc.Ready {
			if why := notStable(p, now); why != "" {
				return false, why, nil
			}
		}
		if pc.MaxRestarts != nil {
			for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
				if int(cs.RestartCount) > *pc.MaxRestarts {
					return false, fmt.Sprintf("container %s of pod %s was restarted %s (at most %d allowed)%s", cs.Name, p.Name, times(cs.RestartCount), *pc.MaxRestarts, lastExit(cs)), nil
				}
			}
		}
		if pc.ReadyFor.Duration > 0 {
			since, ok := readySince(p)
			if !ok || !podReady(p) {
				return false, describePod(p), nil
			}
			if d := now.Sub(since); d < pc.ReadyFor.Duration {
				return false, ev.waitsFor(fmt.Sprintf("pod %s has been ready for %s; it must stay ready for %s", p.Name, d.Round(time.Second), pc.ReadyFor.Duration)), nil
			}
		}
	}
	return true, "", nil
}

// times renders a restart count: "1 time", "3 times".
func times(n int32) string {
	if n == 1 {
		return "1 time"
	}
	return fmt.Sprintf("%d times", n)
}

func lastExit(cs corev1.ContainerStatus) string {
	if t := cs.LastTerminationState.Terminated; t != nil {
		return fmt.Sprintf("; last exit: %s (code %d)", t.Reason, t.ExitCode)
	}
	return ""
}

func podNames(pods []*corev1.Pod) string {
	if len(pods) == 0 {
		return ""
	}
	names := make([]string, 0, len(pods))
	for _, p := range pods {
		names = append(names, p.Name)
	}
	return " (" + strings.Join(names, ", ") + ")"
}

// workloadState is what the workload check needs from any workload kind.
type workloadState struct {
	kind, name, namespace string
	selector              *metav1.LabelSelector
	desired               int32
	observedGen, gen      int64
	updated, ready, total int32
	extra                 string // kind-specific problem, "" when none
}

func (ev *evaluation) workloadState(ctx context.Context, ref lessons.ObjectRef) (*workloadState, error) {
	t, obj, err := ev.object(ctx, ref)
	if err != nil || obj == nil {
		return nil, err
	}
	s := &workloadState{kind: t.gvk.Kind, name: obj.GetName(), namespace: obj.GetNamespace(), gen: obj.GetGeneration()}
	switch t.gvk.Kind {
	case "Deployment":
		d, err := fromUnstructured[appsv1.Deployment](obj)
		if err != nil {
			return nil, err
		}
		s.selector, s.observedGen = d.Spec.Selector, d.Status.ObservedGeneration
		s.desired = ptrOr(d.Spec.Replicas, 1)
		s.updated, s.ready, s.total = d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.Replicas
		if d.Spec.Paused {
			s.extra = "its rollout is paused (kubectl rollout resume)"
		}
	case "StatefulSet":
		st, err := fromUnstructured[appsv1.StatefulSet](obj)
		if err != nil {
			return nil, err
		}
		s.selector, s.observedGen = st.Spec.Selector, st.Status.ObservedGeneration
		s.desired = ptrOr(st.Spec.Replicas, 1)
		s.updated, s.ready, s.total = st.Status.UpdatedReplicas, st.Status.ReadyReplicas, st.Status.Replicas
		if st.Status.UpdateRevision != "" && st.Status.CurrentRevision != st.Status.UpdateRevision && st.Status.UpdatedReplicas == s.desired {
			s.updated = s.desired // OnDelete/partitioned updates settle differently; replicas counts are authoritative
		}
	case "DaemonSet":
		ds, err := fromUnstructured[appsv1.DaemonSet](obj)
		if err != nil {
			return nil, err
		}
		s.selector, s.observedGen = ds.Spec.Selector, ds.Status.ObservedGeneration
		s.desired = ds.Status.DesiredNumberScheduled
		s.updated, s.ready, s.total = ds.Status.UpdatedNumberScheduled, ds.Status.NumberReady, ds.Status.CurrentNumberScheduled
		if ds.Status.NumberMisscheduled > 0 {
			s.extra = fmt.Sprintf("%d pods run on nodes where they should not", ds.Status.NumberMisscheduled)
		}
	case "ReplicaSet":
		rs, err := fromUnstructured[appsv1.ReplicaSet](obj)
		if err != nil {
			return nil, err
		}
		s.selector, s.observedGen = rs.Spec.Selector, rs.Status.ObservedGeneration
		s.desired = ptrOr(rs.Spec.Replicas, 1)
		s.updated, s.ready, s.total = rs.Status.Replicas, rs.Status.ReadyReplicas, rs.Status.Replicas
	default:
		return nil, envErrorf("workload checks do not support %s", t.gvk.Kind)
	}
	return s, nil
}

func ptrOr(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

func (ev *evaluation) evalWorkload(ctx context.Context, w *lessons.WorkloadCheck) (bool, string, error) {
	s, err := ev.workloadState(ctx, w.Object)
	if err != nil {
		return false, "", err
	}
	if s == nil {
		t, _ := ev.env.resolve(w.Object, ev.ex.DefaultNamespace())
		return false, ev.notFound(t), nil
	}
	label := fmt.Sprintf("%s %s", strings.ToLower(s.kind), s.name)
	want := s.desired
	if w.Replicas != nil {
		want = int32(*w.Replicas)
		if s.desired != want {
			return false, fmt.Sprintf("%s wants %d replicas, expected %d", label, s.desired, want), nil
		}
	}
	sel, err := metav1.LabelSelectorAsSelector(s.selector)
	if err != nil {
		return false, fmt.Sprintf("%s has an invalid selector: %v", label, err), nil
	}
	pods, err := ev.listPods(ctx, s.namespace, sel)
	if err != nil {
		return false, "", err
	}
	var problems []string
	switch {
	case s.observedGen < s.gen:
		problems = append(problems, "the controller has not yet seen its latest change")
	case s.ready != want || s.updated != want || s.total != want:
		msg := fmt.Sprintf("%d/%d replicas ready", s.ready, want)
		if s.updated != want {
			msg += fmt.Sprintf(" (%d updated)", s.updated)
		}
		if s.total > want {
			msg += fmt.Sprintf(", %d old pods still running", s.total-want)
		}
		problems = append(problems, msg)
	}
	if s.extra != "" {
		problems = append(problems, s.extra)
	}
	if len(problems) == 0 {
		for _, p := range pods {
			if why := notStable(p, ev.env.now()); why != "" {
				return false, label + ": " + why, nil
			}
		}
	}
	if len(problems) > 0 {
		for _, p := range pods {
			if !podReady(p) {
				problems = append(problems, describePod(p))
				if len(problems) >= 4 {
					break
				}
			}
		}
		if len(pods) == 0 && s.desired > 0 {
			problems = append(problems, "it has no pods; check its events (kubectl describe "+strings.ToLower(s.kind)+" "+s.name+") and those of its ReplicaSet")
		}
		return false, label + ": " + strings.Join(problems, "; "), nil
	}
	if !w.AllowForeignPods {
		owner := lessons.OwnerRef{Kind: s.kind, Name: s.name}
		for _, p := range pods {
			ok, why, err := ev.ownedBy(ctx, p, owner)
			if err != nil {
				return false, "", err
			}
			if !ok {
				return false, label + ": " + why + " (its selector matches pods it does not own)", nil
			}
		}
	}
	return true, "", nil
}

// jobPods returns the pods of a Job (by its controller-uid label) or of the
// workload the reference names.
func (ev *evaluation) podsOf(ctx context.Context, ref lessons.ObjectRef) ([]*corev1.Pod, string, error) {
	t, obj, err := ev.object(ctx, ref)
	if err != nil {
		return nil, "", err
	}
	if obj == nil {
		return nil, ev.notFound(t), nil
	}
	var sel *metav1.LabelSelector
	switch t.gvk.Kind {
	case "Job":
		j, err := fromUnstructured[batchv1.Job](obj)
		if err != nil {
			return nil, "", err
		}
		sel = j.Spec.Selector
	default:
		raw, found, _ := unstructured.NestedMap(obj.Object, "spec", "selector")
		if !found {
			return nil, "", envErrorf("%s has no pod selector", objName(t, obj))
		}
		sel = &metav1.LabelSelector{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, sel); err != nil {
			return nil, "", envErrorf("decode selector of %s: %v", objName(t, obj), err)
		}
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, fmt.Sprintf("%s has an invalid selector: %v", objName(t, obj), err), nil
	}
	pods, err := ev.listPods(ctx, obj.GetNamespace(), s)
	if err != nil {
		return nil, "", err
	}
	if len(pods) == 0 {
		return nil, fmt.Sprintf("%s has no pods", objName(t, obj)), nil
	}
	return pods, "", nil
}

// pickPods resolves a PodRef to pods. A non-empty why means the learner's
// state has no such pod (a failure, not an error).
func (ev *evaluation) pickPods(ctx context.Context, ref lessons.PodRef) ([]*corev1.Pod, string, error) {
	ns := ev.namespaceOr(ref.Namespace)
	switch {
	case ref.Name != "":
		p, err := getTyped[corev1.Pod](ctx, ev, "Pod", ns, ref.Name)
		if err != nil {
			return nil, "", err
		}
		if p == nil || p.DeletionTimestamp != nil {
			return nil, ev.missingNamed("Pod", ns, ref.Name), nil
		}
		return []*corev1.Pod{p}, "", nil
	case ref.Selector != "":
		sel, err := labels.Parse(ref.Selector)
		if err != nil {
			return nil, "", envErrorf("the exercise's selector %q is invalid: %v", ref.Selector, err)
		}
		pods, err := ev.listPods(ctx, ns, sel)
		if err != nil {
			return nil, "", err
		}
		if len(pods) == 0 {
			return nil, fmt.Sprintf("no pods with %s in %s", ref.Selector, ns), nil
		}
		return pods, "", nil
	case ref.Object != nil:
		o := *ref.Object
		if o.Namespace == "" {
			o.Namespace = ns
		}
		return ev.podsOf(ctx, o)
	}
	return nil, "", envErrorf("the exercise names no pod")
}
