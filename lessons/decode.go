package lessons

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// positions maps a field path such as "checks[2].container.image" to the
// line where it appears, so that semantic validation done after decoding can
// still point at the right line.
type positions map[string]int

// line returns the line of path, or of its nearest ancestor that has one.
func (p positions) line(path string) int {
	for path != "" {
		if l, ok := p[path]; ok {
			return l
		}
		path = parentPath(path)
	}
	return p[""]
}

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

// opaqueYAML is implemented by types whose YAML shape is checked by their own
// UnmarshalYAML, so the field walker must not look inside them.
type opaqueYAML interface{ opaqueYAML() }

var (
	opaqueType    = reflect.TypeOf((*opaqueYAML)(nil)).Elem()
	unmarshalType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	nodeType      = reflect.TypeOf(yaml.Node{})
)

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// decodeFile parses data as a single YAML document into out (a pointer to a
// struct), reporting syntax errors, unknown fields and type errors with their
// lines. It returns the positions of every field for later validation and
// whether decoding produced a usable value.
func decodeFile(r reporter, data []byte, out any) (positions, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := splitYAMLError(err)
		r.add(line, "", "invalid YAML: %s", msg)
		return nil, false
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		r.add(0, "", "file is empty")
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		r.add(root.Line, "", "expected a mapping at the top level, found %s", nodeKindName(root))
		return nil, false
	}
	plainNodes(root)
	if line, big := aliasBomb(root); big {
		r.add(line, "", "the aliases (*name) of this file expand to more than %d values; write the values out, or use fewer aliases of aliases", maxExpansion)
		return nil, false
	}
	if dups := duplicateKeys(root, ""); len(dups) > 0 {
		// yaml.v3 would stop decoding the mapping at the duplicate, and
		// every key after it would be reported missing.
		for _, d := range dups {
			r.add(d.line, d.field, "key %q is given twice (also at line %d); keep one", d.key, d.first)
		}
		return nil, false
	}
	pos := positions{"": root.Line}
	walkFields(r, pos, root, reflect.TypeOf(out).Elem(), "")
	if err := root.Decode(out); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			reportDecodeError(r, pos, err.Error())
			return pos, false
		}
		// yaml.v3 keeps decoding past type errors, so the rest of the file
		// is still worth validating: all problems at once.
		for _, e := range te.Errors {
			reportDecodeError(r, pos, e)
		}
	}
	return pos, true
}

// reportDecodeError turns a yaml.v3 or UnmarshalYAML error message into a
// positioned problem.
func reportDecodeError(r reporter, pos positions, msg string) {
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	field := ""
	for p, l := range pos {
		if l == line && (field == "" || len(p) > len(field)) {
			field = p
		}
	}
	r.add(line, field, "%s", humaniseYAMLError(msg))
}

func humaniseYAMLError(msg string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "!!str", "string")
	msg = strings.ReplaceAll(msg, "!!int", "integer")
	msg = strings.ReplaceAll(msg, "!!bool", "boolean")
	msg = strings.ReplaceAll(msg, "!!map", "mapping")
	msg = strings.ReplaceAll(msg, "!!seq", "list")
	return msg
}

// YAMLError returns the 1-based line (0 when unknown) and the message of a
// yaml.v3 error, for files kubedojo reads besides lesson packs.
func YAMLError(err error) (line int, msg string) { return splitYAMLError(err) }

// splitYAMLError returns the 1-based line and the message of a yaml.v3
// syntax error.
func splitYAMLError(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if parserProblems[msg] {
		// yaml.v3 adds one to the 0-based marks of scanner errors only
		// (decode.go, parser.fail): a parser error names the line above,
		// and on the first line none at all.
		line++
	}
	return line, msg
}

// parserProblems are the messages of yaml.v3's parser errors (parserc.go);
// every other syntax error comes from its scanner.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// walkFields records the line of every field and reports keys that the Go
// type does not know. Unknown keys are the most common authoring mistake
// (a typo silently ignored would make a check test nothing).
func walkFields(r reporter, pos positions, n *yaml.Node, t reflect.Type, path string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nodeType || t.Kind() == reflect.Interface {
		return
	}
	if reflect.PointerTo(t).Implements(opaqueType) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if reflect.PointerTo(t).Implements(unmarshalType) {
				return // shorthand form, validated by UnmarshalYAML
			}
			return // yaml.v3 reports the type error
		}
		fields := structFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			fp := joinPath(path, k.Value)
			pos[fp] = k.Line
			ft, ok := fields[k.Value]
			if !ok {
				if msg := unknownFieldMessage(t, k.Value, fields); msg != "" {
					r.add(k.Line, fp, "%s", msg)
				}
				continue
			}
			walkFields(r, pos, v, ft, fp)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			fp := joinPath(path, k.Value)
			pos[fp] = k.Line
			walkFields(r, pos, v, t.Elem(), fp)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			ip := indexPath(path, i)
			pos[ip] = item.Line
			walkFields(r, pos, item, t.Elem(), ip)
		}
	}
}

// fieldNamer lets a struct give a tailored message for unknown keys (the
// check struct names the known check kinds, for instance).
type fieldNamer interface {
	unknownField(key string) string
}

func unknownFieldMessage(t reflect.Type, key string, fields map[string]reflect.Type) string {
	if fn, ok := reflect.New(t).Interface().(fieldNamer); ok {
		if msg := fn.unknownField(key); msg != "" {
			return msg
		}
	}
	msg := fmt.Sprintf("unknown field %q", key)
	if s := closest(key, keysOf(fields)); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

func keysOf(m map[string]reflect.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// structFields returns the YAML keys of a struct type, following inline
// fields, mapped to their Go types.
func structFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range structFields(ft) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, candidates []string) string {
	if near := Similar(s, candidates, 2); len(near) > 0 {
		return near[0]
	}
	return ""
}

// Similar returns the candidates within maxDistance edits of s, ignoring
// case, closest first (ties in the candidates' order): the "did you mean"
// of field names, commands and exercise ids.
func Similar(s string, candidates []string, maxDistance int) []string {
	type near struct {
		c string
		d int
	}
	var found []near
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d <= maxDistance {
			found = append(found, near{c, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].d < found[j].d })
	out := make([]string, len(found))
	for i, n := range found {
		out[i] = n.c
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// aliasBomb reports whether the values of n, with its aliases followed,
// exceed maxExpansion, and the line of the first alias that expands to
// more. yaml.v3 bounds aliases in what it decodes, but the field walker
// and the validation see the whole tree: a 2 KB file of aliases of
// aliases would be a billion values to them.
func aliasBomb(n *yaml.Node) (line int, big bool) {
	sizes := map[*yaml.Node]int{}
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if s, ok := sizes[n]; ok {
			return s
		}
		sizes[n] = maxExpansion + 1 // an alias of itself (yaml.v3 refuses those)
		s := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			s = size(n.Alias)
			if s > maxExpansion && line == 0 {
				line = n.Line
			}
		}
		for _, c := range n.Content {
			s = min(s+size(c), maxExpansion+1)
		}
		sizes[n] = s
		return s
	}
	if size(n) <= maxExpansion {
		return 0, false
	}
	if line == 0 {
		line = n.Line
	}
	return line, true
}

type duplicateKey struct {
	field, key  string
	line, first int
}

// duplicateKeys finds the keys given twice in one mapping, anywhere in n
// (aliases are checked where their anchors are).
func duplicateKeys(n *yaml.Node, path string) []duplicateKey {
	var out []duplicateKey
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			fp := joinPath(path, k.Value)
			if k.Kind == yaml.ScalarNode && k.Value != "<<" {
				if first, dup := seen[k.Value]; dup {
					out = append(out, duplicateKey{field: fp, key: k.Value, line: k.Line, first: first})
				} else {
					seen[k.Value] = k.Line
				}
			}
			out = append(out, duplicateKeys(n.Content[i+1], fp)...)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for i, c := range n.Content {
			out = append(out, duplicateKeys(c, indexPath(path, i))...)
		}
	}
	return out
}
