package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/kubedojo/kubedojo/lessons"
)

// compareOpts are the modifiers of an Expect.
type compareOpts struct {
	caseInsensitive     bool
	normalizeWhitespace bool
	quantity            bool
}

func optsOf(e lessons.Expect) compareOpts {
	return compareOpts{caseInsensitive: e.CaseInsensitive, normalizeWhitespace: e.NormalizeWhitespace, quantity: e.Quantity}
}

// valueResolver turns a Value into a concrete value (reading live values).
type valueResolver func(ctx context.Context, v lessons.Value) (any, error)

// mismatch is a failed comparison: what was expected, in words. The found
// side is added by the caller, which knows how to describe the results;
// a structural comparison (has) names the field that differs in diff
// instead, with both sides.
type mismatch struct {
	expected string
	diff     *diff
}

// describe renders the mismatch of the value at path: "path: expected X,
// found Y", or, for a structural comparison, the differing field under
// path.
func (m *mismatch) describe(path, found string) string {
	if m.diff != nil {
		return m.diff.under(path)
	}
	return path + ": expected " + m.expected + ", found " + found
}

// diff is where two structures differ (path relative to the compared
// value: "httpGet.path", "[1].mountPath", "" for the value itself) and how.
type diff struct{ path, msg string }

func (d diff) String() string { return d.under("") }

// under renders the difference below the field base.
func (d diff) under(base string) string {
	p := d.path
	switch {
	case base == "":
	case p == "":
		p = base
	case strings.HasPrefix(p, "["):
		p = base + p
	default:
		p = base + "." + p
	}
	if p == "" {
		return d.msg
	}
	return p + ": " + d.msg
}

// evalExpect applies every operator of e to results. It returns nil when
// all hold. hide keeps expected values out of messages (answers).
func evalExpect(ctx context.Context, e lessons.Expect, results []any, resolve valueResolver, hide bool) (*mismatch, error) {
	o := optsOf(e)
	show := func(v any) string {
		if hide {
			return "the correct value"
		}
		return lessons.FormatValue(v)
	}
	get := func(v *lessons.Value) (any, error) { return resolve(ctx, *v) }
	getAll := func(vs []lessons.Value) ([]any, error) {
		out := make([]any, len(vs))
		for i := range vs {
			x, err := resolve(ctx, vs[i])
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}

	if e.Exists != nil {
		has := len(results) > 0 && !(len(results) == 1 && results[0] == nil)
		if *e.Exists && !has {
			return &mismatch{expected: "a value"}, nil
		}
		if !*e.Exists && has {
			return &mismatch{expected: "no value"}, nil
		}
	}
	if e.Count != nil && len(results) != *e.Count {
		return &mismatch{expected: fmt.Sprintf("%d value(s)", *e.Count)}, nil
	}
	single := func() (any, bool) {
		if len(results) == 1 {
			return results[0], true
		}
		return nil, false
	}
	if e.Equals != nil {
		want, err := get(e.Equals)
		if err != nil {
			return nil, err
		}
		if list, isList := want.([]any); isList {
			if !valuesEqual(list, flatten(results), o) {
				return &mismatch{expected: show(want)}, nil
			}
		} else if got, ok := single(); !ok || !valuesEqual(want, got, o) {
			return &mismatch{expected: show(want)}, nil
		}
	}
	if e.NotEquals != nil {
		not, err := get(e.NotEquals)
		if err != nil {
			return nil, err
		}
		if got, ok := single(); ok && valuesEqual(not, got, o) {
			return &mismatch{expected: "anything but " + show(not)}, nil
		}
	}
	if len(e.OneOf) > 0 {
		options, err := getAll(e.OneOf)
		if err != nil {
			return nil, err
		}
		got, ok := single()
		match := false
		for _, opt := range options {
			if ok && valuesEqual(opt, got, o) {
				match = true
				break
			}
		}
		if !match {
			if hide {
				return &mismatch{expected: "the correct value"}, nil
			}
			return &mismatch{expected: "one of " + lessons.FormatValue(options)}, nil
		}
	}
	text := joinResults(results)
	if e.Contains != nil {
		sub, err := get(e.Contains)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(normText(text, o), normText(fmt.Sprint(sub), o)) {
			return &mismatch{expected: "text containing " + show(fmt.Sprint(sub))}, nil
		}
	}
	if e.NotContains != nil {
		sub, err := get(e.NotContains)
		if err != nil {
			return nil, err
		}
		if strings.Contains(normText(text, o), normText(fmt.Sprint(sub), o)) {
			return &mismatch{expected: "text without " + show(fmt.Sprint(sub))}, nil
		}
	}
	if e.Matches != "" {
		pattern := e.Matches
		if o.caseInsensitive {
			pattern = "(?i)" + pattern
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, envErrorf("the exercise's regular expression is invalid: %v", err)
		}
		if !re.MatchString(text) {
			if hide {
				return &mismatch{expected: "the correct value"}, nil
			}
			return &mismatch{expected: fmt.Sprintf("text matching /%s/", e.Matches)}, nil
		}
	}
	flat := flatten(results)
	if len(e.Includes) > 0 {
		want, err := getAll(e.Includes)
		if err != nil {
			return nil, err
		}
		for _, w := range want {
			if !containsValue(flat, w, o) {
				if _, isMap := normalizeNumber(w).(map[string]any); isMap && !hide {
					if d := itemDiff(normalizeNumber(w), flat, ""); d.msg != "" {
						return &mismatch{expected: "values including " + show(w), diff: &d}, nil
					}
				}
				return &mismatch{expected: "values including " + show(w)}, nil
			}
		}
	}
	if len(e.Excludes) > 0 {
		bad, err := getAll(e.Excludes)
		if err != nil {
			return nil, err
		}
		for _, b := range bad {
			if containsValue(flat, b, o) {
				return &mismatch{expected: "values without " + show(b)}, nil
			}
		}
	}
	if len(e.EqualsSet) > 0 {
		want, err := getAll(e.EqualsSet)
		if err != nil {
			return nil, err
		}
		if !setEqual(want, flat, o) {
			return &mismatch{expected: "exactly " + show(want) + " in any order"}, nil
		}
	}
	if e.Has != nil {
		var got any = flat
		if v, ok := single(); ok {
			got = v
		}
		if ok, d := subset(e.Has, got, ""); !ok {
			if hide {
				return &mismatch{expected: "the correct value"}, nil
			}
			return &mismatch{expected: "a value where " + d.String(), diff: &d}, nil
		}
	}
	for _, cmp := range []struct {
		v    *lessons.Value
		name string
		ok   func(c int) bool
	}{
		{e.GreaterThan, "more than", func(c int) bool { return c > 0 }},
		{e.AtLeast, "at least", func(c int) bool { return c >= 0 }},
		{e.LessThan, "less than", func(c int) bool { return c < 0 }},
		{e.AtMost, "at most", func(c int) bool { return c <= 0 }},
	} {
		if cmp.v == nil {
			continue
		}
		want, err := get(cmp.v)
		if err != nil {
			return nil, err
		}
		got, ok := single()
		if !ok {
			return &mismatch{expected: cmp.name + " " + show(want)}, nil
		}
		c, comparable := compareNumbers(got, want)
		if !comparable || !cmp.ok(c) {
			return &mismatch{expected: cmp.name + " " + show(want)}, nil
		}
	}
	return nil, nil
}

// describeResults renders what a path yielded, for "found …".
func describeResults(results []any) string {
	switch len(results) {
	case 0:
		return "nothing"
	case 1:
		return lessons.FormatValue(results[0])
	}
	return lessons.FormatValue(results)
}

func joinResults(results []any) string {
	parts := make([]string, 0, len(results))
	for _, r := range results {
		switch t := r.(type) {
		case string:
			parts = append(parts, t)
		case nil:
		default:
			parts = append(parts, lessons.FormatValue(t))
		}
	}
	return strings.Join(parts, "\n")
}

// flatten turns a single list result into its items, so set operators work
// whether a path yields many values or one list.
func flatten(results []any) []any {
	if len(results) == 1 {
		if l, ok := results[0].([]any); ok {
			return l
		}
	}
	return results
}

func normText(s string, o compareOpts) string {
	if o.normalizeWhitespace {
		s = strings.Join(strings.Fields(s), " ")
	}
	if o.caseInsensitive {
		s = strings.ToLower(s)
	}
	return s
}

func containsValue(list []any, v any, o compareOpts) bool {
	for _, x := range list {
		if valuesEqual(v, x, o) {
			return true
		}
	}
	return false
}

func setEqual(want, got []any, o compareOpts) bool {
	if len(want) != len(got) {
		return false
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && valuesEqual(w, g, o) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// valuesEqual compares an expected value with a found one the way a person
// would: 80 equals "80", true equals "true", "128Mi" equals 134217728 in
// quantity mode, maps and lists element by element.
func valuesEqual(want, got any, o compareOpts) bool {
	want, got = normalizeNumber(want), normalizeNumber(got)
	if o.quantity {
		if a, ok := toQuantity(want); ok {
			if b, ok := toQuantity(got); ok {
				return a.Cmp(b) == 0
			}
		}
	}
	switch w := want.(type) {
	case nil:
		return got == nil || got == ""
	case string:
		switch g := got.(type) {
		case string:
			return normText(w, o) == normText(g, o)
		case float64:
			f, err := strconv.ParseFloat(w, 64)
			return err == nil && f == g
		case bool:
			return strings.EqualFold(w, strconv.FormatBool(g))
		}
		return false
	case float64:
		switch g := got.(type) {
		case float64:
			return w == g
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(g), 64)
			return err == nil && f == w
		}
		return false
	case bool:
		switch g := got.(type) {
		case bool:
			return w == g
		case string:
			return strings.EqualFold(g, strconv.FormatBool(w))
		}
		return false
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !valuesEqual(w[i], g[i], o) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			if !valuesEqual(v, g[k], o) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// normalizeNumber maps every numeric type to float64 and string-keyed maps
// from YAML to map[string]any.
func normalizeNumber(v any) any {
	switch t := v.(type) {
	case int:
		return float64(t)
	case int32:
		return float64(t)
	case int64:
		return float64(t)
	case uint64:
		return float64(t)
	case float32:
		return float64(t)
	case json.Number:
		f, _ := t.Float64()
		return f
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = x
		}
		return m
	}
	return v
}

func toQuantity(v any) (resource.Quantity, bool) {
	switch t := normalizeNumber(v).(type) {
	case string:
		q, err := resource.ParseQuantity(strings.TrimSpace(t))
		return q, err == nil
	case float64:
		if t == math.Trunc(t) {
			return *resource.NewQuantity(int64(t), resource.DecimalSI), true
		}
		return *resource.NewMilliQuantity(int64(math.Round(t*1000)), resource.DecimalSI), true
	}
	return resource.Quantity{}, false
}

// compareNumbers compares numbers or quantities; comparable is false when
// either side is neither.
func compareNumbers(got, want any) (c int, comparable bool) {
	a, ok1 := toQuantity(got)
	b, ok2 := toQuantity(want)
	if !ok1 || !ok2 {
		return 0, false
	}
	return a.Cmp(b), true
}

// subset reports whether got contains the structure want: maps by key,
// lists with every wanted item matched by some found item (the words of a
// command in order), zero values matching absent fields, quantities
// compared as quantities and strings compared with whitespace collapsed.
// The diff names the first field that differs, below path.
func subset(want, got any, path string) (ok bool, d diff) {
	want, got = normalizeNumber(want), normalizeNumber(got)
	differ := func(msg string) (bool, diff) { return false, diff{path: path, msg: msg} }
	expectedFound := func() (bool, diff) {
		return differ("expected " + lessons.FormatValue(want) + ", found " + lessons.FormatValue(got))
	}
	switch w := want.(type) {
	case map[string]any:
		g, isMap := got.(map[string]any)
		if !isMap {
			if got == nil && isZeroTree(w) {
				return true, diff{}
			}
			return expectedFound()
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := k
			if path != "" {
				child = path + "." + k
			}
			gv, present := g[k]
			if !present {
				if isZero(w[k]) {
					continue
				}
				return false, diff{path: child, msg: "expected " + lessons.FormatValue(w[k]) + ", found nothing"}
			}
			if wl, ok := w[k].([]any); ok && isArgvKey(k) {
				if gl, ok := gv.([]any); ok {
					if ok, d := argvSubset(wl, gl, child); !ok {
						return false, d
					}
					continue
				}
			}
			if ok, d := subset(w[k], gv, child); !ok {
				return false, d
			}
		}
		return true, diff{}
	case []any:
		g, isList := got.([]any)
		if !isList {
			if got == nil && len(w) == 0 {
				return true, diff{}
			}
			return differ("expected a list containing " + lessons.FormatValue(w) + ", found " + lessons.FormatValue(got))
		}
		for _, item := range w {
			matched := false
			for _, gi := range g {
				if ok, _ := subset(item, gi, ""); ok {
					matched = true
					break
				}
			}
			if !matched {
				return false, itemDiff(item, g, path)
			}
		}
		return true, diff{}
	case nil:
		return true, diff{}
	}
	if got == nil {
		if isZero(want) {
			return true, diff{}
		}
		return differ("expected " + lessons.FormatValue(want) + ", found nothing")
	}
	if ws, ok := want.(string); ok {
		if gs, ok := got.(string); ok {
			if strings.Join(strings.Fields(ws), " ") == strings.Join(strings.Fields(gs), " ") {
				return true, diff{}
			}
			if a, err := resource.ParseQuantity(ws); err == nil {
				if b, err := resource.ParseQuantity(gs); err == nil && a.Cmp(b) == 0 {
					return true, diff{}
				}
			}
			return expectedFound()
		}
	}
	if valuesEqual(want, got, compareOpts{}) {
		return true, diff{}
	}
	// Under resources and storage requests, 134217728 and "128Mi" are the
	// same amount.
	if strings.Contains(path, "resources") || strings.Contains(path, "storage") {
		if valuesEqual(want, got, compareOpts{quantity: true}) {
			return true, diff{}
		}
	}
	return expectedFound()
}

// itemDiff explains why no item of got contains item: it compares item
// with its counterpart (the entry with the same name, else the one that
// agrees on most fields) and names the field that differs there.
func itemDiff(item any, got []any, path string) diff {
	at := func(i int) string { return fmt.Sprintf("%s[%d]", path, i) }
	if w, ok := item.(map[string]any); ok {
		if name, named := w["name"].(string); named {
			var names []string
			for i, gi := range got {
				gm, _ := gi.(map[string]any)
				if gm["name"] == name {
					_, d := subset(w, gm, at(i))
					return d
				}
				if n, ok := gm["name"].(string); ok {
					names = append(names, n)
				}
			}
			if len(names) > 0 {
				return diff{path: path, msg: fmt.Sprintf("no item with name %q (found %s)", name, strings.Join(names, ", "))}
			}
		}
		best, bestScore := -1, 0
		for i, gi := range got {
			gm, ok := gi.(map[string]any)
			if !ok {
				continue
			}
			score := 0
			for k, v := range w {
				if ok, _ := subset(v, gm[k], ""); ok {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best >= 0 {
			_, d := subset(w, got[best], at(best))
			return d
		}
	}
	return diff{path: path, msg: "expected an item " + lessons.FormatValue(item) + ", found " + lessons.FormatValue(got)}
}

func isZero(v any) bool {
	switch t := normalizeNumber(v).(type) {
	case nil:
		return true
	case bool:
		return !t
	case float64:
		return t == 0
	case string:
		return t == ""
	case map[string]any:
		return isZeroTree(t)
	case []any:
		return len(t) == 0
	}
	return false
}

func isZeroTree(m map[string]any) bool {
	for _, v := range m {
		if !isZero(v) {
			return false
		}
	}
	return true
}

// isArgvKey reports whether a field holds a command's words (a container's
// command and args, an exec probe or hook): they run in order, so they are
// compared as a sequence, not as a set.
func isArgvKey(k string) bool { return k == "command" || k == "args" }

// argvSubset compares a command's words in order; why names both sides and
// says so when only the order differs.
func argvSubset(want, got []any, path string) (bool, diff) {
	if argvEqual(want, got) {
		return true, diff{}
	}
	msg := "expected " + lessons.FormatValue(want) + ", found " + lessons.FormatValue(got)
	if setEqual(want, got, compareOpts{normalizeWhitespace: true}) {
		msg += " (the words of a command run in order)"
	}
	return false, diff{path: path, msg: msg}
}

// argvEqual compares two commands word by word, accepting what runs the
// same: the program by absolute path or by name ("/bin/sh" and "sh") and
// other whitespace inside a word ("sleep 5 ; x" and "sleep 5; x").
func argvEqual(want, got []any) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		w, ok1 := normalizeNumber(want[i]).(string)
		g, ok2 := normalizeNumber(got[i]).(string)
		if !ok1 || !ok2 {
			if !valuesEqual(want[i], got[i], compareOpts{}) {
				return false
			}
			continue
		}
		if i == 0 && sameProgram(w, g) {
			continue
		}
		if normScript(w) != normScript(g) {
			return false
		}
	}
	return true
}

// sameProgram reports whether two program words name the same binary: equal,
// or one is the other's name given by an absolute path.
func sameProgram(a, b string) bool {
	if a == b {
		return true
	}
	if strings.HasPrefix(a, "/") == strings.HasPrefix(b, "/") {
		return false
	}
	return path.Base(a) == path.Base(b)
}

// scriptSpaceRE matches blanks around shell separators, which do not change
// what a script does.
var scriptSpaceRE = regexp.MustCompile(`\s*([;|&])\s*`)

// normScript collapses the whitespace of one command word and the blanks
// around shell separators, and drops a trailing ";".
func normScript(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = scriptSpaceRE.ReplaceAllString(s, "$1")
	return strings.TrimSuffix(s, ";")
}
