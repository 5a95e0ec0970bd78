package lab

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/kubedojo/kubedojo/lessons"
)

// containerVars reads {{NODE}}, {{NODE_IP}} and {{WORKER}} from the lab's
// node containers instead of the API, for a lab whose API server is down:
// a learner who quits a destructive exercise half-way (etcd moved, a broken
// kube-apiserver manifest) leaves it so, and reset needs the node's name to
// run the node steps that repair it. kind names each node after its
// container; the choice of nodes is nodeVars' (first control plane and
// first worker, by name).
func (l *Lab) containerVars(ctx context.Context) (lessons.Vars, error) {
	v := lessons.Vars{Lab: l.cfg.LabDir()}
	_, prov, err := l.kind(ctx)
	if err != nil {
		return v, err
	}
	list, err := prov.ListNodes(l.cfg.Name)
	if err != nil {
		return v, fmt.Errorf("list the nodes of lab %q: %w", l.cfg.Name, err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].String() < list[j].String() })
	for _, n := range list {
		role, err := n.Role()
		if err != nil {
			return v, fmt.Errorf("role of node %s: %w", n, err)
		}
		switch {
		case role == "control-plane" && v.Node == "":
			v.Node = n.String()
			if v.NodeIP, _, err = n.IP(); err != nil {
				return v, fmt.Errorf("address of node %s: %w", n, err)
			}
		case role == "worker" && v.Worker == "":
			v.Worker = n.String()
		}
	}
	if v.Node == "" {
		return v, errors.New("the lab has no control-plane node container")
	}
	return v, nil
}
