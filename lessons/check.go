package lessons

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Check is one declarative assertion on live cluster state. Besides the
// common fields, exactly one check kind is set; its key names the kind
// (for example "container:" or "answer:").
type Check struct {
	// ID is stable within the exercise (progress and JSON output use it).
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Title is the short line shown in the check list.
	Title string `yaml:"title,omitempty" json:"title,omitempty"`
	// Message is shown to the learner when the check fails, before the
	// generated "expected … found …" detail.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
	// Eventually is how long headless grading waits for the check to
	// converge before reporting a failure ("60s").
	Eventually Duration `yaml:"eventually,omitempty" json:"eventually,omitempty"`
	// Points is what the check is worth in an exam task (partial credit per
	// check); 1 when omitted.
	Points int `yaml:"points,omitempty" json:"points,omitempty"`

	Exists     *ObjectRef       `yaml:"exists,omitempty" json:"exists,omitempty"`
	Absent     *ObjectRef       `yaml:"absent,omitempty" json:"absent,omitempty"`
	Field      *FieldCheck      `yaml:"field,omitempty" json:"field,omitempty"`
	Condition  *ConditionCheck  `yaml:"condition,omitempty" json:"condition,omitempty"`
	Pods       *PodsCheck       `yaml:"pods,omitempty" json:"pods,omitempty"`
	Workload   *WorkloadCheck   `yaml:"workload,omitempty" json:"workload,omitempty"`
	Container  *ContainerCheck  `yaml:"container,omitempty" json:"container,omitempty"`
	Service    *ServiceCheck    `yaml:"service,omitempty" json:"service,omitempty"`
	Selects    *SelectsCheck    `yaml:"selects,omitempty" json:"selects,omitempty"`
	Access     *AccessCheck     `yaml:"access,omitempty" json:"access,omitempty"`
	Exec       *ExecCheck       `yaml:"exec,omitempty" json:"exec,omitempty"`
	HTTP       *HTTPCheck       `yaml:"http,omitempty" json:"http,omitempty"`
	Logs       *LogsCheck       `yaml:"logs,omitempty" json:"logs,omitempty"`
	Events     *EventsCheck     `yaml:"events,omitempty" json:"events,omitempty"`
	Node       *NodeCheck       `yaml:"node,omitempty" json:"node,omitempty"`
	Answer     *AnswerCheck     `yaml:"answer,omitempty" json:"answer,omitempty"`
	Unchanged  *UnchangedCheck  `yaml:"unchanged,omitempty" json:"unchanged,omitempty"`
	DryRun     *DryRunCheck     `yaml:"dryRun,omitempty" json:"dryRun,omitempty"`
	Kubeconfig *KubeconfigCheck `yaml:"kubeconfig,omitempty" json:"kubeconfig,omitempty"`
	AllOf      []Check          `yaml:"allOf,omitempty" json:"allOf,omitempty"`
	AnyOf      []Check          `yaml:"anyOf,omitempty" json:"anyOf,omitempty"`
}

// CheckKinds lists the check kinds, as their YAML keys, in documentation
// order.
var CheckKinds = []string{
	"exists", "absent", "field", "condition", "pods", "workload", "container", "service",
	"selects", "access", "exec", "http", "logs", "events", "node", "answer", "unchanged",
	"dryRun", "kubeconfig", "allOf", "anyOf",
}

var checkCommonFields = map[string]bool{"id": true, "title": true, "message": true, "eventually": true, "timeout": true, "points": true}

// Kind returns the YAML key of the check kind that is set, or "" when none
// is. When several are set it returns the first.
func (c *Check) Kind() string {
	kinds := c.kinds()
	if len(kinds) == 0 {
		return ""
	}
	return kinds[0]
}

func (c *Check) kinds() []string {
	var out []string
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if checkCommonFields[name] || name == "" {
			continue
		}
		f := v.Field(i)
		if (f.Kind() == reflect.Pointer && !f.IsNil()) || (f.Kind() == reflect.Slice && f.Len() > 0) {
			out = append(out, name)
		}
	}
	return out
}

func (c *Check) unknownField(key string) string {
	msg := fmt.Sprintf("unknown check kind %q", key)
	if s := closest(key, CheckKinds); s != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", s)
	}
	known := append([]string(nil), CheckKinds...)
	sort.Strings(known)
	return msg + " (known kinds: " + strings.Join(known, ", ") + ")"
}

// PointsWorth is what the check counts for in an exam task: Points, or 1.
func (c *Check) PointsWorth() int {
	if c.Points > 0 {
		return c.Points
	}
	return 1
}

// Children returns the nested checks of allOf/anyOf.
func (c *Check) Children() []Check {
	if len(c.AllOf) > 0 {
		return c.AllOf
	}
	return c.AnyOf
}

// Expect holds the comparison operators shared by checks that compare a
// value. Every operator that is set must hold.
type Expect struct {
	// Equals compares with one value (numbers and strings compare by value;
	// with Quantity, as resource quantities).
	Equals *Value `yaml:"equals,omitempty" json:"equals,omitempty"`
	// NotEquals fails when the value equals this one.
	NotEquals *Value `yaml:"notEquals,omitempty" json:"notEquals,omitempty"`
	// OneOf passes when the value equals any of these.
	OneOf []Value `yaml:"oneOf,omitempty" json:"oneOf,omitempty"`
	// Contains passes when the string value contains this text.
	Contains *Value `yaml:"contains,omitempty" json:"contains,omitempty"`
	// NotContains fails when the string value contains this text.
	NotContains *Value `yaml:"notContains,omitempty" json:"notContains,omitempty"`
	// Matches is a regular expression the string value must match.
	Matches string `yaml:"matches,omitempty" json:"matches,omitempty"`
	// Includes lists values that must all be among the results (a set).
	Includes []Value `yaml:"includes,omitempty" json:"includes,omitempty"`
	// Excludes lists values none of which may be among the results.
	Excludes []Value `yaml:"excludes,omitempty" json:"excludes,omitempty"`
	// EqualsSet compares the results with these values ignoring order.
	EqualsSet []Value `yaml:"equalsSet,omitempty" json:"equalsSet,omitempty"`
	// Has passes when the value contains this YAML subtree (maps by key,
	// lists ignoring order; quantities under "resources" compare as
	// quantities).
	Has any `yaml:"has,omitempty" json:"has,omitempty"`
	// Numeric comparisons; values may be quantities ("500m", "1Gi").
	GreaterThan *Value `yaml:"greaterThan,omitempty" json:"greaterThan,omitempty"`
	AtLeast     *Value `yaml:"atLeast,omitempty" json:"atLeast,omitempty"`
	LessThan    *Value `yaml:"lessThan,omitempty" json:"lessThan,omitempty"`
	AtMost      *Value `yaml:"atMost,omitempty" json:"atMost,omitempty"`
	// Exists: true requires a value, false requires none.
	Exists *bool `yaml:"exists,omitempty" json:"exists,omitempty"`
	// Count is the exact number of results the path must yield.
	Count *int `yaml:"count,omitempty" json:"count,omitempty"`
	// CaseInsensitive compares strings ignoring case.
	CaseInsensitive bool `yaml:"caseInsensitive,omitempty" json:"caseInsensitive,omitempty"`
	// NormalizeWhitespace collapses runs of whitespace before comparing.
	NormalizeWhitespace bool `yaml:"normalizeWhitespace,omitempty" json:"normalizeWhitespace,omitempty"`
	// Quantity compares Equals/OneOf as resource quantities.
	Quantity bool `yaml:"quantity,omitempty" json:"quantity,omitempty"`
}

// IsZero reports whether no operator is set.
func (e Expect) IsZero() bool {
	return e.Equals == nil && e.NotEquals == nil && len(e.OneOf) == 0 && e.Contains == nil &&
		e.NotContains == nil && e.Matches == "" && len(e.Includes) == 0 && len(e.Excludes) == 0 &&
		len(e.EqualsSet) == 0 && e.Has == nil && e.GreaterThan == nil && e.AtLeast == nil &&
		e.LessThan == nil && e.AtMost == nil && e.Exists == nil && e.Count == nil
}

// FieldCheck asserts on the values a JSONPath yields from an object. With
// a selector, or with no name, the assertion must hold for every matching
// object (and at least one must match, unless AllowNone).
type FieldCheck struct {
	Object ObjectRef `yaml:"object" json:"object"`
	// Path is a kubectl JSONPath; the braces are optional
	// (".spec.replicas" or "{.spec.containers[*].image}").
	Path string `yaml:"path" json:"path"`
	// Decode transforms the value before Then and the comparison:
	// base64, json, yaml, pem-csr (to {subject: {commonName, organization}})
	// or pem-cert (the same for a certificate). Several run in order.
	Decode []string `yaml:"decode,omitempty" json:"decode,omitempty"`
	// Then is a JSONPath applied to the decoded value.
	Then string `yaml:"then,omitempty" json:"then,omitempty"`
	// AllowNone passes when no object matches the selector.
	AllowNone bool `yaml:"allowNone,omitempty" json:"allowNone,omitempty"`
	Expect    `yaml:",inline" json:",inline"`
}

// ConditionCheck asserts that an object has a status condition.
type ConditionCheck struct {
	Object ObjectRef `yaml:"object" json:"object"`
	Type   string    `yaml:"type" json:"type"`
	// Status is "True" unless given.
	Status string `yaml:"status,omitempty" json:"status,omitempty"`
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Parent reads the condition from the status a Gateway controller
	// wrote for this parent (status.parents[] of a route, by the name in
	// its parentRef) instead of status.conditions.
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
}

// PodsCheck asserts on the pods that match a label selector.
type PodsCheck struct {
	Selector  string `yaml:"selector" json:"selector"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	// Count is the exact number of (non-terminating) pods; MinCount a floor.
	Count    *int `yaml:"count,omitempty" json:"count,omitempty"`
	MinCount *int `yaml:"minCount,omitempty" json:"minCount,omitempty"`
	// Ready requires every pod Running with condition Ready=True.
	Ready bool `yaml:"ready,omitempty" json:"ready,omitempty"`
	// Phase requires every pod in this phase.
	Phase string `yaml:"phase,omitempty" json:"phase,omitempty"`
	// MaxRestarts bounds every container's restart count.
	MaxRestarts *int `yaml:"maxRestarts,omitempty" json:"maxRestarts,omitempty"`
	// ReadyFor requires every pod to have been Ready at least this long.
	ReadyFor Duration `yaml:"readyFor,omitempty" json:"readyFor,omitempty"`
	// OwnedBy requires every pod to be controlled by this workload (a
	// Deployment through its ReplicaSet), so bare pods do not pass.
	OwnedBy *OwnerRef `yaml:"ownedBy,omitempty" json:"ownedBy,omitempty"`
	// NoOwner requires every pod to have no ownerReferences.
	NoOwner bool `yaml:"noOwner,omitempty" json:"noOwner,omitempty"`
}

// OwnerRef names a controlling workload.
type OwnerRef struct {
	Kind string `yaml:"kind" json:"kind"`
	Name string `yaml:"name" json:"name"`
}

// WorkloadCheck asserts that a Deployment, StatefulSet, DaemonSet or
// ReplicaSet is fully rolled out and ready, and that every pod its selector
// matches is its own.
type WorkloadCheck struct {
	Object ObjectRef `yaml:"object" json:"object"`
	// Replicas is the expected replica count (DaemonSets: omit; the
	// scheduled count is used). When omitted, spec.replicas is used.
	Replicas *int `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	// AllowForeignPods skips the check that every pod matching the
	// selector is owned by the workload.
	AllowForeignPods bool `yaml:"allowForeignPods,omitempty" json:"allowForeignPods,omitempty"`
}

// ContainerCheck asserts on one container of a pod or of a workload's pod
// template. Maps and lists compare as subsets (see Expect.Has).
type ContainerCheck struct {
	Object ObjectRef `yaml:"object" json:"object"`
	// Name is the container name.
	Name string `yaml:"name" json:"name"`
	// Init looks in initContainers.
	Init            bool             `yaml:"init,omitempty" json:"init,omitempty"`
	Image           string           `yaml:"image,omitempty" json:"image,omitempty"`
	Command         []string         `yaml:"command,omitempty" json:"command,omitempty"`
	Args            []string         `yaml:"args,omitempty" json:"args,omitempty"`
	Ports           []int            `yaml:"ports,omitempty" json:"ports,omitempty"`
	Env             map[string]any   `yaml:"env,omitempty" json:"env,omitempty"`
	EnvFrom         []map[string]any `yaml:"envFrom,omitempty" json:"envFrom,omitempty"`
	Resources       map[string]any   `yaml:"resources,omitempty" json:"resources,omitempty"`
	LivenessProbe   map[string]any   `yaml:"livenessProbe,omitempty" json:"livenessProbe,omitempty"`
	ReadinessProbe  map[string]any   `yaml:"readinessProbe,omitempty" json:"readinessProbe,omitempty"`
	StartupProbe    map[string]any   `yaml:"startupProbe,omitempty" json:"startupProbe,omitempty"`
	VolumeMounts    []map[string]any `yaml:"volumeMounts,omitempty" json:"volumeMounts,omitempty"`
	SecurityContext map[string]any   `yaml:"securityContext,omitempty" json:"securityContext,omitempty"`
	Lifecycle       map[string]any   `yaml:"lifecycle,omitempty" json:"lifecycle,omitempty"`
	RestartPolicy   string           `yaml:"restartPolicy,omitempty" json:"restartPolicy,omitempty"`
	// Absent lists container fields that must not be set ("livenessProbe").
	Absent []string `yaml:"absent,omitempty" json:"absent,omitempty"`
}

// ServiceCheck asserts on a Service and what it really routes to.
type ServiceCheck struct {
	// Name of the Service.
	Name      string `yaml:"name" json:"name"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Type      string `yaml:"type,omitempty" json:"type,omitempty"`
	// Port is a Service port that must exist; the other port fields apply
	// to it (or to the only port when Port is omitted).
	Port *int `yaml:"port,omitempty" json:"port,omitempty"`
	// TargetPort is the container port traffic must reach; a named
	// targetPort is resolved against the selected pods.
	TargetPort *int `yaml:"targetPort,omitempty" json:"targetPort,omitempty"`
	NodePort   *int `yaml:"nodePort,omitempty" json:"nodePort,omitempty"`
	// Headless requires clusterIP: None.
	Headless     bool   `yaml:"headless,omitempty" json:"headless,omitempty"`
	ExternalName string `yaml:"externalName,omitempty" json:"externalName,omitempty"`
	// Selects is a label selector of the pods the Service must select, and
	// only those.
	Selects string `yaml:"selects,omitempty" json:"selects,omitempty"`
	// ReadyEndpoints is the exact number of ready endpoints across the
	// Service's EndpointSlices.
	ReadyEndpoints *int `yaml:"readyEndpoints,omitempty" json:"readyEndpoints,omitempty"`
	// NoSelector requires a Service without selector.
	NoSelector bool `yaml:"noSelector,omitempty" json:"noSelector,omitempty"`
}

// SelectsCheck asserts that a label selector stored in an object (a
// NetworkPolicy's podSelector, a PDB's selector) selects exactly the pods
// matching Pods.
type SelectsCheck struct {
	Object ObjectRef `yaml:"object" json:"object"`
	// Path to the selector: a LabelSelector ({matchLabels, matchExpressions})
	// or a plain label map.
	Path string `yaml:"path" json:"path"`
	// Pods is the selector of the pods that must be selected.
	Pods string `yaml:"pods" json:"pods"`
	// Only also requires that no other pod in the namespace is selected.
	Only bool `yaml:"only,omitempty" json:"only,omitempty"`
}

// AccessCheck asks the API server (SubjectAccessReview) what a subject may
// do. Requests are written "VERB RESOURCE[.GROUP][/SUBRESOURCE] [in NS]";
// without "in" the request is cluster-wide.
type AccessCheck struct {
	User   string   `yaml:"user,omitempty" json:"user,omitempty"`
	Groups []string `yaml:"groups,omitempty" json:"groups,omitempty"`
	// ServiceAccount is "namespace/name".
	ServiceAccount string   `yaml:"serviceAccount,omitempty" json:"serviceAccount,omitempty"`
	Allowed        []string `yaml:"allowed,omitempty" json:"allowed,omitempty"`
	Denied         []string `yaml:"denied,omitempty" json:"denied,omitempty"`
}

// PodRef names a pod by name or selector ("client", or {selector: app=web}).
type PodRef struct {
	Name      string `yaml:"name,omitempty" json:"name,omitempty"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Selector  string `yaml:"selector,omitempty" json:"selector,omitempty"`
	// Object selects the pods of a workload or Job ("Job/migrate").
	Object *ObjectRef `yaml:"object,omitempty" json:"object,omitempty"`
}

// ExecCheck runs a command in a container and asserts on its result.
type ExecCheck struct {
	Pod       PodRef   `yaml:"pod" json:"pod"`
	Container string   `yaml:"container,omitempty" json:"container,omitempty"`
	Command   []string `yaml:"command" json:"command"`
	// ExitCode expected (0 unless Fails).
	ExitCode *int `yaml:"exitCode,omitempty" json:"exitCode,omitempty"`
	// Fails requires a non-zero exit code.
	Fails bool `yaml:"fails,omitempty" json:"fails,omitempty"`
	// Stdout compares the trimmed standard output.
	Stdout Expect `yaml:"stdout,omitempty" json:"stdout,omitempty"`
	// Repeat runs the command this many times; every run must meet the
	// expectation (for "traffic is blocked" checks).
	Repeat  int      `yaml:"repeat,omitempty" json:"repeat,omitempty"`
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// HTTPCheck fetches a URL from inside a pod with busybox wget.
type HTTPCheck struct {
	From PodRef `yaml:"from" json:"from"`
	URL  string `yaml:"url" json:"url"`
	// Expect is text the response body must contain.
	Expect string `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Blocked requires the request to fail, twice in a row.
	Blocked bool `yaml:"blocked,omitempty" json:"blocked,omitempty"`
	// Headers are sent with every request, such as the Host header that
	// picks a virtual host behind an ingress controller.
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Sample sends several requests and grades how the responses divide
	// between backends (a weighted split).
	Sample *HTTPSample `yaml:"sample,omitempty" json:"sample,omitempty"`
	// Timeout per request, 3s by default.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// HTTPSample sends Requests requests; every one must succeed, and the
// fraction of responses whose body contains each share's text must lie in
// that share's band. Bands, not exact counts, so that a router that splits
// at random passes as surely as one that rotates.
type HTTPSample struct {
	Requests int         `yaml:"requests" json:"requests"`
	Shares   []HTTPShare `yaml:"shares" json:"shares"`
}

// HTTPShare is one backend's expected part of a sample: the responses
// containing Expect, as a fraction between AtLeast (0 by default) and
// AtMost (1 by default).
type HTTPShare struct {
	Expect  string   `yaml:"expect" json:"expect"`
	AtLeast float64  `yaml:"atLeast,omitempty" json:"atLeast,omitempty"`
	AtMost  *float64 `yaml:"atMost,omitempty" json:"atMost,omitempty"`
}

// Band returns the share's bounds, with AtMost's default.
func (s HTTPShare) Band() (lo, hi float64) {
	hi = 1
	if s.AtMost != nil {
		hi = *s.AtMost
	}
	return s.AtLeast, hi
}

// LogsCheck asserts on container logs.
type LogsCheck struct {
	Pod       PodRef `yaml:"pod" json:"pod"`
	Container string `yaml:"container,omitempty" json:"container,omitempty"`
	Previous  bool   `yaml:"previous,omitempty" json:"previous,omitempty"`
	Expect    `yaml:",inline" json:",inline"`
}

// EventsCheck asserts on events about an object.
type EventsCheck struct {
	Object          ObjectRef `yaml:"object" json:"object"`
	Reason          string    `yaml:"reason" json:"reason"`
	MessageContains string    `yaml:"messageContains,omitempty" json:"messageContains,omitempty"`
	// Absent requires that no such event exists.
	Absent bool `yaml:"absent,omitempty" json:"absent,omitempty"`
	// ByName matches the events whose involved object (regarding) has
	// Object's kind and name, instead of the uid of the object there now:
	// the object need not exist, so events about a pod that was deleted
	// (preempted, evicted) or created again under the same name count.
	// Events about a Node always match by name: the kubelet writes the
	// node's name where its uid belongs.
	ByName bool `yaml:"byName,omitempty" json:"byName,omitempty"`
	// NamePrefix matches by name too, taking Object's name as a prefix:
	// the pods of a workload, whose names are generated (a Deployment's
	// pod that was preempted).
	NamePrefix bool `yaml:"namePrefix,omitempty" json:"namePrefix,omitempty"`
}

// MatchesByName reports whether the check looks for events by the
// involved object's kind and name (ByName, NamePrefix, or a Node).
func (e *EventsCheck) MatchesByName() bool {
	return e.ByName || e.NamePrefix || e.Object.Kind == "Node"
}

// NodeCheck runs a shell command, or reads a file, inside a cluster node.
type NodeCheck struct {
	// Node defaults to {{NODE}}.
	Node    string `yaml:"node,omitempty" json:"node,omitempty"`
	Command string `yaml:"command,omitempty" json:"command,omitempty" template:"shell"`
	File    string `yaml:"file,omitempty" json:"file,omitempty"`
	// ExitCode expected (0 unless Fails).
	ExitCode *int   `yaml:"exitCode,omitempty" json:"exitCode,omitempty"`
	Fails    bool   `yaml:"fails,omitempty" json:"fails,omitempty"`
	Stdout   Expect `yaml:"stdout,omitempty" json:"stdout,omitempty"`
	// Timeout bounds the command (30s by default: node commands go
	// through the container engine, slow on a loaded machine).
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// AnswerCheck compares a key of ConfigMap "answers" in the exercise
// namespace. The expected value is never shown to the learner.
type AnswerCheck struct {
	Key       string `yaml:"key" json:"key"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Expect    `yaml:",inline" json:",inline"`
}

// UnchangedCheck compares an object with what it was when the exercise
// started: same UID (edited in place, not recreated), same generation (spec
// not edited) or same values at the given paths.
type UnchangedCheck struct {
	Object     ObjectRef `yaml:"object" json:"object"`
	UID        bool      `yaml:"uid,omitempty" json:"uid,omitempty"`
	Generation bool      `yaml:"generation,omitempty" json:"generation,omitempty"`
	Paths      []string  `yaml:"paths,omitempty" json:"paths,omitempty"`
}

// PathValues evaluates a kubectl JSONPath on an object and encodes the
// values it yields as a JSON array ("[]" when the path yields nothing).
// Setup records it for unchanged checks; the grader compares the current
// object's PathValues with the recorded string.
func PathValues(obj map[string]any, path string) (string, error) {
	jp, err := ParseJSONPath(path)
	if err != nil {
		return "", fmt.Errorf("path %s: %w", path, err)
	}
	results, err := jp.FindResults(obj)
	if err != nil {
		return "", fmt.Errorf("path %s: %w", path, err)
	}
	values := []any{}
	for _, rs := range results {
		for _, r := range rs {
			if r.IsValid() && r.CanInterface() {
				values = append(values, r.Interface())
			}
		}
	}
	data, err := json.Marshal(values)
	if err != nil {
		return "", fmt.Errorf("path %s: %w", path, err)
	}
	return string(data), nil
}

// DryRunCheck creates an object with dryRun=All and asserts on what the API
// server (with its admission plugins) would store.
type DryRunCheck struct {
	Manifest string `yaml:"manifest" json:"manifest"`
	Path     string `yaml:"path" json:"path"`
	Expect   `yaml:",inline" json:",inline"`
}

// KubeconfigCheck asserts on the lab kubeconfig file the learner uses.
type KubeconfigCheck struct {
	Context   string `yaml:"context" json:"context"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	// SameClusterAndUser requires the context to use the lab context's
	// cluster and user.
	SameClusterAndUser bool `yaml:"sameClusterAndUser,omitempty" json:"sameClusterAndUser,omitempty"`
	// Current requires the context to be the current context.
	Current bool `yaml:"current,omitempty" json:"current,omitempty"`
}
