package lab

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DefaultWorkers is the number of worker nodes of a new lab: CKA tasks
// drain, taint and select nodes, and DaemonSets and anti-affinity need a
// second node. --workers 0 keeps the smaller lab for small machines.
const DefaultWorkers = 1

// WorkersAdvice is the command that gives kubedojo's lab n workers. An
// existing lab is never recreated on its own (that would delete what the
// learner made in it), so the advice says what recreating costs.
func WorkersAdvice(n int) string {
	return fmt.Sprintf("`kubedojo lab down && kubedojo lab up --workers %d` (recreates the lab: what you made in it is deleted)", n)
}

// WorkerCount counts the lab's nodes that are not control planes, Ready
// or not (a node that is not Ready yet is still part of the layout).
func (l *Lab) WorkerCount(ctx context.Context) (int, error) {
	kube, err := l.clientset(0)
	if err != nil {
		return 0, err
	}
	list, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, fmt.Errorf("%w: list nodes: %v", ErrUnreachable, err)
	}
	n := 0
	for _, node := range list.Items {
		if _, cp := node.Labels[controlPlaneLabel]; !cp {
			n++
		}
	}
	return n, nil
}
