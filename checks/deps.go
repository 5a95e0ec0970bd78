package checks

import (
	"strings"

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

func (dc *depCollector) check(c *lessons.Check) {
	switch {
	case c.Exists != nil:
		dc.ref(*c.Exists)
	case c.Absent != nil:
		dc.ref(*c.Absent)
	case c.Field != nil:
		dc.ref(c.Field.Object)
		dc.values(&c.Field.Expect)
	case c.Condition != nil:
		dc.ref(c.Condition.Object)
		if c.Condition.Object.Kind == "Pod" && c.Condition.Type == "Ready" {
			dc.d.volatile = true // a restarted container becomes stable in time
		}
	case c.Pods != nil:
		ns := dc.ns(c.Pods.Namespace)
		dc.kind("Pod", ns)
		if c.Pods.OwnedBy != nil {
			dc.owner(c.Pods.OwnedBy.Kind, ns)
		}
		if c.Pods.ReadyFor.Duration > 0 || c.Pods.Ready {
			// Time passes without events: a pod becomes ready for long
			// enough, a restarted container stable.
			dc.d.volatile = true
		}
	case c.Workload != nil:
		dc.ref(c.Workload.Object)
		ns := c.Workload.Object.Namespace
		if ns == "" {
			ns = dc.ex.DefaultNamespace()
		}
		dc.owner(c.Workload.Object.Kind, ns)
		dc.d.volatile = true // a restarted container becomes stable in time
	case c.Container != nil:
		dc.ref(c.Container.Object)
	case c.Service != nil:
		ns := dc.ns(c.Service.Namespace)
		dc.kind("Service", ns)
		dc.kind("Pod", ns)
		dc.kind("EndpointSlice", ns)
	case c.Selects != nil:
		dc.ref(c.Selects.Object)
		ns := c.Selects.Object.Namespace
		dc.kind("Pod", dc.ns(ns))
	case c.Access != nil:
		dc.d.volatile = true
		dc.kind("ClusterRole", "")
		dc.kind("ClusterRoleBinding", "")
		for _, list := range [][]string{c.Access.Allowed, c.Access.Denied} {
			for _, s := range list {
				if req, err := lessons.ParseAccessRequest(s); err == nil && req.Namespace != "" {
					dc.kind("Role", req.Namespace)
					dc.kind("RoleBinding", req.Namespace)
				}
			}
		}
	case c.Exec != nil:
		dc.d.volatile = true
		dc.podRef(c.Exec.Pod)
		dc.values(&c.Exec.Stdout)
		for _, a := range c.Exec.Command {
			if strings.Contains(a, "{{answer:") {
				dc.kind("ConfigMap", dc.ex.DefaultNamespace())
			}
		}
	case c.HTTP != nil:
		dc.d.volatile = true
		dc.podRef(c.HTTP.From)
		for _, ns := range dc.ex.Namespaces {
			for _, k := range []string{"Pod", "Service", "EndpointSlice", "NetworkPolicy"} {
				dc.kind(k, ns.Name)
			}
		}
	case c.Logs != nil:
		dc.d.volatile = true
		dc.podRef(c.Logs.Pod)
	case c.Events != nil:
		dc.d.volatile = true
		dc.ref(c.Events.Object)
		ns := c.Events.Object.Namespace
		if ns == "" && !lessons.ClusterScoped(c.Events.Object.Kind) {
			ns = dc.ex.DefaultNamespace()
		}
		if ns == "" {
			ns = "default"
		}
		dc.kind("Event", ns)
	case c.Node != nil:
		dc.d.volatile = true
	case c.Answer != nil:
		dc.kind("ConfigMap", dc.ns(c.Answer.Namespace))
		dc.values(&c.Answer.Expect)
	case c.Unchanged != nil:
		dc.ref(c.Unchanged.Object)
		dc.d.baseline = true
	case c.DryRun != nil:
		dc.d.volatile = true
		dc.kind("ServiceAccount", dc.ex.DefaultNamespace())
	case c.Kubeconfig != nil:
		dc.d.kubeconfig = true
	case len(c.AllOf) > 0 || len(c.AnyOf) > 0:
		children := c.Children()
		for i := range children {
			dc.check(&children[i])
		}
	}
}
