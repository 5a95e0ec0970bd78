package checks

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedojo/kubedojo/lessons"
)

// depKey is a resource in a namespace ("" for cluster-scoped resources)
// whose changes can change a check's result.
type depKey struct {
	gvr       schema.GroupVersionResource
	namespace string
}

func (k depKey) String() string {
	s := k.gvr.Resource
	if k.gvr.Group != "" {
		s += "." + k.gvr.Group
	}
	if k.namespace != "" {
		s += " in " + k.namespace
	}
	return s
}

// checkDeps is what one check reads.
type checkDeps struct {
	keys map[depKey]bool
	// volatile checks read state that watches do not cover (exec, logs,
	// nodes, the authorizer, time): they re-run on any change in the
	// exercise and are retried for a while after it.
	volatile bool
	// kubeconfig checks read a local file.
	kubeconfig bool
	// baseline checks compare with the exercise's recorded start state.
	baseline bool
}

// depCollector resolves what checks read.
type depCollector struct {
	env *Env
	ex  *lessons.Exercise
	d   *checkDeps
	err error
}

func (g *Grader) dependencies(ex *lessons.Exercise, c *lessons.Check) (*checkDeps, error) {
	dc := &depCollector{env: g.env, ex: ex, d: &checkDeps{keys: map[depKey]bool{}}}
	if ns := ex.UndeclaredReads(c); len(ns) > 0 {
		// Never watch a namespace the check may not read.
		return dc.d, envErrorf("check %s %s", c.ID, lessons.UndeclaredReadsError(ns))
	}
	dc.check(c)
	return dc.d, dc.err
}

func (dc *depCollector) ref(ref lessons.ObjectRef) {
	t, err := dc.env.resolve(ref, dc.ex.DefaultNamespace())
	if err != nil {
		// The kind may not exist yet (a CRD the learner creates): watch
		// CRDs instead and re-resolve on the next evaluation.
		dc.d.volatile = true
		dc.add(lessons.ObjectRef{Kind: "CustomResourceDefinition"}, "")
		return
	}
	dc.d.keys[depKey{gvr: t.gvr, namespace: t.namespace}] = true
}

func (dc *depCollector) add(ref lessons.ObjectRef, ns string) {
	if ns != "" && ref.Namespace == "" {
		ref.Namespace = ns
	}
	t, err := dc.env.resolve(ref, dc.ex.DefaultNamespace())
	if err != nil {
		if dc.err == nil {
			dc.err = err
		}
		return
	}
	dc.d.keys[depKey{gvr: t.gvr, namespace: t.namespace}] = true
}

func (dc *depCollector) kind(kind, ns string) {
	dc.add(lessons.ObjectRef{Kind: kind}, ns)
}

func (dc *depCollector) ns(ns string) string {
	if ns != "" {
		return ns
	}
	return dc.ex.DefaultNamespace()
}

func (dc *depCollector) values(e *lessons.Expect) {
	for _, v := range e.Values() {
		if v != nil && v.From != nil {
			dc.ref(v.From.Object)
		}
	}
}

func (dc *depCollector) owner(kind, ns string) {
	dc.kind("Pod", ns)
	dc.kind(kind, ns)
	switch kind {
	case "Deployment":
		dc.kind("ReplicaSet", ns)
	case "CronJob":
		dc.kind("Job", ns)
	}
}

func (dc *depCollector) podRef(p lessons.PodRef) {
	ns := dc.ns(p.Namespace)
	dc.kind("Pod", ns)
	if p.Object != nil {
		o := *p.Object
		if o.Namespace == "" {
			o.Namespace = ns
		}
		dc.ref(o)
	}
}

// check records what c reads, by its kind's registration.
func (dc *depCollector) check(c *lessons.Check) {
	name, spec := c.Spec()
	k, ok := checkKinds[name]
	switch {
	case !ok:
	case k.polled:
		dc.d.volatile = true
	default:
		k.deps(dc, spec)
	}
}

// children records what the nested checks of allOf and anyOf read.
func (dc *depCollector) children(children []lessons.Check) {
	for i := range children {
		dc.check(&children[i])
	}
}
