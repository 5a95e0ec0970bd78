package lessons

import (
	"reflect"
	"strings"
)

// Expand returns a deep copy of the exercise with every template variable in
// every string replaced: task, answers, manifests, checks, hints, solution
// and cleanup. Back-pointers (Lesson) are kept as they are.
func (e *Exercise) Expand(v Vars) *Exercise {
	return e.rewrite(rewriter{plain: v.Expand, shell: v.ExpandShell})
}

// ExpandCheck returns a deep copy of c with template variables replaced.
func ExpandCheck(c Check, v Vars) Check {
	return expandValue(reflect.ValueOf(c), rewriter{plain: v.Expand, shell: v.ExpandShell}).Interface().(Check)
}

// rewriter rewrites every string of an exercise: plain for text,
// manifests and check fields, shell for fields tagged template:"shell"
// (scripts, where an inserted value must stay one word).
type rewriter struct {
	plain, shell func(string) string
}

// rewrite is a deep copy of the exercise with every string rewritten; the
// exercise's identity (ID, File, Lesson) is kept as it is.
func (e *Exercise) rewrite(rw rewriter) *Exercise {
	out := expandValue(reflect.ValueOf(e).Elem(), rw).Interface().(Exercise)
	out.ID = e.ID
	return &out
}

func expandValue(val reflect.Value, rw rewriter) reflect.Value {
	switch val.Kind() {
	case reflect.String:
		return reflect.ValueOf(rw.plain(val.String())).Convert(val.Type())
	case reflect.Pointer:
		if val.IsNil() {
			return val
		}
		p := reflect.New(val.Type().Elem())
		p.Elem().Set(expandValue(val.Elem(), rw))
		return p
	case reflect.Struct:
		out := reflect.New(val.Type()).Elem()
		out.Set(val) // keeps unexported fields (step lines) and back-pointers
		t := val.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("yaml") == "-" {
				continue
			}
			if f.Tag.Get("template") == "shell" && f.Type.Kind() == reflect.String {
				out.Field(i).SetString(rw.shell(val.Field(i).String()))
				continue
			}
			out.Field(i).Set(expandValue(val.Field(i), rw))
		}
		return out
	case reflect.Slice:
		if val.IsNil() {
			return val
		}
		out := reflect.MakeSlice(val.Type(), val.Len(), val.Len())
		for i := 0; i < val.Len(); i++ {
			out.Index(i).Set(expandValue(val.Index(i), rw))
		}
		return out
	case reflect.Map:
		if val.IsNil() {
			return val
		}
		out := reflect.MakeMapWithSize(val.Type(), val.Len())
		iter := val.MapRange()
		for iter.Next() {
			out.SetMapIndex(expandValue(iter.Key(), rw), expandValue(iter.Value(), rw))
		}
		return out
	case reflect.Interface:
		if val.IsNil() {
			return val
		}
		inner := expandValue(val.Elem(), rw)
		out := reflect.New(val.Type()).Elem()
		out.Set(inner)
		return out
	}
	return val
}

// HasTemplateVars reports whether s still holds {{VARS}} (for example
// because the lab was not up when the text was expanded).
func HasTemplateVars(s string) bool {
	return strings.Contains(s, "{{") && templateRE.MatchString(s)
}
