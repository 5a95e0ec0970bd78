package class

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// ClusterAddons are the add-ons a class's cluster serves, as
// lab.Capabilities finds them with the instructor's rights (learners
// cannot read the cluster-scoped objects that show them). A nil Have
// counts every add-on as there: the learner's side, whose exercises the
// instructor's selection already checked.
type ClusterAddons struct {
	Have    map[string]bool
	Missing map[string]string
}

// classCapabilities is what a learner on a shared cluster has: every tier
// a real cluster serves, but no shell in a node, and the cluster's
// add-ons. Helm runs on the learner's machine, so it counts as there.
func classCapabilities(ex *lessons.Exercise, addons ClusterAddons) lab.Capabilities {
	c := lab.Capabilities{
		Tiers: map[lessons.Tier]bool{
			lessons.TierAPI: true, lessons.TierControllers: true, lessons.TierKubelet: true, lessons.TierNodeAccess: false,
		},
		Addons:  map[string]bool{ex.Addon: true},
		Workers: ex.Workers,
		Missing: map[string]string{string(lessons.TierNodeAccess): "learners of a class get no shell inside the shared cluster's nodes"},
	}
	if addons.Have != nil && ex.Addon != lab.AddonHelm {
		c.Addons[ex.Addon] = addons.Have[ex.Addon]
		if why := addons.Missing[ex.Addon]; why != "" {
			c.Missing[ex.Addon] = "the class's cluster: " + why
		}
	}
	return c
}

// Unavailable says why an exercise cannot be done in class mode ("" when
// it can): a learner holds rights only in their own namespaces, so an
// exercise that needs a node, changes cluster-wide state, works with
// cluster-scoped objects or outside its own namespaces, or asks the
// learner to create a namespace, cannot be done (or graded) there.
func Unavailable(ex *lessons.Exercise) string { return unavailableOn(ex, ClusterAddons{}) }

// unavailableOn is Unavailable on a cluster with these add-ons.
func unavailableOn(ex *lessons.Exercise, addons ClusterAddons) string {
	if ok, why := classCapabilities(ex, addons).Serves(ex); !ok {
		return why
	}
	if ex.Exclusive {
		return "it changes cluster-wide state that the whole class shares"
	}
	if lvl := ex.PodSecurityLevel(); lessons.WeakerPodSecurity(lvl, lessons.DefaultPodSecurity) {
		return fmt.Sprintf("it needs Pod Security %s, and a class's namespaces enforce at least %s", lvl, lessons.DefaultPodSecurity)
	}
	if len(ex.Namespaces) == 0 {
		return "it works in the default namespace, which learners of a class share"
	}
	own := make([]string, 0, len(ex.Namespaces))
	for _, ns := range ex.Namespaces {
		if ns.LearnerCreates {
			return fmt.Sprintf("it asks the learner to create namespace %s, and learners of a class cannot create namespaces", ns.Name)
		}
		own = append(own, ns.Name)
	}
	refs := lessons.CheckRefs(ex.Checks)
	for _, s := range ex.Setup {
		if s.Delete != nil {
			refs = append(refs, *s.Delete)
		}
		if s.NodeLabel != nil || s.NodeTaint != nil {
			return "its start state changes a node"
		}
		if s.Apply != "" {
			docs, _ := lessons.ParseManifests(s.Apply)
			for _, d := range docs {
				refs = append(refs, lessons.ObjectRef{APIVersion: d.Object.GetAPIVersion(), Kind: d.Object.GetKind(), Name: d.Object.GetName(), Namespace: d.Object.GetNamespace()})
			}
		}
	}
	for _, c := range ex.Cleanup {
		if c.Delete != nil || c.Restore != nil || c.NodeLabel != nil || c.NodeTaint != nil || c.Node != "" {
			return "its reset undoes changes outside its namespaces"
		}
	}
	for _, r := range refs {
		switch {
		case classOwned[r.Kind] != "":
			return fmt.Sprintf("it works with the %s of its namespace, which in a class belongs to the instructor", classOwned[r.Kind])
		case lessons.ClusterScoped(r.Kind) || !builtin(r):
			return fmt.Sprintf("it works with %s, which is cluster-scoped (or a custom kind), and learners of a class hold rights only in their own namespaces", r.Kind)
		case r.Namespace != "" && !slices.Contains(own, r.Namespace):
			return fmt.Sprintf("it works in namespace %s, outside its own namespaces", r.Namespace)
		}
	}
	return ""
}

// classOwned are the kinds of namespace settings a class fixes for each
// learner namespace (Pod Security labels, the budget): learners may read
// them, not change them.
var classOwned = map[string]string{"Namespace": "labels and settings", "ResourceQuota": "quota", "LimitRange": "limits"}

// builtin reports whether a reference names a built-in kind (whose scope
// lessons knows), not a custom resource.
func builtin(r lessons.ObjectRef) bool {
	gvk, ok := lessons.BuiltinKind(r.Kind)
	if !ok || r.APIVersion == "" {
		return ok
	}
	group, _, _ := strings.Cut(r.APIVersion, "/")
	if !strings.Contains(r.APIVersion, "/") {
		group = ""
	}
	return group == gvk.Group
}

// Selection is the exercises a class runs, and those it left out with the
// reason.
type Selection struct {
	Exercises []*lessons.Exercise
	// Left maps a left-out exercise's id to why class mode cannot run it.
	Left map[string]string
}

// Select picks a class's exercises from a course: the exercises and
// lessons named in sel (comma-separated ids; empty for the whole course).
// Exercises class mode cannot run are left out with the reason; naming one
// explicitly is an error, as is a name that matches nothing. Add-ons count
// as there; SelectOn checks them on the class's cluster.
func Select(c *lessons.Course, sel string) (Selection, error) {
	return SelectOn(c, sel, ClusterAddons{})
}

// SelectOn is Select on a cluster that serves these add-ons: an exercise
// whose add-on it lacks is left out, with what is missing.
func SelectOn(c *lessons.Course, sel string, addons ClusterAddons) (Selection, error) {
	out := Selection{Left: map[string]string{}}
	var picked []*lessons.Exercise
	explicit := map[string]bool{}
	if strings.TrimSpace(sel) == "" {
		picked = c.Exercises()
	}
	for _, name := range strings.Split(sel, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if ex := c.Exercise(name); ex != nil {
			picked = append(picked, ex)
			explicit[ex.ID] = true
			continue
		}
		l := c.Lesson(name)
		if l == nil {
			return out, fmt.Errorf("--exercises: %q is neither a lesson nor an exercise (kubedojo list shows them)", name)
		}
		picked = append(picked, l.Exercises()...)
	}
	var refused []string
	for _, ex := range picked {
		if slices.Contains(out.Exercises, ex) {
			continue
		}
		if why := unavailableOn(ex, addons); why != "" {
			if explicit[ex.ID] {
				refused = append(refused, fmt.Sprintf("%s: %s", ex.ID, why))
			}
			out.Left[ex.ID] = why
			continue
		}
		out.Exercises = append(out.Exercises, ex)
	}
	if len(refused) > 0 {
		return out, fmt.Errorf("class mode cannot run:\n  %s", strings.Join(refused, "\n  "))
	}
	if len(out.Exercises) == 0 {
		return out, fmt.Errorf("--exercises %q selects no exercise that class mode can run", sel)
	}
	return out, nil
}

// RecordExercises lists exercises as the class record holds them.
func RecordExercises(exs []*lessons.Exercise) []Exercise {
	out := make([]Exercise, 0, len(exs))
	for _, ex := range exs {
		e := Exercise{ID: ex.ID}
		if lessons.WeakerPodSecurity(lessons.DefaultPodSecurity, ex.PodSecurityLevel()) {
			e.PodSecurity = ex.PodSecurityLevel()
		}
		for _, ns := range ex.Namespaces {
			e.Namespaces = append(e.Namespaces, ns.Name)
		}
		out = append(out, e)
	}
	return out
}
