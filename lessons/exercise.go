package lessons

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Exercise is one hands-on task, graded on the live cluster
// (lessons/<lesson>/exercises/<name>.yaml).
type Exercise struct {
	// ID is "<lesson>/<name>"; the file holds only <name>, which must match
	// the file name.
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	Tier  Tier   `yaml:"tier" json:"tier"`
	// Domain overrides the lesson's CKA domain (troubleshooting tasks).
	Domain Domain `yaml:"domain,omitempty" json:"domain,omitempty"`
	// Competency is the id of the CKA competency the exercise trains (see
	// CKA-COMPETENCIES in the pack guide), for coverage reports.
	Competency string `yaml:"competency,omitempty" json:"competency,omitempty"`
	// Weight is an exam task's weight, shown next to it as the real exam
	// shows each task's share of the score (exam pools only; 1–20).
	Weight int `yaml:"weight,omitempty" json:"weight,omitempty"`
	// Troubleshooting marks an exercise whose start state is broken.
	Troubleshooting bool `yaml:"troubleshooting,omitempty" json:"troubleshooting,omitempty"`
	// Addon names what a tier "addon" exercise needs.
	Addon string `yaml:"addon,omitempty" json:"addon,omitempty"`
	// Workers is the number of worker nodes the exercise needs (0: any).
	Workers int `yaml:"workers,omitempty" json:"workers,omitempty"`
	// Exclusive marks an exercise that changes cluster-wide state (CoreDNS,
	// node taints) and must not run alongside others in verify.
	Exclusive bool `yaml:"exclusive,omitempty" json:"exclusive,omitempty"`
	// Breaks names the shared components an exclusive task breaks or takes
	// away while it runs (its start state or the work it asks for): one
	// mock exam never holds two tasks that break the same component, and
	// holds at most exam.maxBreaking tasks that break any (see Components).
	// An exclusive task without it counts as breaking every component.
	Breaks []string `yaml:"breaks,omitempty" json:"breaks,omitempty"`
	// Namespaces the exercise owns. The first is the default namespace of
	// its objects and checks.
	Namespaces []Namespace `yaml:"namespaces" json:"namespaces"`
	// PodSecurity is the Pod Security level the exercise's namespaces
	// enforce: baseline unless it says why it needs another.
	PodSecurity *PodSecurity `yaml:"podSecurity,omitempty" json:"podSecurity,omitempty"`
	// ReadNamespaces lists the namespaces outside its own whose objects
	// the exercise's checks read (kube-system for CoreDNS); checks read no
	// others.
	ReadNamespaces []string `yaml:"readNamespaces,omitempty" json:"readNamespaces,omitempty"`
	// Task is what the learner must do, in Markdown.
	Task string `yaml:"task" json:"task"`
	// Answers lists the keys of the "answers" ConfigMap for find-and-report
	// tasks.
	Answers []AnswerKey `yaml:"answers,omitempty" json:"answers,omitempty"`
	// Setup builds the start state, in order.
	Setup []Step `yaml:"setup,omitempty" json:"setup,omitempty"`
	// Checks grade the exercise; all must pass.
	Checks []Check `yaml:"checks" json:"checks"`
	// Hints are revealed one at a time.
	Hints []string `yaml:"hints" json:"hints"`
	// Solution is the reference solution.
	Solution Solution `yaml:"solution" json:"solution"`
	// Cleanup undoes cluster-scoped changes on reset, beyond deleting the
	// exercise's namespaces and the objects its setup created.
	Cleanup []CleanupStep `yaml:"cleanup,omitempty" json:"cleanup,omitempty"`

	// Lesson points back to the exercise's lesson.
	Lesson *Lesson `yaml:"-" json:"-"`
	// File is the exercise's path inside the pack.
	File string `yaml:"-" json:"-"`
}

// Namespace is a namespace the exercise owns. The app creates and labels it
// unless the task asks the learner to create it.
type Namespace struct {
	Name string `yaml:"name" json:"name"`
	// LearnerCreates is true when the task asks the learner to create the
	// namespace; the app then only deletes it on reset.
	LearnerCreates bool `yaml:"learnerCreates,omitempty" json:"learnerCreates,omitempty"`
	// Labels are added when the app creates the namespace.
	Labels map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`
}

// UnmarshalYAML accepts a plain name as shorthand.
func (n *Namespace) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		n.Name = node.Value
		return nil
	}
	type plain Namespace
	return node.Decode((*plain)(n))
}

// AnswerKey is one key the learner must write into ConfigMap "answers".
type AnswerKey struct {
	Key         string `yaml:"key" json:"key"`
	Description string `yaml:"description" json:"description"`
}

// DefaultNamespace is the namespace objects and checks use when they name
// none.
func (e *Exercise) DefaultNamespace() string {
	if len(e.Namespaces) == 0 {
		return "default"
	}
	return e.Namespaces[0].Name
}

// EffectiveDomain is the exercise's domain, falling back to its lesson's.
func (e *Exercise) EffectiveDomain() Domain {
	if e.Domain != "" {
		return e.Domain
	}
	if e.Lesson != nil {
		return e.Lesson.Domain
	}
	return ""
}

// Name is the exercise id without its lesson prefix.
func (e *Exercise) Name() string {
	if e.Lesson != nil && len(e.ID) > len(e.Lesson.ID)+1 {
		return e.ID[len(e.Lesson.ID)+1:]
	}
	return e.ID
}

// Step is one action of a start state or reference solution. Exactly one
// field is set.
type Step struct {
	// Apply creates or updates the objects in a multi-document YAML string
	// (server-side apply). Objects without a namespace go to the exercise's
	// default namespace when their kind is namespaced.
	Apply string `yaml:"apply,omitempty" json:"apply,omitempty"`
	// Delete deletes an object (it may stay, held by finalizers).
	Delete *ObjectRef `yaml:"delete,omitempty" json:"delete,omitempty"`
	// Wait blocks until a check passes, for start states that must settle
	// (a pod in CrashLoopBackOff, a rollout that finished).
	Wait *WaitStep `yaml:"wait,omitempty" json:"wait,omitempty"`
	// Run is a shell script run with KUBECONFIG pointing at the lab
	// (reference solutions only: it needs kubectl on the PATH).
	Run string `yaml:"run,omitempty" json:"run,omitempty" template:"shell"`
	// Node runs a shell command inside a node (tier node-access): {{NODE}},
	// or the one OnNode names.
	Node string `yaml:"node,omitempty" json:"node,omitempty" template:"shell"`
	// OnNode names the node a node step runs in ({{WORKER}}, {{NODE}} or a
	// node's name), for start states that break a worker's kubelet.
	OnNode string `yaml:"onNode,omitempty" json:"onNode,omitempty"`
	// File writes a file, normally under {{LAB}}.
	File *FileStep `yaml:"file,omitempty" json:"file,omitempty"`
	// TLS writes a self-signed certificate and key.
	TLS *TLSStep `yaml:"tls,omitempty" json:"tls,omitempty"`
	// NodeLabel sets labels on an existing node (start states only). Reset
	// puts back what the node had before: the old value, or no label.
	NodeLabel *NodeLabelStep `yaml:"nodeLabel,omitempty" json:"nodeLabel,omitempty"`
	// NodeTaint adds or replaces taints on an existing node (start states
	// only). Reset puts back the node's taints with those keys as they were.
	NodeTaint *NodeTaintStep `yaml:"nodeTaint,omitempty" json:"nodeTaint,omitempty"`

	line int
}

// Line is the step's line in its exercise file (0 when unknown).
func (s Step) Line() int { return s.line }

// UnmarshalYAML records the step's line for error messages at setup time.
func (s *Step) UnmarshalYAML(node *yaml.Node) error {
	type plain Step
	if err := node.Decode((*plain)(s)); err != nil {
		return err
	}
	s.line = node.Line
	return nil
}

// Action names the step's kind ("apply", "wait", ...).
func (s Step) Action() string {
	switch {
	case s.Apply != "":
		return "apply"
	case s.Delete != nil:
		return "delete"
	case s.Wait != nil:
		return "wait"
	case s.Run != "":
		return "run"
	case s.Node != "":
		return "node"
	case s.File != nil:
		return "file"
	case s.TLS != nil:
		return "tls"
	case s.NodeLabel != nil:
		return "nodeLabel"
	case s.NodeTaint != nil:
		return "nodeTaint"
	}
	return ""
}

func (s Step) actionCount() int {
	n := 0
	for _, set := range []bool{s.Apply != "", s.Delete != nil, s.Wait != nil, s.Run != "", s.Node != "", s.File != nil, s.TLS != nil, s.NodeLabel != nil, s.NodeTaint != nil} {
		if set {
			n++
		}
	}
	return n
}

// WaitStep waits until its check passes or the timeout expires.
type WaitStep struct {
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	Check   `yaml:",inline" json:",inline"`
}

// FileStep writes a file.
type FileStep struct {
	Path    string `yaml:"path" json:"path"`
	Content string `yaml:"content" json:"content"`
	// Mode is the octal permission, "0644" by default.
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`
}

// TLSStep writes a self-signed certificate for Host to Cert and its private
// key to Key.
type TLSStep struct {
	Cert string `yaml:"cert" json:"cert"`
	Key  string `yaml:"key" json:"key"`
	Host string `yaml:"host" json:"host"`
}

// NodeLabelStep labels a node that exists; it never creates one.
type NodeLabelStep struct {
	// Node is the node's name, normally {{WORKER}} or {{NODE}}.
	Node   string            `yaml:"node" json:"node"`
	Labels map[string]string `yaml:"labels" json:"labels"`
}

// NodeTaintStep taints a node that exists; it never creates one. A taint
// with the key and effect of one the node has replaces it.
type NodeTaintStep struct {
	// Node is the node's name, normally {{WORKER}} or {{NODE}}.
	Node   string  `yaml:"node" json:"node"`
	Taints []Taint `yaml:"taints" json:"taints"`
}

// Taint is a node taint as kubectl taint writes it: key=value:effect.
type Taint struct {
	Key   string `yaml:"key" json:"key"`
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	// Effect is NoSchedule, PreferNoSchedule or NoExecute.
	Effect string `yaml:"effect" json:"effect" jsonschema:"enum=NoSchedule,enum=PreferNoSchedule,enum=NoExecute"`
}

// Solution is the reference solution: an optional explanation and the steps
// that solve the exercise from its start state.
type Solution struct {
	Explanation string `yaml:"explanation,omitempty" json:"explanation,omitempty"`
	Steps       []Step `yaml:"steps" json:"steps"`
}

// CleanupStep undoes a cluster-scoped change on reset. Exactly one field is
// set.
type CleanupStep struct {
	// Delete removes an object the learner was asked to create outside the
	// exercise namespaces (a ClusterRole, a CSR).
	Delete *ObjectRef `yaml:"delete,omitempty" json:"delete,omitempty"`
	// Restore snapshots an object at setup and puts it back on reset (the
	// CoreDNS ConfigMap).
	Restore *ObjectRef `yaml:"restore,omitempty" json:"restore,omitempty"`
	// Node runs a shell command inside the node {{NODE}}, or the one OnNode
	// names.
	Node string `yaml:"node,omitempty" json:"node,omitempty" template:"shell"`
	// OnNode names the node a node step runs in, as in Step.
	OnNode string `yaml:"onNode,omitempty" json:"onNode,omitempty"`
	// NodeLabel removes labels from a node.
	NodeLabel *NodeKeys `yaml:"nodeLabel,omitempty" json:"nodeLabel,omitempty"`
	// NodeTaint removes taints (by key) from a node.
	NodeTaint *NodeKeys `yaml:"nodeTaint,omitempty" json:"nodeTaint,omitempty"`
	// Kubeconfig restores the lab kubeconfig's current context ("restore").
	Kubeconfig string `yaml:"kubeconfig,omitempty" json:"kubeconfig,omitempty"`

	line int
}

// Line is the cleanup step's line in its exercise file (0 when unknown).
func (c CleanupStep) Line() int { return c.line }

// UnmarshalYAML records the step's line for error messages at reset time.
func (c *CleanupStep) UnmarshalYAML(node *yaml.Node) error {
	type plain CleanupStep
	if err := node.Decode((*plain)(c)); err != nil {
		return err
	}
	c.line = node.Line
	return nil
}

// Action names the cleanup step's kind ("delete", "node", ...).
func (c CleanupStep) Action() string {
	switch {
	case c.Delete != nil:
		return "delete"
	case c.Restore != nil:
		return "restore"
	case c.Node != "":
		return "node"
	case c.NodeLabel != nil:
		return "nodeLabel"
	case c.NodeTaint != nil:
		return "nodeTaint"
	case c.Kubeconfig != "":
		return "kubeconfig"
	}
	return ""
}

func (c CleanupStep) actionCount() int {
	n := 0
	for _, set := range []bool{c.Delete != nil, c.Restore != nil, c.Node != "", c.NodeLabel != nil, c.NodeTaint != nil, c.Kubeconfig != ""} {
		if set {
			n++
		}
	}
	return n
}

// NodeKeys names label or taint keys to remove from a node.
type NodeKeys struct {
	Node string   `yaml:"node" json:"node"`
	Keys []string `yaml:"keys" json:"keys"`
}

// String describes a namespace list for messages.
func (e *Exercise) String() string { return fmt.Sprintf("exercise %s", e.ID) }
