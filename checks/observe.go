package checks

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// observation is what one check's evaluation noticed besides its verdict:
// the objects it needs that do not exist, so that a report names a missing
// object once instead of under every check that reads it; and, so that
// Converge waits only while something converges, what it read (a
// fingerprint), the newest change among that, work in progress there, and
// whether it also consulted state that no read shows (a command's output,
// logs, the authorizer).
type observation struct {
	now time.Time // when the run started
	// afterChange: the run follows a change just made (a solution
	// applied), so a node that is not Ready may be coming back.
	afterChange bool

	mu        sync.Mutex
	missing   []missingObject
	seen      map[string]string // object → resourceVersion ("" for not found)
	newest    time.Time
	progress  string
	unseen    bool
	emptyList bool // a list (not of pods) found nothing: a controller may be about to create it
}

func newObservation(now time.Time, afterChange bool) *observation {
	return &observation{now: now, afterChange: afterChange, seen: map[string]string{}}
}

// saw records an object read.
func (o *observation) saw(gvr schema.GroupVersionResource, u *unstructured.Unstructured) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen[gvr.Resource+"/"+u.GetNamespace()+"/"+u.GetName()] = u.GetResourceVersion()
	o.newest = latest(o.newest, changedAt(u))
	if o.progress == "" {
		o.progress = progressOf(u, o.now, o.afterChange)
	}
}

// sawNothing records that a named object does not exist.
func (o *observation) sawNothing(gvr schema.GroupVersionResource, ns, name string) {
	o.mu.Lock()
	o.seen[gvr.Resource+"/"+ns+"/"+name] = ""
	o.mu.Unlock()
}

// sawUnseen records that the run consulted state no read shows.
func (ev *evaluation) sawUnseen() {
	if ev.obs != nil {
		ev.obs.mu.Lock()
		ev.obs.unseen = true
		ev.obs.mu.Unlock()
	}
}

// fingerprint identifies what the run read: another fingerprint means an
// object it reads was created, changed or deleted.
func (o *observation) fingerprint() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	keys := make([]string, 0, len(o.seen))
	for k, v := range o.seen {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// recordingReader records what a run reads into its observation.
type recordingReader struct {
	inner objectReader
	obs   *observation
}

func (r recordingReader) get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string) (*unstructured.Unstructured, error) {
	u, err := r.inner.get(ctx, gvr, ns, name)
	switch {
	case err == nil:
		r.obs.saw(gvr, u)
		r.followConfig(ctx, u)
		r.followScheduling(ctx, u)
	case apierrors.IsNotFound(err):
		r.obs.sawNothing(gvr, ns, name)
	}
	return u, err
}

func (r recordingReader) list(ctx context.Context, gvr schema.GroupVersionResource, ns string, sel labels.Selector) ([]*unstructured.Unstructured, error) {
	objs, err := r.inner.list(ctx, gvr, ns, sel)
	if err == nil && len(objs) == 0 {
		if gvr.Resource == "pods" && readsLive(r.inner) {
			r.followPodMakers(ctx, ns, sel)
		} else {
			r.obs.mu.Lock()
			r.obs.emptyList = true
			r.obs.mu.Unlock()
		}
	}
	for _, u := range objs {
		r.obs.saw(gvr, u)
		r.followConfig(ctx, u)
		r.followScheduling(ctx, u)
	}
	return objs, err
}

// schedulerRetry is how long after a node changed an unschedulable pod
// counts as about to be scheduled: the scheduler retries pods when a node
// changes, with a back-off that grows to 10 s.
const schedulerRetry = 30 * time.Second

// followScheduling notices a pod the scheduler is about to place: it is
// unschedulable, but a node changed (was uncordoned, lost a taint, came
// back) after the scheduler last found no place for it. Only live reads
// follow, like followConfig.
func (r recordingReader) followScheduling(ctx context.Context, u *unstructured.Unstructured) {
	if u.GetKind() != "Pod" || !readsLive(r.inner) {
		return
	}
	p, err := fromUnstructured[corev1.Pod](u)
	if err != nil {
		return
	}
	var tried time.Time
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			tried = c.LastTransitionTime.Time
		}
	}
	if tried.IsZero() {
		return
	}
	nodes, err := r.inner.list(ctx, schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "", labels.Everything())
	if err != nil {
		return
	}
	for _, n := range nodes {
		if t := changedAt(n); t.After(tried) && r.obs.now.Sub(t) < schedulerRetry {
			r.obs.mu.Lock()
			r.obs.progress = fmt.Sprintf("pod %s may be scheduled now: node %s changed after the scheduler last found no place for it", p.Name, n.GetName())
			r.obs.mu.Unlock()
			return
		}
	}
	// A pod waits for its claims: the scheduler tries it again once they
	// are bound.
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		claim, err := r.inner.get(ctx, schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumeclaims"}, p.Namespace, v.PersistentVolumeClaim.ClaimName)
		if err != nil {
			continue
		}
		why := claimProgress(claim, r.obs.now)
		if t := changedAt(claim); why == "" && t.After(tried) && r.obs.now.Sub(t) < schedulerRetry {
			why = "claim " + claim.GetName() + " changed after the scheduler last found no place for it"
		}
		if why != "" {
			r.obs.mu.Lock()
			r.obs.progress = fmt.Sprintf("pod %s may be scheduled soon: %s", p.Name, why)
			r.obs.mu.Unlock()
			return
		}
	}
}

// followConfig notices a fix the kubelet has not picked up yet: a pod
// waits in CreateContainerConfigError (the kubelet retries it by itself)
// and a ConfigMap or Secret it reads changed after the pod last did. Only
// live reads follow: watches see the pod change when the kubelet acts.
func (r recordingReader) followConfig(ctx context.Context, u *unstructured.Unstructured) {
	if u.GetKind() != "Pod" || !readsLive(r.inner) {
		return
	}
	p, err := fromUnstructured[corev1.Pod](u)
	if err != nil || !waitsForConfig(p) {
		return
	}
	podChanged := changedAt(u)
	for _, ref := range configRefs(p) {
		cfg, err := r.inner.get(ctx, ref.gvr, p.Namespace, ref.name)
		if err == nil && changedAt(cfg).After(podChanged) {
			r.obs.mu.Lock()
			r.obs.progress = fmt.Sprintf("pod %s has not picked up the change of %s %s yet", p.Name, ref.kind, ref.name)
			r.obs.mu.Unlock()
			return
		}
	}
}

func waitsForConfig(p *corev1.Pod) bool {
	for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		if w := cs.State.Waiting; w != nil && w.Reason == "CreateContainerConfigError" {
			return true
		}
	}
	return false
}

// configRef is a ConfigMap or Secret a pod reads.
type configRef struct {
	kind, name string
	gvr        schema.GroupVersionResource
}

// configRefs lists the ConfigMaps and Secrets a pod's containers read
// through env, envFrom and volumes.
func configRefs(p *corev1.Pod) []configRef {
	cm := func(name string) configRef {
		return configRef{"ConfigMap", name, schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}}
	}
	secret := func(name string) configRef {
		return configRef{"Secret", name, schema.GroupVersionResource{Version: "v1", Resource: "secrets"}}
	}
	var out []configRef
	for _, c := range append(append([]corev1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...) {
		for _, e := range c.Env {
			if f := e.ValueFrom; f != nil && f.ConfigMapKeyRef != nil {
				out = append(out, cm(f.ConfigMapKeyRef.Name))
			} else if f != nil && f.SecretKeyRef != nil {
				out = append(out, secret(f.SecretKeyRef.Name))
			}
		}
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				out = append(out, cm(e.ConfigMapRef.Name))
			}
			if e.SecretRef != nil {
				out = append(out, secret(e.SecretRef.Name))
			}
		}
	}
	for _, v := range p.Spec.Volumes {
		if v.ConfigMap != nil {
			out = append(out, cm(v.ConfigMap.Name))
		}
		if v.Secret != nil {
			out = append(out, secret(v.Secret.SecretName))
		}
	}
	return out
}

// changedAt is the newest change an object records: its creation, its
// deletion, or the latest write of any field manager.
func changedAt(u *unstructured.Unstructured) time.Time {
	t := u.GetCreationTimestamp().Time
	if d := u.GetDeletionTimestamp(); d != nil {
		t = latest(t, d.Time)
	}
	for _, m := range u.GetManagedFields() {
		if m.Time != nil {
			t = latest(t, m.Time.Time)
		}
	}
	return t
}

// readsLive reports whether r reads from the API server rather than from
// informer caches.
func readsLive(r objectReader) bool {
	if rr, ok := r.(recordingReader); ok {
		r = rr.inner
	}
	_, live := r.(liveReader)
	return live
}

// progressRecent is how long after a container started without being
// ready its pod still counts as starting (a readiness probe's delay).
const progressRecent = 30 * time.Second

// nodeComeback is how long after a node's Ready condition changed it
// counts as coming back: a kubelet that restarts posts NotReady, then
// Ready, within seconds; on a busy machine within a minute.
const nodeComeback = time.Minute

// progressOf says what work is in progress on an object, "" when nothing
// is: it is being deleted, its controller has not seen its latest change,
// a pod is starting or settling, a Job runs, a node is coming back (its
// readiness changed a moment ago, or a change was just made: afterChange).
func progressOf(u *unstructured.Unstructured, now time.Time, afterChange bool) string {
	name := strings.ToLower(u.GetKind()) + " " + u.GetName()
	if u.GetDeletionTimestamp() != nil {
		return name + " is being deleted"
	}
	if og, found, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); found && og < u.GetGeneration() {
		return name + " has a change its controller has not acted on yet"
	}
	switch u.GetKind() {
	case "Node":
		return nodeProgress(u, now, afterChange)
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet":
		return workloadProgress(u, name)
	case "Pod":
		if p, err := fromUnstructured[corev1.Pod](u); err == nil {
			return podProgress(p, now)
		}
	case "PersistentVolumeClaim":
		return claimProgress(u, now)
	case "HorizontalPodAutoscaler":
		return autoscalerProgress(u, now)
	case "Job":
		if suspend, _, _ := unstructured.NestedBool(u.Object, "spec", "suspend"); suspend {
			return ""
		}
		conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		for _, raw := range conds {
			c, _ := raw.(map[string]any)
			if (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True" {
				return ""
			}
		}
		return name + " is running"
	}
	return ""
}

// claimBinding is how long after its last change a Pending claim counts as
// being bound: the volume controller binds on events and again on its
// 15 s sync, a provisioner answers within seconds; on a busy machine
// within a minute. A claim Pending for longer waits for something else (a
// consumer, a volume nobody made).
const claimBinding = time.Minute

// claimProgress says whether a claim is Pending and may be bound soon.
func claimProgress(u *unstructured.Unstructured, now time.Time) string {
	if phase, _, _ := unstructured.NestedString(u.Object, "status", "phase"); phase != "" && phase != "Pending" {
		return ""
	}
	if now.Sub(changedAt(u)) >= claimBinding {
		return ""
	}
	return "claim " + u.GetName() + " is Pending and may be bound in a moment"
}

// autoscalerRecount is how long after it rescaled its target an autoscaler
// counts as about to report the new replica count: it writes the desired
// count when it scales and the count it then observes on its next sync,
// 15 s later by default; on a busy machine within a minute.
const autoscalerRecount = time.Minute

// autoscalerProgress says whether an autoscaler has just rescaled its
// target and not yet counted the replicas it asked for. One that wants
// more than it has but scaled long ago is stuck (AbleToScale False, a
// quota), not in progress.
func autoscalerProgress(u *unstructured.Unstructured, now time.Time) string {
	current, _, _ := unstructured.NestedInt64(u.Object, "status", "currentReplicas")
	desired, found, _ := unstructured.NestedInt64(u.Object, "status", "desiredReplicas")
	if !found || desired == current {
		return ""
	}
	scaled, _, _ := unstructured.NestedString(u.Object, "status", "lastScaleTime")
	at, err := time.Parse(time.RFC3339, scaled)
	if err != nil || now.Sub(at) >= autoscalerRecount {
		return ""
	}
	return fmt.Sprintf("autoscaler %s scaled its target from %d to %d replicas and counts them on its next sync", u.GetName(), current, desired)
}

// nodeProgress says whether a node that is not Ready may be coming back:
// its kubelet restarts (Ready turned False or Unknown a moment ago, or it
// was just restarted by a change the caller made), so Converge waits for
// it instead of taking a quiet API for a settled node.
func nodeProgress(u *unstructured.Unstructured, now time.Time, afterChange bool) string {
	n, err := fromUnstructured[corev1.Node](u)
	if err != nil {
		return ""
	}
	for _, c := range n.Status.Conditions {
		if c.Type != corev1.NodeReady || c.Status == corev1.ConditionTrue {
			continue
		}
		if afterChange || now.Sub(c.LastTransitionTime.Time) < nodeComeback {
			return fmt.Sprintf("node %s is not Ready (%s) and may be coming back", n.Name, strings.ToLower(string(c.Status)))
		}
	}
	return ""
}

// workloadProgress says whether a workload's controller is still making
// its pods: it has not looked at the workload yet, or fewer pods exist
// than it wants. A workload whose pods are refused (ReplicaFailure: quota,
// Pod Security) is stuck, not in progress; pods that exist speak for
// themselves (podProgress).
func workloadProgress(u *unstructured.Unstructured, name string) string {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, raw := range conds {
		c, _ := raw.(map[string]any)
		if c["type"] == "ReplicaFailure" && c["status"] == "True" {
			return ""
		}
	}
	if _, found, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); !found {
		return name + " has not been seen by its controller yet"
	}
	want, have := int64(1), int64(0)
	if u.GetKind() == "DaemonSet" {
		want, _, _ = unstructured.NestedInt64(u.Object, "status", "desiredNumberScheduled")
		have, _, _ = unstructured.NestedInt64(u.Object, "status", "currentNumberScheduled")
	} else {
		if r, found, _ := unstructured.NestedInt64(u.Object, "spec", "replicas"); found {
			want = r
		}
		have, _, _ = unstructured.NestedInt64(u.Object, "status", "replicas")
	}
	if have < want {
		return fmt.Sprintf("%s has %d of %d pods so far", name, have, want)
	}
	return ""
}

// podMakers are the resources whose controllers create pods.
var podMakers = []schema.GroupVersionResource{
	{Group: "apps", Version: "v1", Resource: "deployments"},
	{Group: "apps", Version: "v1", Resource: "replicasets"},
	{Group: "apps", Version: "v1", Resource: "statefulsets"},
	{Group: "apps", Version: "v1", Resource: "daemonsets"},
	{Group: "batch", Version: "v1", Resource: "jobs"},
}

// followPodMakers looks for what would make the pods a list did not find:
// the workloads in the namespace whose pods would match sel. Their state
// (just created, still making pods) then counts for the check.
func (r recordingReader) followPodMakers(ctx context.Context, ns string, sel labels.Selector) {
	for _, gvr := range podMakers {
		objs, err := r.inner.list(ctx, gvr, ns, labels.Everything())
		if err != nil {
			continue
		}
		for _, u := range objs {
			podLabels, _, _ := unstructured.NestedStringMap(u.Object, "spec", "template", "metadata", "labels")
			if podLabels == nil {
				podLabels = map[string]string{}
			}
			if u.GetKind() == "Job" {
				podLabels["job-name"], podLabels["batch.kubernetes.io/job-name"] = u.GetName(), u.GetName()
			}
			if sel == nil || sel.Matches(labels.Set(podLabels)) {
				r.obs.saw(gvr, u)
			}
		}
	}
}

// stuckReasons are container waiting reasons that do not resolve by
// themselves: the learner has to change something. (The kubelet retries a
// CreateContainerConfigError; followConfig notices the fix it will find.)
var stuckReasons = map[string]bool{
	"ErrImagePull": true, "ImagePullBackOff": true, "InvalidImageName": true, "ErrImageNeverPull": true,
	"CrashLoopBackOff": true, "CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true,
}

// podProgress says how a pod is still starting or settling, "" when it is
// settled or stuck.
func podProgress(p *corev1.Pod, now time.Time) string {
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return ""
	}
	statuses := append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
	for _, cs := range statuses {
		if w := cs.State.Waiting; w != nil && stuckReasons[w.Reason] {
			return ""
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return ""
		}
	}
	if p.Status.Phase == corev1.PodPending || p.Status.Phase == "" {
		return "pod " + p.Name + " is starting"
	}
	if why := notStable(p, now); why != "" {
		return why
	}
	for _, cs := range statuses {
		if r := cs.State.Running; r != nil && !cs.Ready && now.Sub(r.StartedAt.Time) < startingWindow(p, cs.Name) {
			return fmt.Sprintf("container %s of pod %s has just started and is not ready yet", cs.Name, p.Name)
		}
	}
	return ""
}

// startingWindow is how long after its start a container that is not
// ready still counts as starting: progressRecent, or longer when its own
// probes say it may take longer. A startup probe grants initialDelay +
// period × failureThreshold before the kubelet gives up (kubeadm gives
// kube-apiserver 250 s, which it needs after an etcd restore on a busy
// machine); a readiness probe's initial delay is time it is not probed.
func startingWindow(p *corev1.Pod, container string) time.Duration {
	window := progressRecent
	for _, c := range append(append([]corev1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...) {
		if c.Name != container {
			continue
		}
		if sp := c.StartupProbe; sp != nil {
			period, failures := sp.PeriodSeconds, sp.FailureThreshold
			if period <= 0 {
				period = 10 // the API's defaults
			}
			if failures <= 0 {
				failures = 3
			}
			window = max(window, time.Duration(sp.InitialDelaySeconds+period*failures)*time.Second)
		}
		if rp := c.ReadinessProbe; rp != nil {
			window = max(window, progressRecent+time.Duration(rp.InitialDelaySeconds)*time.Second)
		}
	}
	return window
}

// waitsFor records that the check's result changes with time alone (a pod
// must stay ready a while longer): Converge waits for it.
func (ev *evaluation) waitsFor(why string) string {
	if ev.obs != nil {
		ev.obs.mu.Lock()
		ev.obs.progress = why
		ev.obs.mu.Unlock()
	}
	return why
}

// missingObject is an object a check needs that does not exist: label
// names it ("Pod web"), text is the failure that says so.
type missingObject struct{ label, text string }

// missing records that the object t names does not exist and returns
// text, the failure that says so. (No object matching a selector is not a
// missing object: a controller may be about to make it.)
func (ev *evaluation) missing(t target, text string) string {
	if ev.obs != nil && t.ref.Name != "" {
		label := t.gvk.Kind + " " + t.ref.Name
		ev.obs.mu.Lock()
		ev.obs.missing = append(ev.obs.missing, missingObject{label: label, text: text})
		ev.obs.mu.Unlock()
	}
	return text
}

// notFound records that the object t names does not exist and says so.
func (ev *evaluation) notFound(t target) string { return ev.missing(t, notFound(t)) }

// missingNamed is notFound for an object the check names by kind and name.
func (ev *evaluation) missingNamed(kind, ns, name string) string {
	t, err := ev.env.resolve(lessons.ObjectRef{Kind: kind, Name: name, Namespace: ns}, ns)
	if err != nil {
		return fmt.Sprintf("%s %q not found in namespace %s", kind, name, ns)
	}
	return ev.notFound(t)
}

// needs returns the missing object a failure is about, "" when it is
// about something else (or about several things, as anyOf failures are).
func (o *observation) needs(detail string) string {
	if o == nil || strings.Contains(detail, "; or ") {
		return ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range o.missing {
		if strings.Contains(detail, m.text) {
			return m.label
		}
	}
	return ""
}

// presented is a report as callers see it: when several failing checks
// need the same missing object, the first says that it is missing and the
// others point at it.
func presented(rep gradedReport) result.Report {
	out := result.Report{Exercise: rep.exercise, Results: make([]result.Result, len(rep.results)), Time: rep.time, Trigger: rep.trigger}
	said := map[string]bool{}
	for i, r := range rep.results {
		out.Results[i] = r.Result
		if r.Status != result.Fail || r.needs == "" {
			continue
		}
		if said[r.needs] {
			out.Results[i].Detail = "needs " + r.needs + ", which does not exist"
		}
		said[r.needs] = true
	}
	return out
}
