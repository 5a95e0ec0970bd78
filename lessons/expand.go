package lessons

import (
	"reflect"
	"strings"
)

// Expand returns a deep copy of the exercise with every template variable in
// every string replaced: task, answers, manifests, checks, hints, solution
// and cleanup. Back-pointers (Lesson) are kept as they are.
func (e *Exercise) Expand(v Vars) *Exercise {
	out := expandValue(reflect.ValueOf(e).Elem(), v).Interface().(Exercise)
	return &out
}

// ExpandCheck returns a deep copy of c with template variables replaced.
func ExpandCheck(c Check, v Vars) Check {
	return expandValue(reflect.ValueOf(c), v).Interface().(Check)
}

func expandValue(val reflect.Value, vars Vars) reflect.Value {
	switch val.Kind() {
	case reflect.String:
		return reflect.ValueOf(vars.Expand(val.String())).Convert(val.Type())
	case reflect.Pointer:
		if val.IsNil() {
			return val
		}
		p := reflect.New(val.Type().Elem())
		p.Elem().Set(expandValue(val.Elem(), vars))
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
				out.Field(i).SetString(vars.ExpandShell(val.Field(i).String()))
				continue
			}
			out.Field(i).Set(expandValue(val.Field(i), vars))
		}
		return out
	case reflect.Slice:
		if val.IsNil() {
			return val
		}
		out := reflect.MakeSlice(val.Type(), val.Len(), val.Len())
		for i := 0; i < val.Len(); i++ {
			out.Index(i).Set(expandValue(val.Index(i), vars))
		}
		return out
	case reflect.Map:
		if val.IsNil() {
			return val
		}
		out := reflect.MakeMapWithSize(val.Type(), val.Len())
		iter := val.MapRange()
		for iter.Next() {
			out.SetMapIndex(expandValue(iter.Key(), vars), expandValue(iter.Value(), vars))
		}
		return out
	case reflect.Interface:
		if val.IsNil() {
			return val
		}
		inner := expandValue(val.Elem(), vars)
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
