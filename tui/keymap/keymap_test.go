package keymap

import (
	"reflect"
	"testing"

	"charm.land/bubbles/v2/key"
)

// TestEveryBindingHasHelp walks every binding of the key map: each needs
// keys and help text, or it would be an undocumented key.
func TestEveryBindingHasHelp(t *testing.T) {
	k := Default()
	v := reflect.ValueOf(k).Elem()
	n := 0
	for i := range v.NumField() {
		b, ok := v.Field(i).Interface().(key.Binding)
		if !ok {
			t.Errorf("field %s is not a key.Binding", v.Type().Field(i).Name)
			continue
		}
		n++
		name := v.Type().Field(i).Name
		if len(b.Keys()) == 0 {
			t.Errorf("%s has no keys", name)
		}
		if b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("%s has no help (%+v)", name, b.Help())
		}
	}
	if n < 20 {
		t.Errorf("only %d bindings found; the walk is broken", n)
	}
}

func TestGlobalKeysDoNotCollide(t *testing.T) {
	k := Default()
	seen := map[string]string{}
	for _, b := range append(k.Global(), k.Scroll()...) {
		for _, key := range b.Keys() {
			if other, ok := seen[key]; ok {
				t.Errorf("key %q is bound to %q and %q", key, other, b.Help().Desc)
			}
			seen[key] = b.Help().Desc
		}
	}
}

func TestBoardKeysDoNotCollide(t *testing.T) {
	k := Default()
	seen := map[string]string{}
	for _, b := range append(k.Global(), k.Board()...) {
		for _, key := range b.Keys() {
			if other, ok := seen[key]; ok {
				t.Errorf("key %q is bound to %q and %q", key, other, b.Help().Desc)
			}
			seen[key] = b.Help().Desc
		}
	}
}
