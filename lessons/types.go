package lessons

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ObjectRef names Kubernetes objects: one by name, or several by label
// selector (or all of a kind when neither is given). The shorthand
// "Kind/name" is accepted wherever an ObjectRef is expected.
type ObjectRef struct {
	// APIVersion is needed only for kinds that are not built in (custom
	// resources); built-in kinds resolve by name.
	APIVersion string `yaml:"apiVersion,omitempty" json:"apiVersion,omitempty"`
	Kind       string `yaml:"kind" json:"kind"`
	Name       string `yaml:"name,omitempty" json:"name,omitempty"`
	// Namespace defaults to the exercise's first namespace for namespaced
	// kinds.
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Selector  string `yaml:"selector,omitempty" json:"selector,omitempty"`
}

// UnmarshalYAML accepts "Kind/name" as well as the mapping form.
func (r *ObjectRef) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		kind, name, ok := strings.Cut(node.Value, "/")
		if !ok || kind == "" || name == "" {
			return fieldError(node, "object reference %q must be written Kind/name or as a mapping", node.Value)
		}
		r.Kind, r.Name = kind, name
		return nil
	}
	type plain ObjectRef
	return node.Decode((*plain)(r))
}

// String renders the reference the way kubectl users read it.
func (r ObjectRef) String() string {
	var b strings.Builder
	b.WriteString(r.Kind)
	switch {
	case r.Name != "":
		b.WriteString("/" + r.Name)
	case r.Selector != "":
		b.WriteString(" -l " + r.Selector)
	}
	if r.Namespace != "" {
		b.WriteString(" in " + r.Namespace)
	}
	return b.String()
}

// IsZero reports whether the reference is empty.
func (r ObjectRef) IsZero() bool { return r == ObjectRef{} }

// UnmarshalYAML accepts a pod name as shorthand.
func (p *PodRef) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		if ns, name, ok := strings.Cut(node.Value, "/"); ok {
			p.Namespace, p.Name = ns, name
			return nil
		}
		p.Name = node.Value
		return nil
	}
	type plain PodRef
	return node.Decode((*plain)(p))
}

// String describes the pod reference.
func (p PodRef) String() string {
	var s string
	switch {
	case p.Name != "":
		s = "pod " + p.Name
	case p.Selector != "":
		s = "pods -l " + p.Selector
	case p.Object != nil:
		s = "pods of " + p.Object.String()
	}
	if p.Namespace != "" {
		s += " in " + p.Namespace
	}
	return s
}

// Duration is a time.Duration written as "30s" or "2m".
type Duration struct{ time.Duration }

func (Duration) opaqueYAML() {}

// UnmarshalYAML parses Go duration syntax.
func (d *Duration) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return fieldError(node, "expected a duration such as 30s or 2m")
	}
	v, err := time.ParseDuration(node.Value)
	if err != nil || v < 0 {
		return fieldError(node, "invalid duration %q (write it like 30s, 90s or 2m)", node.Value)
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes the duration back in Go syntax.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the duration in Go syntax.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// String is "" for zero so that omitted durations stay omitted.
func (d Duration) String() string {
	if d.Duration == 0 {
		return ""
	}
	return d.Duration.String()
}

// IsZero lets yaml's omitempty drop unset durations.
func (d Duration) IsZero() bool { return d.Duration == 0 }

// Value is an expected value: a literal (string, number, boolean, list or
// map) or a live value read at check time:
//
//	equals: {from: {object: Service/kube-dns, namespace: kube-system, path: .spec.clusterIP}}
//
// Live values let find-and-report tasks compare with the cluster as it is
// rather than with a constant baked into the pack.
type Value struct {
	Literal any
	From    *ValueFrom
}

// ValueFrom reads a value from an object at check time.
type ValueFrom struct {
	Object ObjectRef `yaml:"object" json:"object"`
	Path   string    `yaml:"path" json:"path"`
}

func (Value) opaqueYAML() {}

// UnmarshalYAML distinguishes {from: …} from literals.
func (v *Value) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.MappingNode && len(node.Content) == 2 && node.Content[0].Value == "from" {
		v.From = &ValueFrom{}
		if err := node.Content[1].Decode(v.From); err != nil {
			return err
		}
		if v.From.Object.Kind == "" || v.From.Path == "" {
			return fieldError(node, "from needs object and path")
		}
		return nil
	}
	if node.Kind == yaml.ScalarNode && node.Tag == "!!str" {
		// Keep strings as written: "1.27" must not become a number.
		v.Literal = node.Value
		return nil
	}
	return node.Decode(&v.Literal)
}

// MarshalJSON writes the literal or the from form.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.From != nil {
		return json.Marshal(map[string]any{"from": v.From})
	}
	return json.Marshal(v.Literal)
}

// Lit builds a literal value (for tests and Go-built checks).
func Lit(x any) *Value { return &Value{Literal: x} }

// String renders a literal for messages; live values say where they come
// from.
func (v Value) String() string {
	if v.From != nil {
		return fmt.Sprintf("the value of %s in %s", v.From.Path, v.From.Object)
	}
	return FormatValue(v.Literal)
}

// FormatValue renders any decoded YAML/JSON value compactly.
func FormatValue(x any) string {
	switch t := x.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("%q", t)
	}
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	return string(b)
}

// fieldError builds a positioned decode error that yaml.v3 collects with
// the others instead of stopping at the first.
func fieldError(node *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", node.Line, fmt.Sprintf(format, args...))}}
}
