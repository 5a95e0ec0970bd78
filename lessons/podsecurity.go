package lessons

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// An exercise's namespaces enforce a Pod Security Standard, baseline
// unless the exercise declares that it needs more and why: a start state
// could otherwise run a privileged pod with the node's root filesystem
// mounted (the node container's root, and through it the machine's
// devices). Lint evaluates every pod a start state or reference solution
// applies with the API server's own Pod Security checks
// (k8s.io/pod-security-admission), so that what lint accepts is what the
// namespace admits.

// PodSecurityLabel is the namespace label that makes the API server
// enforce a Pod Security level.
const PodSecurityLabel = psaapi.EnforceLevelLabel

// DefaultPodSecurity is the level of an exercise that declares none.
const DefaultPodSecurity = string(psaapi.LevelBaseline)

// PodSecurity declares the Pod Security level an exercise's namespaces
// enforce, and why it differs from baseline.
type PodSecurity struct {
	// Level is baseline (the default), restricted or privileged.
	Level string `yaml:"level" json:"level" jsonschema:"enum=baseline,enum=restricted,enum=privileged"`
	// Reason says what in the exercise needs the level (a hostPath volume,
	// an added capability); required for privileged. The learner sees it
	// before a pack that is not the built-in course runs.
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
}

// PodSecurityLevel is the level the exercise's namespaces enforce.
func (e *Exercise) PodSecurityLevel() string {
	if e.PodSecurity == nil || e.PodSecurity.Level == "" {
		return DefaultPodSecurity
	}
	return e.PodSecurity.Level
}

// WeakerPodSecurity reports whether level a admits pods that level b
// rejects (privileged is weaker than baseline, baseline than restricted).
// Unknown levels count as privileged.
func WeakerPodSecurity(a, b string) bool {
	la, err := psaapi.ParseLevel(a)
	if err != nil {
		la = psaapi.LevelPrivileged
	}
	lb, err := psaapi.ParseLevel(b)
	if err != nil {
		lb = psaapi.LevelPrivileged
	}
	return psaapi.CompareLevels(la, lb) < 0
}

var podSecurityEvaluator = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(fmt.Sprintf("pod security checks: %v", err))
	}
	return e
}()

// PodSpecOf returns the pod spec of a pod or of a workload's pod template
// in a manifest, with its metadata; false for other kinds or a spec that
// does not decode.
func PodSpecOf(obj *unstructured.Unstructured) (*corev1.PodTemplateSpec, bool) {
	var path []string
	switch obj.GetKind() {
	case "Pod":
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController":
		path = []string{"spec", "template"}
	case "PodTemplate":
		path = []string{"template"}
	case "CronJob":
		path = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		return nil, false
	}
	var src map[string]any
	if path == nil {
		src = obj.Object
	} else {
		m, found, err := unstructured.NestedMap(obj.Object, path...)
		if !found || err != nil {
			return nil, false
		}
		src = m
	}
	var t corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(src, &t); err != nil {
		return nil, false
	}
	return &t, true
}

// PodSecurityViolations lists why a pod spec breaks a Pod Security level,
// as the API server words it ("hostPath volumes (volume \"host\")"); none
// when the level admits it.
func PodSecurityViolations(level string, t *corev1.PodTemplateSpec) []string {
	lv, err := psaapi.ParseLevel(level)
	if err != nil {
		lv = psaapi.LevelBaseline
	}
	agg := policy.AggregateCheckResults(podSecurityEvaluator.EvaluatePod(psaapi.LevelVersion{Level: lv, Version: psaapi.LatestVersion()}, &t.ObjectMeta, &t.Spec))
	var out []string
	for i, r := range agg.ForbiddenReasons {
		if d := agg.ForbiddenDetails[i]; d != "" {
			r += " (" + d + ")"
		}
		out = append(out, r)
	}
	return out
}

// podSecurity checks the exercise's declaration and the Pod Security
// labels its namespaces are given.
func (v *exerciseLint) podSecurity() {
	r, pos, ex := v.r, v.pos, v.ex
	if ps := ex.PodSecurity; ps != nil {
		if _, err := psaapi.ParseLevel(ps.Level); err != nil {
			r.add(pos.line("podSecurity.level"), "podSecurity.level", "unknown Pod Security level %q (baseline, restricted or privileged)", ps.Level)
		}
		if ps.Level == string(psaapi.LevelPrivileged) && strings.TrimSpace(ps.Reason) == "" {
			r.add(pos.line("podSecurity"), "podSecurity.reason", "say why the exercise needs privileged pods (the learner reads it before a pack runs)")
		}
	}
	for i, ns := range ex.Namespaces {
		if l, ok := ns.Labels[PodSecurityLabel]; ok && WeakerPodSecurity(l, ex.PodSecurityLevel()) {
			f := indexPath("namespaces", i)
			r.add(pos.line(f), f+".labels", "%s=%s is weaker than the exercise's Pod Security level %s; declare podSecurity: {level: %s, reason: ...} if the exercise needs it",
				PodSecurityLabel, l, ex.PodSecurityLevel(), l)
		}
	}
}

// podSecurityOf reports the pods of an apply step that the exercise's
// namespaces would reject, and Namespace manifests that would weaken them.
func (v *exerciseLint) podSecurityOf(f string, base int, docs []Manifest) {
	level := v.ex.PodSecurityLevel()
	for _, d := range docs {
		obj := d.Object
		if obj.GetKind() == "Namespace" {
			if l, ok := obj.GetLabels()[PodSecurityLabel]; ok && WeakerPodSecurity(l, level) {
				v.r.add(base+d.Line, f, "Namespace %s: %s=%s is weaker than the exercise's Pod Security level %s; declare podSecurity: {level: %s, reason: ...} if the exercise needs it",
					obj.GetName(), PodSecurityLabel, l, level, l)
			}
			continue
		}
		t, ok := PodSpecOf(obj)
		if !ok {
			continue
		}
		if why := PodSecurityViolations(level, t); len(why) > 0 {
			v.r.add(base+d.Line, f, "%s %s breaks Pod Security %s, which the exercise's namespaces enforce: %s; if the exercise needs it, declare podSecurity: {level: privileged, reason: ...}",
				obj.GetKind(), obj.GetName(), level, strings.Join(why, ", "))
		}
	}
}
