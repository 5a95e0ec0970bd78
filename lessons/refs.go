package lessons

import "reflect"

// CheckRefs returns every object reference in the checks (nested ones
// too), wherever a check kind keeps it, so that a new kind needs no change
// in the code that asks which objects an exercise grades.
func CheckRefs(cs []Check) []ObjectRef {
	var out []ObjectRef
	refType := reflect.TypeOf(ObjectRef{})
	walkStructs(reflect.ValueOf(cs), func(v reflect.Value) bool {
		if v.Type() == refType {
			out = append(out, v.Interface().(ObjectRef))
			return false
		}
		return true
	})
	return out
}

// walkStructs calls visit for every struct in v, through pointers,
// interfaces, slices and exported fields; visit returns whether to walk
// into the struct's fields.
func walkStructs(v reflect.Value, visit func(reflect.Value) bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStructs(v.Elem(), visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkStructs(v.Index(i), visit)
		}
	case reflect.Struct:
		if !visit(v) {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkStructs(v.Field(i), visit)
			}
		}
	}
}
