package lessons_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// TestEveryCheckKindHasASpec walks the fields of Check: every kind field
// is listed in CheckKinds, and a check with only that field set reports the
// kind and its spec, so a kind cannot be declared without its lessons half.
func TestEveryCheckKindHasASpec(t *testing.T) {
	common := map[string]bool{"id": true, "title": true, "message": true, "eventually": true, "points": true}
	var fields []string
	ct := reflect.TypeOf(lessons.Check{})
	for i := 0; i < ct.NumField(); i++ {
		f := ct.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if common[name] {
			continue
		}
		fields = append(fields, name)
		var c lessons.Check
		v := reflect.ValueOf(&c).Elem().Field(i)
		switch f.Type.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(f.Type.Elem()))
		case reflect.Slice:
			v.Set(reflect.MakeSlice(f.Type, 1, 1))
		default:
			t.Fatalf("check kind %s is a %s; kinds are pointers to their spec (or lists of checks)", name, f.Type)
		}
		kind, spec := c.Spec()
		if kind != name || spec == nil {
			t.Errorf("check with only %s set: Spec() = %q, %v", name, kind, spec)
		}
		if got := c.Kind(); got != name {
			t.Errorf("check with only %s set: Kind() = %q", name, got)
		}
	}
	if !slices.Equal(fields, lessons.CheckKinds) {
		t.Errorf("Check's kind fields %v differ from CheckKinds %v", fields, lessons.CheckKinds)
	}
	var none lessons.Check
	if kind, spec := none.Spec(); kind != "" || spec != nil {
		t.Errorf("empty check: Spec() = %q, %v", kind, spec)
	}
}
