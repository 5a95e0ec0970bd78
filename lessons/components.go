package lessons

import (
	"sort"
	"strings"
)

// Components are the shared parts of a cluster an exclusive exercise may
// break or take away, as its "breaks" field names them. Two exam tasks
// that break the same component cannot be in one exam: the second could
// not be solved, or its fix would undo the first.
var Components = map[string]string{
	"apiserver":          "the kube-apiserver static pod or its manifest",
	"etcd":               "etcd, its data or its certificates",
	"scheduler":          "the kube-scheduler",
	"controller-manager": "the kube-controller-manager",
	"coredns":            "CoreDNS, its Deployment or its ConfigMap",
	"kube-proxy":         "kube-proxy or its ConfigMap",
	"cni":                "the pod network (CNI configuration or plugin)",
	"kubelet":            "a node's kubelet, its configuration or its service",
	"container-runtime":  "a node's container runtime",
	"worker-scheduling":  "new pods on the worker: it is cordoned, drained or tainted",
	"certificates":       "the cluster's PKI (kubeadm certificates and kubeconfigs)",
}

// ComponentNames lists the known components, sorted.
func ComponentNames() []string {
	names := make([]string, 0, len(Components))
	for n := range Components {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BreaksAll reports whether the exercise counts as breaking every shared
// component: it is exclusive but does not say what it breaks.
func (e *Exercise) BreaksAll() bool { return e.Exclusive && len(e.Breaks) == 0 }

// Breaking reports whether the exercise breaks a shared component.
func (e *Exercise) Breaking() bool { return e.Exclusive || len(e.Breaks) > 0 }

// ConflictsWith reports whether two exercises break a common component and
// so cannot run in one exam.
func (e *Exercise) ConflictsWith(o *Exercise) bool {
	if !e.Breaking() || !o.Breaking() {
		return false
	}
	if e.BreaksAll() || o.BreaksAll() {
		return true
	}
	for _, a := range e.Breaks {
		for _, b := range o.Breaks {
			if a == b {
				return true
			}
		}
	}
	return false
}

func componentList() string { return strings.Join(ComponentNames(), ", ") }
