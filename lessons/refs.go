package lessons

import "reflect"

// CheckRefs returns every object reference in the checks (nested ones
// too), wherever a check kind keeps it, so that a new kind needs no change
// in the code that asks which objects an exercise grades.
func CheckRefs(cs []Check) []ObjectRef {
	var out []ObjectRef
	refType := reflect.TypeOf(ObjectRef{})
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				visit(v.Index(i))
			}
		case reflect.Struct:
			if v.Type() == refType {
				out = append(out, v.Interface().(ObjectRef))
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		}
	}
	visit(reflect.ValueOf(cs))
	return out
}
