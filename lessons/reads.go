package lessons

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// A check reads what it names. Without a limit a pack's check could read
// any Secret of the cluster (a field check on kube-system's); checks
// therefore read only the exercise's own namespaces and those it lists
// under readNamespaces, each on purpose (kube-system for CoreDNS), besides
// the cluster-scoped objects they name. Lint and the grader apply the same
// rule, from here.

// ReadNamespaces returns the namespaces a check names for the objects it
// reads (nested checks too); "" stands for none named (the exercise's
// default namespace). Cluster-scoped references name none.
func ReadNamespaces(c *Check) []string {
	var out []string
	add := func(ns string) {
		if ns != "" && !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	refType := reflect.TypeOf(ObjectRef{})
	readers := map[reflect.Type]bool{
		reflect.TypeOf(PodsCheck{}): true, reflect.TypeOf(ServiceCheck{}): true,
		reflect.TypeOf(PodRef{}): true, reflect.TypeOf(AnswerCheck{}): true,
	}
	walkStructs(reflect.ValueOf(c), func(v reflect.Value) bool {
		switch t := v.Type(); {
		case t == refType:
			if ref := v.Interface().(ObjectRef); !ClusterScoped(ref.Kind) {
				add(ref.Namespace)
			}
			return false
		case t == reflect.TypeOf(KubeconfigCheck{}):
			return false // a context's namespace, not a read
		case readers[t]:
			add(v.FieldByName("Namespace").String())
		}
		return true
	})
	return out
}

// UndeclaredReads returns the namespaces a check reads that are neither
// the exercise's nor listed in its readNamespaces.
func (e *Exercise) UndeclaredReads(c *Check) []string {
	var out []string
	for _, ns := range ReadNamespaces(c) {
		if !slices.ContainsFunc(e.Namespaces, func(n Namespace) bool { return n.Name == ns }) && !slices.Contains(e.ReadNamespaces, ns) {
			out = append(out, ns)
		}
	}
	return out
}

// UndeclaredReadsError says which namespaces a check may not read, and
// how to declare them.
func UndeclaredReadsError(ns []string) string {
	return fmt.Sprintf("reads namespace %s, which is not one of the exercise's namespaces; a check reads only those and the ones listed under readNamespaces (add it there if the check must read it)",
		strings.Join(ns, ", "))
}

// readNamespaces checks the list and every check against it.
func (v *exerciseLint) readNamespaces() {
	r, pos, ex := v.r, v.pos, v.ex
	for i, ns := range ex.ReadNamespaces {
		f := indexPath("readNamespaces", i)
		switch {
		case len(ns) == 0 || !validID(ns):
			r.add(pos.line(f), f, "%q is not a valid namespace name", ns)
		case v.namespaces[ns]:
			r.add(pos.line(f), f, "namespace %q is the exercise's own; its checks read it anyway", ns)
		case slices.Index(ex.ReadNamespaces, ns) != i:
			r.add(pos.line(f), f, "namespace %q is listed twice", ns)
		}
	}
	for i := range ex.Checks {
		if ns := ex.UndeclaredReads(&ex.Checks[i]); len(ns) > 0 {
			f := indexPath("checks", i)
			r.add(pos.line(f), f, "%s", UndeclaredReadsError(ns))
		}
	}
	for i := range ex.Setup {
		if w := ex.Setup[i].Wait; w != nil {
			if ns := ex.UndeclaredReads(&w.Check); len(ns) > 0 {
				f := indexPath("setup", i) + ".wait"
				r.add(pos.line(f), f, "%s", UndeclaredReadsError(ns))
			}
		}
	}
}
