package lessons

import (
	"strings"
	"testing"
)

func TestRenameNamespaces(t *testing.T) {
	ex := &Exercise{
		ID:         "services/svc-3",
		Namespaces: []Namespace{{Name: "svc-3"}, {Name: "np-2"}},
		Task:       "Expose `web` in namespace `svc-3` on web.svc-3.svc.cluster.local; leave svc-30 and np-2-ext alone.",
		Hints:      []string{"kubectl -n svc-3 get svc", "np-2/web"},
		Setup:      []Step{{Apply: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: np-2\n"}},
		Checks:     []Check{{Title: "web in svc-3"}},
		Solution:   Solution{Steps: []Step{{Run: "kubectl -n svc-3 expose deploy web --port 80"}}},
	}
	m := ex.RenameNamespaces(func(ns string) string { return "alice-" + ns })
	if m.ID != ex.ID {
		t.Errorf("id changed: %s", m.ID)
	}
	if m.Namespaces[0].Name != "alice-svc-3" || m.Namespaces[1].Name != "alice-np-2" || m.DefaultNamespace() != "alice-svc-3" {
		t.Errorf("namespaces: %+v", m.Namespaces)
	}
	want := "Expose `web` in namespace `alice-svc-3` on web.alice-svc-3.svc.cluster.local; leave svc-30 and np-2-ext alone."
	if m.Task != want {
		t.Errorf("task:\n got %s\nwant %s", m.Task, want)
	}
	if m.Hints[0] != "kubectl -n alice-svc-3 get svc" || m.Hints[1] != "alice-np-2/web" {
		t.Errorf("hints: %q", m.Hints)
	}
	if !strings.Contains(m.Setup[0].Apply, "namespace: alice-np-2\n") || m.Checks[0].Title != "web in alice-svc-3" ||
		m.Solution.Steps[0].Run != "kubectl -n alice-svc-3 expose deploy web --port 80" {
		t.Errorf("manifest, check or solution not renamed: %q %q %q", m.Setup[0].Apply, m.Checks[0].Title, m.Solution.Steps[0].Run)
	}
	if ex.Task == m.Task || ex.Namespaces[0].Name != "svc-3" {
		t.Error("the original exercise changed")
	}
}
