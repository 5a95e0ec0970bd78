package lessons

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Power is something an exercise does that reaches past its own
// namespaces: pods that Pod Security baseline would refuse, node
// directories, powerful RoleBindings, commands inside the lab's nodes. A
// pack that is not the built-in course shows its powers to the learner and
// runs only once they agree.
type Power struct {
	// Exercise is the exercise's id.
	Exercise string
	// What says what it does, in the learner's words.
	What string
}

func (p Power) String() string { return p.Exercise + ": " + p.What }

// Powers lists the powers of every exercise in the course, in course
// order; none for a course that keeps to its namespaces.
func Powers(c *Course) []Power {
	var out []Power
	for _, ex := range c.Exercises() {
		for _, w := range exercisePowers(ex) {
			out = append(out, Power{Exercise: ex.ID, What: w})
		}
	}
	return out
}

// openSubjects are the subjects that stand for many people at once.
var openSubjects = map[string]string{
	"system:anonymous":       "anyone who reaches the API server",
	"system:unauthenticated": "anyone who reaches the API server",
	"system:authenticated":   "every user of the cluster",
}

func exercisePowers(ex *Exercise) []string {
	var out []string
	add := func(format string, args ...any) {
		if s := fmt.Sprintf(format, args...); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if ex.PodSecurityLevel() == "privileged" {
		add("its namespaces admit privileged pods (%s)", ex.PodSecurity.Reason)
	}
	steps := func(phase string, ss []Step) {
		for _, s := range ss {
			if s.Node != "" {
				add("%s runs commands as root inside a lab node", phase)
			}
			if s.Apply == "" {
				continue
			}
			docs, _ := ParseManifests(SampleVars.Expand(s.Apply))
			powerful := powerfulRoles(docs)
			for _, d := range docs {
				for _, w := range manifestPowers(d.Object, powerful) {
					add("%s %s", phase, w)
				}
			}
		}
	}
	steps("its start state", ex.Setup)
	steps("its reference solution (kubedojo verify)", ex.Solution.Steps)
	for _, c := range ex.Cleanup {
		if c.Node != "" {
			add("its cleanup runs commands as root inside a lab node")
		}
	}
	if hasNodeCheck(ex.Checks) {
		add("its checks run commands as root inside a lab node")
	}
	return out
}

func hasNodeCheck(cs []Check) bool {
	for i := range cs {
		if cs[i].Node != nil || hasNodeCheck(cs[i].Children()) {
			return true
		}
	}
	return false
}

// powerfulRoles names the roles among docs that grant every verb or every
// resource.
func powerfulRoles(docs []Manifest) map[string]bool {
	out := map[string]bool{}
	for _, d := range docs {
		if k := d.Object.GetKind(); k != "Role" && k != "ClusterRole" {
			continue
		}
		rules, _, _ := unstructured.NestedSlice(d.Object.Object, "rules")
		for _, r := range rules {
			m, _ := r.(map[string]any)
			verbs, _, _ := unstructured.NestedStringSlice(m, "verbs")
			resources, _, _ := unstructured.NestedStringSlice(m, "resources")
			if slices.Contains(verbs, "*") || slices.Contains(resources, "*") {
				out[d.Object.GetKind()+"/"+d.Object.GetName()] = true
			}
		}
	}
	return out
}

// manifestPowers lists what one applied object can do beyond its
// namespace.
func manifestPowers(obj *unstructured.Unstructured, powerful map[string]bool) []string {
	var out []string
	kind, name := obj.GetKind(), obj.GetName()
	if t, ok := PodSpecOf(obj); ok {
		if why := PodSecurityViolations(DefaultPodSecurity, t); len(why) > 0 {
			out = append(out, fmt.Sprintf("runs %s %s beyond Pod Security baseline: %s", kind, name, strings.Join(why, ", ")))
		}
	}
	switch kind {
	case "PersistentVolume":
		if p, found, _ := unstructured.NestedString(obj.Object, "spec", "hostPath", "path"); found {
			out = append(out, fmt.Sprintf("makes PersistentVolume %s of the node directory %s, which any pod of a claim bound to it reads and writes", name, p))
		}
	case "RoleBinding", "ClusterRoleBinding":
		roleKind, _, _ := unstructured.NestedString(obj.Object, "roleRef", "kind")
		role, _, _ := unstructured.NestedString(obj.Object, "roleRef", "name")
		scope := "in its namespace"
		if kind == "ClusterRoleBinding" {
			scope = "in the whole cluster"
		}
		switch {
		case role == "cluster-admin", kind == "ClusterRoleBinding" && (role == "admin" || role == "edit"):
			out = append(out, fmt.Sprintf("grants ClusterRole %s %s (%s %s)", role, scope, kind, name))
		case powerful[roleKind+"/"+role]:
			out = append(out, fmt.Sprintf("grants %s %s, which allows every verb or resource, %s (%s %s)", roleKind, role, scope, kind, name))
		}
		subjects, _, _ := unstructured.NestedSlice(obj.Object, "subjects")
		for _, s := range subjects {
			m, _ := s.(map[string]any)
			n, _ := m["name"].(string)
			if who, ok := openSubjects[n]; ok {
				out = append(out, fmt.Sprintf("grants %s %s to %s, that is to %s (%s %s)", roleKind, role, n, who, kind, name))
			}
		}
	}
	return out
}
