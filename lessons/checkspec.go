package lessons

import (
	"fmt"
	"reflect"
	"strings"
)

// CheckSpec is what the key of one check kind holds ("pods:", "exec:"). Its
// type is the lessons half of the kind: it validates itself and says which
// tier it needs. The grading half (evaluation, what a watch follows, the
// timeout) is registered in package checks from the kind's own file; a test
// there walks CheckKinds and fails for a kind that lacks either half.
type CheckSpec interface {
	// lint reports the spec's problems; k is its field path
	// ("checks[0].pods").
	lint(v *exerciseLint, k string)
	// TierNeed is the lowest tier the check can be graded on; the zero
	// value needs none beyond the exercise's own.
	TierNeed() TierNeed
}

// TierNeed is the tier a check needs and what needs it, for the message
// lint gives when the exercise's tier is lower.
type TierNeed struct {
	Tier Tier
	// What needs the tier ("ready replicas").
	What string
	// Field is the spec field that needs it ("readyEndpoints"); empty for
	// the spec as a whole.
	Field string
}

// AllOfSpec is the spec of allOf: every child must pass.
type AllOfSpec []Check

// AnyOfSpec is the spec of anyOf: one child must pass.
type AnyOfSpec []Check

// Spec returns the check kind that is set, as its YAML key, and its spec;
// "" and nil when no kind is set. When several are set it returns the first
// (lint reports that).
func (c *Check) Spec() (string, CheckSpec) {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if checkCommonFields[name] || name == "" {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Pointer && !f.IsNil():
			return name, f.Interface().(CheckSpec)
		case name == "allOf" && len(c.AllOf) > 0:
			return name, AllOfSpec(c.AllOf)
		case name == "anyOf" && len(c.AnyOf) > 0:
			return name, AnyOfSpec(c.AnyOf)
		}
	}
	return "", nil
}

// need reports when the exercise's tier is below what n needs.
func (v *exerciseLint) need(k string, n TierNeed) {
	if n.Tier == "" {
		return
	}
	f := k
	if n.Field != "" {
		f += "." + n.Field
	}
	v.needTier(f, n.What, n.Tier)
}

// exists and absent name an object.

func (s *ObjectRef) lint(v *exerciseLint, k string) { v.objectRef(k, *s, false) }

// TierNeed: reading objects needs only an API server.
func (s *ObjectRef) TierNeed() TierNeed { return TierNeed{} }

func (s *FieldCheck) lint(v *exerciseLint, k string) {
	r, pos := v.r, v.pos
	v.objectRef(k+".object", s.Object, false)
	v.jsonPath(k+".path", s.Path)
	if s.Then != "" {
		v.jsonPath(k+".then", s.Then)
	}
	for i, d := range s.Decode {
		switch d {
		case "base64", "json", "yaml", "pem-csr", "pem-cert":
		default:
			fi := indexPath(k+".decode", i)
			r.add(pos.line(fi), fi, "unknown decoding %q (base64, json, yaml, pem-csr, pem-cert)", d)
		}
	}
	v.expect(k, &s.Expect, true)
}

// TierNeed: reading objects needs only an API server.
func (s *FieldCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *ConditionCheck) lint(v *exerciseLint, k string) {
	v.objectRef(k+".object", s.Object, true)
	require(v.r, v.pos, k+".type", s.Type)
}

// TierNeed: reading objects needs only an API server.
func (s *ConditionCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *PodsCheck) lint(v *exerciseLint, k string) {
	r, pos := v.r, v.pos
	if s.Selector == "" {
		r.add(pos.line(k), k+".selector", "is required")
	} else {
		v.selector(k+".selector", s.Selector)
	}
	v.namespaceOf(k, "Pod", s.Namespace)
	v.need(k, s.TierNeed())
	if o := s.OwnedBy; o != nil {
		switch o.Kind {
		case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob":
		default:
			r.add(pos.line(k+".ownedBy"), k+".ownedBy.kind", "%q cannot own pods (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob)", o.Kind)
		}
		require(r, pos, k+".ownedBy.name", o.Name)
	}
}

// TierNeed: pods need controllers to exist, their status a kubelet.
func (s *PodsCheck) TierNeed() TierNeed {
	if s.Ready || s.Phase != "" || s.MaxRestarts != nil || s.ReadyFor.Duration > 0 {
		return TierNeed{Tier: TierKubelet, What: "pod status"}
	}
	return TierNeed{Tier: TierControllers, What: "pods"}
}

func (s *WorkloadCheck) lint(v *exerciseLint, k string) {
	v.objectRef(k+".object", s.Object, true)
	switch s.Object.Kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
	default:
		v.r.add(v.pos.line(k+".object"), k+".object.kind", "workload checks take a Deployment, StatefulSet, DaemonSet or ReplicaSet, not %q", s.Object.Kind)
	}
	v.need(k, s.TierNeed())
}

// TierNeed: replicas become ready on a kubelet.
func (s *WorkloadCheck) TierNeed() TierNeed {
	return TierNeed{Tier: TierKubelet, What: "ready replicas"}
}

func (s *ContainerCheck) lint(v *exerciseLint, k string) {
	v.objectRef(k+".object", s.Object, true)
	require(v.r, v.pos, k+".name", s.Name)
	switch s.Object.Kind {
	case "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController":
	default:
		v.r.add(v.pos.line(k+".object"), k+".object.kind", "%q has no containers", s.Object.Kind)
	}
}

// TierNeed: a container's spec needs only an API server.
func (s *ContainerCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *ServiceCheck) lint(v *exerciseLint, k string) {
	require(v.r, v.pos, k+".name", s.Name)
	v.namespaceOf(k, "Service", s.Namespace)
	if s.Selects != "" {
		v.selector(k+".selects", s.Selects)
	}
	v.need(k, s.TierNeed())
}

// TierNeed: ready endpoints need a kubelet; the rest an API server.
func (s *ServiceCheck) TierNeed() TierNeed {
	if s.ReadyEndpoints != nil {
		return TierNeed{Tier: TierKubelet, What: "ready endpoints", Field: "readyEndpoints"}
	}
	return TierNeed{}
}

func (s *SelectsCheck) lint(v *exerciseLint, k string) {
	v.objectRef(k+".object", s.Object, true)
	v.jsonPath(k+".path", s.Path)
	if require(v.r, v.pos, k+".pods", s.Pods) {
		v.selector(k+".pods", s.Pods)
	}
}

// TierNeed: comparing a selector with pods needs only an API server.
func (s *SelectsCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *AccessCheck) lint(v *exerciseLint, k string) {
	r, pos := v.r, v.pos
	if (s.User == "") == (s.ServiceAccount == "") {
		r.add(pos.line(k), k, "name exactly one subject: user (with optional groups) or serviceAccount")
	}
	if s.ServiceAccount != "" {
		if ns, name, ok := strings.Cut(s.ServiceAccount, "/"); !ok || ns == "" || name == "" {
			r.add(pos.line(k+".serviceAccount"), k+".serviceAccount", "write it as namespace/name")
		}
	}
	if len(s.Allowed)+len(s.Denied) == 0 {
		r.add(pos.line(k), k, "list requests under allowed and/or denied")
	}
	for name, list := range map[string][]string{"allowed": s.Allowed, "denied": s.Denied} {
		for i, req := range list {
			fi := indexPath(k+"."+name, i)
			if _, err := ParseAccessRequest(req); err != nil {
				r.add(pos.line(fi), fi, "%v", err)
			}
		}
	}
}

// TierNeed: the API server's authorizer answers access reviews.
func (s *AccessCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *ExecCheck) lint(v *exerciseLint, k string) {
	v.podRef(k+".pod", s.Pod)
	if len(s.Command) == 0 {
		v.r.add(v.pos.line(k), k+".command", "is required")
	}
	v.expect(k+".stdout", &s.Stdout, false)
	v.need(k, s.TierNeed())
	for _, arg := range s.Command {
		for _, m := range AnswerRefRE.FindAllStringSubmatch(arg, -1) {
			v.checkedKey[m[1]] = true
		}
	}
}

// TierNeed: commands run in containers on a kubelet.
func (s *ExecCheck) TierNeed() TierNeed { return TierNeed{Tier: TierKubelet, What: "exec"} }

func (s *HTTPCheck) lint(v *exerciseLint, k string) {
	v.podRef(k+".from", s.From)
	require(v.r, v.pos, k+".url", s.URL)
	if s.Blocked && s.Expect != "" {
		v.r.add(v.pos.line(k), k, "blocked and expect exclude each other")
	}
	if s.Sample != nil {
		s.Sample.lint(v, k+".sample", s.Blocked)
	}
	v.need(k, s.TierNeed())
}

// maxHTTPSample bounds a sample: every request runs in the client pod
// within one check.
const maxHTTPSample = 200

func (sm *HTTPSample) lint(v *exerciseLint, k string, blocked bool) {
	r, pos := v.r, v.pos
	if blocked {
		r.add(pos.line(k), k, "a sample needs answers; it excludes blocked")
	}
	if sm.Requests < 2 || sm.Requests > maxHTTPSample {
		r.add(pos.line(k+".requests"), k+".requests", "must be between 2 and %d (got %d)", maxHTTPSample, sm.Requests)
	}
	if len(sm.Shares) == 0 {
		r.add(pos.line(k), k+".shares", "list at least one share (expect, atLeast, atMost)")
	}
	for i, sh := range sm.Shares {
		sk := fmt.Sprintf("%s.shares[%d]", k, i)
		require(r, pos, sk+".expect", sh.Expect)
		if lo, hi := sh.Band(); lo < 0 || hi > 1 || lo > hi {
			r.add(pos.line(sk), sk, "atLeast and atMost are fractions with 0 <= atLeast <= atMost <= 1 (got %g and %g)", lo, hi)
		}
	}
}

// TierNeed: requests are made from a container on a kubelet.
func (s *HTTPCheck) TierNeed() TierNeed { return TierNeed{Tier: TierKubelet, What: "http"} }

func (s *LogsCheck) lint(v *exerciseLint, k string) {
	v.podRef(k+".pod", s.Pod)
	v.expect(k, &s.Expect, true)
	v.need(k, s.TierNeed())
}

// TierNeed: logs come from a kubelet.
func (s *LogsCheck) TierNeed() TierNeed { return TierNeed{Tier: TierKubelet, What: "logs"} }

func (s *EventsCheck) lint(v *exerciseLint, k string) {
	v.objectRef(k+".object", s.Object, true)
	require(v.r, v.pos, k+".reason", s.Reason)
	if (s.ByName || s.NamePrefix) && s.Object.Selector != "" {
		v.r.add(v.pos.line(k+".object"), k+".object.selector", "byName and namePrefix match events by the object's name; events carry no labels, so drop the selector")
	}
}

// TierNeed: events are objects; which tier makes them is the exercise's
// concern.
func (s *EventsCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *NodeCheck) lint(v *exerciseLint, k string) {
	if (s.Command == "") == (s.File == "") {
		v.r.add(v.pos.line(k), k, "give exactly one of command or file")
	}
	v.expect(k+".stdout", &s.Stdout, false)
	v.need(k, s.TierNeed())
	if s.Command != "" {
		v.shellScript(k+".command", s.Command)
	}
	for _, m := range AnswerRefRE.FindAllStringSubmatch(s.Command, -1) {
		v.checkedKey[m[1]] = true
	}
}

// TierNeed: commands run inside a node container.
func (s *NodeCheck) TierNeed() TierNeed {
	return TierNeed{Tier: TierNodeAccess, What: "node checks"}
}

func (s *AnswerCheck) lint(v *exerciseLint, k string) {
	if require(v.r, v.pos, k+".key", s.Key) {
		v.checkedKey[s.Key] = true
		if !v.answerKeys[s.Key] {
			v.r.add(v.pos.line(k+".key"), k+".key", "answer key %q is not declared under answers", s.Key)
		}
	}
	v.expect(k, &s.Expect, true)
}

// TierNeed: answers are a ConfigMap.
func (s *AnswerCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *UnchangedCheck) lint(v *exerciseLint, k string) {
	v.objectRef(k+".object", s.Object, true)
	if !s.UID && !s.Generation && len(s.Paths) == 0 {
		v.r.add(v.pos.line(k), k, "say what must stay unchanged: uid, generation and/or paths")
	}
	for i, p := range s.Paths {
		v.jsonPath(indexPath(k+".paths", i), p)
	}
}

// TierNeed: reading objects needs only an API server.
func (s *UnchangedCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *DryRunCheck) lint(v *exerciseLint, k string) {
	r, pos := v.r, v.pos
	if require(r, pos, k+".manifest", s.Manifest) {
		docs, errs := ParseManifests(SampleVars.Expand(s.Manifest))
		for _, e := range errs {
			r.add(pos.line(k+".manifest")+e.Line, k+".manifest", "%s", e.Message)
		}
		if len(errs) == 0 && len(docs) != 1 {
			r.add(pos.line(k+".manifest"), k+".manifest", "give exactly one object")
		}
	}
	v.jsonPath(k+".path", s.Path)
	v.expect(k, &s.Expect, true)
}

// TierNeed: admission runs in the API server.
func (s *DryRunCheck) TierNeed() TierNeed { return TierNeed{} }

func (s *KubeconfigCheck) lint(v *exerciseLint, k string) {
	require(v.r, v.pos, k+".context", s.Context)
}

// TierNeed: the kubeconfig is a local file.
func (s *KubeconfigCheck) TierNeed() TierNeed { return TierNeed{} }

func (s AllOfSpec) lint(v *exerciseLint, k string) { v.children(k, s) }

// TierNeed: the children say what they need.
func (s AllOfSpec) TierNeed() TierNeed { return TierNeed{} }

func (s AnyOfSpec) lint(v *exerciseLint, k string) { v.children(k, s) }

// TierNeed: the children say what they need.
func (s AnyOfSpec) TierNeed() TierNeed { return TierNeed{} }

func (v *exerciseLint) children(k string, children []Check) {
	for i := range children {
		if children[i].Points != 0 {
			fi := indexPath(k, i) + ".points"
			v.r.add(v.pos.line(fi), fi, "points belong on top-level checks; a nested check counts through its parent")
		}
		v.check(indexPath(k, i), &children[i])
	}
}

// check validates one check: exactly one kind, and that kind's spec.
func (v *exerciseLint) check(f string, c *Check) {
	kinds := c.kinds()
	switch len(kinds) {
	case 0:
		v.r.add(v.pos.line(f), f, "no check kind given (one of %s)", strings.Join(CheckKinds, ", "))
		return
	case 1:
	default:
		v.r.add(v.pos.line(f), f, "one check has one kind; found %s (use allOf to combine)", strings.Join(kinds, " and "))
		return
	}
	kind, spec := c.Spec()
	spec.lint(v, f+"."+kind)
}
