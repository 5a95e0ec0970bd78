package lab

import (
	"context"
	"fmt"
	"os"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Status describes the lab as it is now.
type Status struct {
	Name    string
	Context string
	// KubeconfigPath is the file learners' shells use.
	KubeconfigPath string
	// Foreign is true for a cluster kubedojo did not create.
	Foreign bool
	// Runtime is the container engine (own lab only).
	Runtime string
	// Exists: the node containers (own lab) or the context (foreign) exist.
	Exists bool
	// Running: every node container runs (foreign: the API answers).
	Running bool
	// APIHealthy: the API server's /readyz answers ok.
	APIHealthy bool
	// Nodes and NodesReady count the cluster's nodes.
	Nodes, NodesReady int
	// NodeImage is the control plane's node image (own lab).
	NodeImage string
	// KubernetesVersion is the API server's version.
	KubernetesVersion string
	// Problem says, in words, what is wrong when the lab is not ready.
	Problem string
}

// Ready reports whether exercises can run: the API answers and every node
// is Ready.
func (s Status) Ready() bool { return s.APIHealthy && s.Nodes > 0 && s.NodesReady == s.Nodes }

// Status looks at the lab without changing it. The error is for failures
// to look (no container engine, wrapping ErrNoRuntime); the Status then
// still names the runtime and the Problem. A missing or stopped lab is a
// Status with a Problem and no error.
func (l *Lab) Status(ctx context.Context) (Status, error) {
	s := Status{Name: l.cfg.Name, Context: l.context, KubeconfigPath: l.kubeconfig, Foreign: l.foreign}
	if l.foreign {
		s.Exists = true
		l.probeAPI(ctx, &s)
		s.Running = s.APIHealthy
		return s, nil
	}
	if eng, _, err := l.kind(ctx); err == nil {
		s.Runtime = eng.Name()
	}
	_, _, ctrs, err := l.containers(ctx)
	if err != nil {
		s.Problem = err.Error()
		return s, err
	}
	rec, err := readOwner(l.cfg.ownerFile())
	if err != nil {
		return s, err
	}
	s.Exists = len(ctrs) > 0
	if !s.Exists {
		s.Problem = fmt.Sprintf("lab %q does not exist (kubedojo lab up creates it)", l.cfg.Name)
		return s, nil
	}
	s.Foreign = rec == nil
	s.Running = true
	var stopped []string
	for _, c := range ctrs {
		if c.Role == "control-plane" || s.NodeImage == "" {
			s.NodeImage = c.Image
		}
		if !c.running() {
			s.Running = false
			stopped = append(stopped, c.Name+" ("+c.State+")")
		}
	}
	switch {
	case s.Foreign:
		s.Problem = fmt.Sprintf("the kind cluster %q was not created by kubedojo", l.cfg.Name)
	case !s.Running:
		s.Problem = fmt.Sprintf("node containers stopped: %v (kubedojo lab up restarts them)", stopped)
	default:
		if _, err := os.Stat(l.kubeconfig); err != nil {
			s.Problem = "the lab's kubeconfig is missing (kubedojo lab up writes it again)"
			return s, nil
		}
		l.probeAPI(ctx, &s)
	}
	return s, nil
}

// probeAPI fills the API fields of s.
func (l *Lab) probeAPI(ctx context.Context, s *Status) {
	kube, err := l.clientset(5 * time.Second)
	if err != nil {
		s.Problem = err.Error()
		return
	}
	if err := readyz(ctx, kube); err != nil {
		s.Problem = fmt.Sprintf("the API server of %s is not ready: %s", l.context, shortErr(err))
		return
	}
	s.APIHealthy = true
	if v, err := kube.Discovery().ServerVersion(); err == nil {
		s.KubernetesVersion = v.GitVersion
	}
	list, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		s.Problem = "cannot list nodes: " + shortErr(err)
		return
	}
	s.Nodes = len(list.Items)
	for i := range list.Items {
		if nodeReady(&list.Items[i]) {
			s.NodesReady++
		}
	}
	if s.NodesReady < s.Nodes || s.Nodes == 0 {
		s.Problem = fmt.Sprintf("%d/%d nodes ready", s.NodesReady, s.Nodes)
	}
}
