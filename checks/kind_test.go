package checks

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// TestEveryCheckKindIsRegistered walks the kinds lessons declares: each
// has an evaluator for its spec type and either dependencies or says that
// it is polled, and nothing else is registered.
func TestEveryCheckKindIsRegistered(t *testing.T) {
	for _, name := range lessons.CheckKinds {
		k, ok := checkKinds[name]
		if !ok {
			t.Errorf("check kind %s is not registered (register it from its file in checks)", name)
			continue
		}
		if k.eval == nil || (k.deps == nil) != k.polled {
			t.Errorf("check kind %s: evaluator %t, dependencies %t, polled %t", name, k.eval != nil, k.deps != nil, k.polled)
		}
		_, spec := checkOfKind(t, name).Spec()
		if got := reflect.TypeOf(spec); got != k.spec {
			t.Errorf("check kind %s is registered for %s, but lessons gives it a %s", name, k.spec, got)
		}
	}
	for name := range checkKinds {
		if !slices.Contains(lessons.CheckKinds, name) {
			t.Errorf("check kind %s is registered but lessons does not declare it", name)
		}
	}
}

// checkOfKind is a check with only kind set, to its zero spec.
func checkOfKind(t *testing.T, kind string) *lessons.Check {
	t.Helper()
	var c lessons.Check
	v := reflect.ValueOf(&c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != kind {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Pointer:
			v.Field(i).Set(reflect.New(f.Type.Elem()))
		case reflect.Slice:
			v.Field(i).Set(reflect.MakeSlice(f.Type, 1, 1))
		}
		return &c
	}
	t.Fatalf("Check has no field for kind %s", kind)
	return nil
}
