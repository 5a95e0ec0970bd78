package checks

import (
	"fmt"
	"strings"
	"sync"

	"github.com/kubedojo/kubedojo/lessons"
)

// observation is what one check's evaluation noticed besides its verdict:
// the objects it needs that do not exist, so that a report names a missing
// object once instead of under every check that reads it.
type observation struct {
	mu      sync.Mutex
	missing []missingObject
}

// missingObject is an object a check needs that does not exist: label
// names it ("Pod web"), text is the failure that says so.
type missingObject struct{ label, text string }

// missing records that t does not exist and returns text, the failure
// that says so.
func (ev *evaluation) missing(t target, text string) string {
	if ev.obs != nil {
		label := t.gvk.Kind + " " + t.ref.Name
		ev.obs.mu.Lock()
		ev.obs.missing = append(ev.obs.missing, missingObject{label: label, text: text})
		ev.obs.mu.Unlock()
	}
	return text
}

// notFound records that the object t names does not exist and says so.
func (ev *evaluation) notFound(t target) string { return ev.missing(t, notFound(t)) }

// missingNamed is notFound for an object the check names by kind and name.
func (ev *evaluation) missingNamed(kind, ns, name string) string {
	t, err := ev.env.resolve(lessons.ObjectRef{Kind: kind, Name: name, Namespace: ns}, ns)
	if err != nil {
		return fmt.Sprintf("%s %q not found in namespace %s", kind, name, ns)
	}
	return ev.notFound(t)
}

// needs returns the missing object a failure is about, "" when it is
// about something else (or about several things, as anyOf failures are).
func (o *observation) needs(detail string) string {
	if o == nil || strings.Contains(detail, "; or ") {
		return ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range o.missing {
		if strings.Contains(detail, m.text) {
			return m.label
		}
	}
	return ""
}

// presented is a report as callers see it: when several failing checks
// need the same missing object, the first says that it is missing and the
// others point at it.
func presented(rep Report) Report {
	rep.Results = append([]Result(nil), rep.Results...)
	said := map[string]bool{}
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Status != Fail || r.needs == "" {
			continue
		}
		if said[r.needs] {
			r.Detail = "needs " + r.needs + ", which does not exist"
		}
		said[r.needs] = true
	}
	return rep
}
