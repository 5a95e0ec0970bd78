package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
)

// Manifest is one Kubernetes object parsed from a multi-document YAML
// string.
type Manifest struct {
	Object *unstructured.Unstructured
	// Line is the 1-based line of the document's first line within the
	// text.
	Line int
}

// ManifestError is a problem in one document of a manifest string.
type ManifestError struct {
	// Line is 1-based within the manifest text.
	Line    int
	Field   string
	Message string
}

func (e ManifestError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]+)"`)

// ParseManifests parses and validates multi-document YAML. Built-in kinds
// are checked strictly against their Go types with the apimachinery
// converter (unknown fields, wrong types); other kinds need apiVersion, kind
// and metadata.name. All documents are parsed even when some fail.
func ParseManifests(text string) ([]Manifest, []ManifestError) {
	var out []Manifest
	var errs []ManifestError
	dec := yaml.NewDecoder(strings.NewReader(text))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, msg := splitYAMLError(err)
			errs = append(errs, ManifestError{Line: max(line, 1), Message: "invalid YAML: " + msg})
			break
		}
		if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null") {
			continue
		}
		root := doc.Content[0]
		m, merrs := parseManifestDoc(root)
		errs = append(errs, merrs...)
		if m != nil {
			out = append(out, *m)
		}
	}
	return out, errs
}

func parseManifestDoc(root *yaml.Node) (*Manifest, []ManifestError) {
	if root.Kind != yaml.MappingNode {
		return nil, []ManifestError{{Line: root.Line, Message: "a manifest document must be a mapping (an object)"}}
	}
	var raw map[string]any
	if err := root.Decode(&raw); err != nil {
		line, msg := splitYAMLError(err)
		return nil, []ManifestError{{Line: max(line, root.Line), Message: msg}}
	}
	u := &unstructured.Unstructured{Object: toJSONCompatible(raw).(map[string]any)}
	var errs []ManifestError
	for _, f := range []string{"apiVersion", "kind"} {
		if s, _ := u.Object[f].(string); s == "" {
			errs = append(errs, ManifestError{Line: root.Line, Field: f, Message: "is required"})
		}
	}
	if u.GetName() == "" && u.GetGenerateName() == "" {
		errs = append(errs, ManifestError{Line: lineOfPath(root, "metadata"), Field: "metadata.name", Message: "is required"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	gvk := u.GroupVersionKind()
	if scheme.Scheme.Recognizes(gvk) {
		typed, err := scheme.Scheme.New(gvk)
		if err == nil {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, typed, true); err != nil {
				errs = append(errs, converterErrors(root, err)...)
			}
		}
	} else if b, ok := BuiltinKind(gvk.Kind); ok && b.Group == gvk.Group {
		errs = append(errs, ManifestError{Line: lineOfPath(root, "apiVersion"), Field: "apiVersion",
			Message: fmt.Sprintf("%s is not served for %s; use %s", u.GetAPIVersion(), gvk.Kind, b.GroupVersion().String())})
	}
	return &Manifest{Object: u, Line: root.Line}, errs
}

// converterErrors splits the converter's strict-decoding error into one
// problem per field, each at the line of that field.
func converterErrors(root *yaml.Node, err error) []ManifestError {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "strict decoding error: ")
	var out []ManifestError
	for _, part := range strings.Split(msg, ", unknown field") {
		if !strings.HasPrefix(part, "unknown field") && len(out) > 0 {
			part = "unknown field" + part
		}
		if m := unknownFieldRE.FindStringSubmatch(part); m != nil {
			out = append(out, ManifestError{Line: lineOfPath(root, m[1]), Field: m[1], Message: "unknown field"})
			continue
		}
		out = append(out, ManifestError{Line: root.Line, Message: part})
	}
	return out
}

// lineOfPath finds the line of a dotted path ("spec.containers[0].image")
// in a YAML mapping, falling back to the deepest part that exists.
func lineOfPath(n *yaml.Node, path string) int {
	line := n.Line
	cur := n
	for _, seg := range splitFieldPath(path) {
		if idx, err := strconv.Atoi(seg); err == nil {
			if cur.Kind != yaml.SequenceNode || idx >= len(cur.Content) {
				return line
			}
			cur = cur.Content[idx]
			line = cur.Line
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == seg {
				line = cur.Content[i].Line
				cur = cur.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func splitFieldPath(path string) []string {
	path = strings.NewReplacer("[", ".", "]", "").Replace(path)
	var out []string
	for _, s := range strings.Split(path, ".") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// toJSONCompatible converts YAML-decoded values to the types
// unstructured.Unstructured expects (int64 numbers, map[string]any).
func toJSONCompatible(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = toJSONCompatible(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = toJSONCompatible(x)
		}
		return m
	case []any:
		for i, x := range t {
			t[i] = toJSONCompatible(x)
		}
		return t
	case int:
		return int64(t)
	case uint64:
		return int64(t)
	}
	return v
}

// EncodeManifests renders objects back to multi-document YAML, for showing
// reference solutions.
func EncodeManifests(objs []*unstructured.Unstructured) string {
	var b bytes.Buffer
	for i, o := range objs {
		if i > 0 {
			b.WriteString("---\n")
		}
		out, _ := yaml.Marshal(o.Object)
		b.Write(out)
	}
	return b.String()
}
