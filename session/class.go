package session

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/lab/class"
)

// ClassCluster connects to the class cluster as the instructor: the
// kubeconfig file and context given, else kubectl's ($KUBECONFIG, then
// ~/.kube/config, its current context). It does not contact the cluster.
func ClassCluster(kubeconfig, context string) (class.Cluster, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	rc, err := cc.ClientConfig()
	if err != nil {
		return class.Cluster{}, fmt.Errorf("the class cluster's kubeconfig: %w", err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return class.Cluster{}, fmt.Errorf("the class cluster: %w", err)
	}
	return class.Cluster{Client: cs, Config: rc}, nil
}
