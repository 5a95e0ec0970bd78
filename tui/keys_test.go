package tui

import (
	"testing"
)

// TestNoKeyConflictsOnAnyScreen collects the bindings active on each
// screen (the page's and the global ones, as help shows them) and checks
// that no key does two things there.
func TestNoKeyConflictsOnAnyScreen(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			a := newApp(t, 80, 24, sc.opts...)
			sc.run(t, a)
			seen := map[string]string{}
			for _, group := range a.m.keys().FullHelp() {
				for _, b := range group {
					if !b.Enabled() {
						continue
					}
					if b.Help().Key == "" || b.Help().Desc == "" {
						t.Errorf("binding %v has no help", b.Keys())
					}
					for _, k := range b.Keys() {
						if other, ok := seen[k]; ok && other != b.Help().Desc {
							t.Errorf("key %q means both %q and %q", k, other, b.Help().Desc)
						}
						seen[k] = b.Help().Desc
					}
				}
			}
			if len(seen) == 0 {
				t.Error("no bindings on this screen")
			}
		})
	}
}
