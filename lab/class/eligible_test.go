package class_test

import (
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lessons"
)

func builtInCourse(t *testing.T) *lessons.Course {
	t.Helper()
	c, err := lessons.Load(assets.Course())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUnavailableInClassMode(t *testing.T) {
	c := builtInCourse(t)
	var avail, left int
	for _, ex := range c.Exercises() {
		why := class.Unavailable(ex)
		if why == "" {
			avail++
		} else {
			left++
		}
		t.Logf("%-50s %s", ex.ID, why)
	}
	if avail < 20 || left < 10 {
		t.Errorf("%d exercises available in class mode, %d not: the rule lets through too much or too little", avail, left)
	}
}

func TestUnavailableReasons(t *testing.T) {
	ns := []lessons.Namespace{{Name: "web"}}
	cases := []struct {
		name string
		ex   lessons.Exercise
		want string // "" = available
	}{
		{"namespaced", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Checks: []lessons.Check{{Exists: &lessons.ObjectRef{Kind: "Deployment", Name: "web"}}}}, ""},
		{"namespace labels", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Checks: []lessons.Check{{Exists: &lessons.ObjectRef{Kind: "Namespace", Name: "web"}}}}, "labels"},
		{"quota", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Setup: []lessons.Step{{Apply: "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n"}}}, "quota"},
		{"cluster-scoped check", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Checks: []lessons.Check{{AllOf: []lessons.Check{{Exists: &lessons.ObjectRef{Kind: "ClusterRole", Name: "x"}}}}}}, "ClusterRole"},
		{"cluster-scoped setup", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Setup: []lessons.Step{{Apply: "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv\n"}}}, "PersistentVolume"},
		{"other namespace", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Checks: []lessons.Check{{Exists: &lessons.ObjectRef{Kind: "Pod", Name: "x", Namespace: "kube-system"}}}}, "kube-system"},
		{"custom kind", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Checks: []lessons.Check{{Exists: &lessons.ObjectRef{APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute", Name: "x"}}}}, "custom"},
		{"node access", lessons.Exercise{Tier: lessons.TierNodeAccess, Namespaces: ns}, "node"},
		{"exclusive", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: ns, Exclusive: true}, "cluster-wide"},
		{"default namespace", lessons.Exercise{Tier: lessons.TierAPI}, "default namespace"},
		{"learner creates", lessons.Exercise{Tier: lessons.TierAPI, Namespaces: []lessons.Namespace{{Name: "x", LearnerCreates: true}}}, "create namespace x"},
	}
	for _, tc := range cases {
		got := class.Unavailable(&tc.ex)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want it to say %q", tc.name, got, tc.want)
		}
	}
}

func TestSelect(t *testing.T) {
	c := builtInCourse(t)
	all, err := class.Select(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Exercises)+len(all.Left) != len(c.Exercises()) {
		t.Errorf("whole course: %d selected + %d left != %d", len(all.Exercises), len(all.Left), len(c.Exercises()))
	}
	var leftID, okID string
	for id := range all.Left {
		leftID = id
		break
	}
	okID = all.Exercises[0].ID
	if _, err := class.Select(c, leftID); err == nil || !strings.Contains(err.Error(), leftID) {
		t.Errorf("naming %s, which class mode cannot run: got %v, want an error naming it", leftID, err)
	}
	got, err := class.Select(c, okID+","+okID)
	if err != nil || len(got.Exercises) != 1 {
		t.Errorf("one exercise named twice: %v, %v", got.Exercises, err)
	}
	if _, err := class.Select(c, "no-such-thing"); err == nil {
		t.Error("an unknown name is accepted")
	}
}

// TestSelectOnAClusterWithoutAnAddon: an exercise whose add-on the class's
// cluster lacks is left out with what is missing (the learners' checks
// would only error); naming it is refused; helm runs on the learner's
// machine, so it never counts against the cluster.
func TestSelectOnAClusterWithoutAnAddon(t *testing.T) {
	c := builtInCourse(t)
	none := class.ClusterAddons{
		Have:    map[string]bool{},
		Missing: map[string]string{"traefik": "Traefik is not installed", "metrics-server": "metrics-server is not installed", "helm": "helm not found on PATH"},
	}
	all, err := class.Select(c, "")
	if err != nil {
		t.Fatal(err)
	}
	on, err := class.SelectOn(c, "", none)
	if err != nil {
		t.Fatal(err)
	}
	dropped := 0
	for _, ex := range all.Exercises {
		why, left := on.Left[ex.ID]
		switch {
		case ex.Tier == lessons.TierAddon && ex.Addon != "helm":
			if !left || !strings.Contains(why, "is not installed") {
				t.Errorf("%s needs %s, which the cluster lacks: left out %v (%q)", ex.ID, ex.Addon, left, why)
			}
			dropped++
		case left:
			t.Errorf("%s was left out: %s", ex.ID, why)
		}
	}
	if dropped == 0 {
		t.Fatal("no selectable exercise needs a cluster add-on: the test proves nothing")
	}
	for _, ex := range all.Exercises {
		if ex.Tier == lessons.TierAddon && ex.Addon != "helm" {
			if _, err := class.SelectOn(c, ex.ID, none); err == nil || !strings.Contains(err.Error(), "not installed") {
				t.Errorf("naming %s on a cluster without %s: %v", ex.ID, ex.Addon, err)
			}
			break
		}
	}
}
