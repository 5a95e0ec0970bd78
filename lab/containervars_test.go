package lab

import (
	"context"
	"errors"
	"testing"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/kind/pkg/cluster/nodes"

	"github.com/kubedojo/kubedojo/lessons"
)

// A learner who quits a destructive exercise half-way (etcd moved, the API
// server crash-looping) leaves a lab whose API cannot list its nodes; reset
// must still learn {{NODE}} to run the repairing node steps.
func TestVarsFromNodeContainersWhenTheAPIServerIsDown(t *testing.T) {
	f := newFakeLab(t, Config{})
	down := kubeconfigWith(t, f.context, map[string]*clientcmdapi.Cluster{
		// Nothing listens on port 1: the connection is refused at once.
		f.context: {Server: "https://127.0.0.1:1", CertificateAuthorityData: f.ca},
	})
	if err := mergeContext(f.kubeconfig, down, f.context); err != nil {
		t.Fatal(err)
	}
	f.prov.nodes = []nodes.Node{
		&fakeNode{name: "kd-worker2", role: "worker", ip: "172.18.0.4"},
		&fakeNode{name: "kd-external-load-balancer", role: "external-load-balancer", ip: "172.18.0.9"},
		&fakeNode{name: "kd-worker", role: "worker", ip: "172.18.0.3"},
		&fakeNode{name: "kd-control-plane", ip: "172.18.0.2"},
	}
	got, err := f.Vars(context.Background())
	if err != nil {
		t.Fatalf("Vars with the API server down: %v", err)
	}
	want := lessons.Vars{Node: "kd-control-plane", NodeIP: "172.18.0.2", Worker: "kd-worker", Lab: f.cfg.LabDir()}
	if got != want {
		t.Errorf("Vars = %+v, want %+v", got, want)
	}

	// Without node containers there is nothing to fall back on: the
	// unreachable API server stays the error.
	f.prov.nodes = nil
	if _, err := f.Vars(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Vars without nodes = %v, want ErrUnreachable", err)
	}
}
