package session

import (
	"fmt"
	"net/http"

	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/util/flowcontrol"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
)

// clients is a session's one client stack on the lab's REST config: one
// connection pool, one rate limit and one cached discovery behind one
// RESTMapper, for the exercise environment and the grader alike. The
// grader's clients have no client-side timeout (its watches stay open;
// each evaluation has its own deadline); the environment's keep the lab's
// request timeout over the same transport.
type clients struct {
	env    lab.Clients
	grader *checks.Env
}

func newClients(rc *rest.Config) (*clients, error) {
	cfg := rest.CopyConfig(rc)
	// Parallel checks issue bursts, and a cleanup lists every resource
	// type a few times in parallel: client-go's default of 5 QPS would
	// queue them. One limiter for both, as they share the API server.
	cfg.QPS, cfg.Burst = max(cfg.QPS, 100), max(cfg.Burst, 200)
	cfg.RateLimiter = flowcontrol.NewTokenBucketRateLimiter(cfg.QPS, cfg.Burst)
	// Deprecation notices about types the cleanup lists would reach the
	// learner's terminal.
	cfg.WarningHandler = rest.NoWarnings{}
	timeout := cfg.Timeout
	cfg.Timeout = 0
	streaming, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("build the HTTP client: %w", err)
	}
	bounded := &http.Client{Transport: streaming.Transport, Timeout: timeout}

	kube, dyn, err := clientsOver(cfg, bounded)
	if err != nil {
		return nil, err
	}
	disc := memory.NewMemCacheClient(kube.Discovery())
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(disc)
	gkube, gdyn, err := clientsOver(cfg, streaming)
	if err != nil {
		return nil, err
	}
	exec, err := checks.NewPodExecutor(cfg, gkube)
	if err != nil {
		return nil, err
	}
	return &clients{
		env:    lab.Clients{Kube: kube, Dynamic: dyn, Discovery: disc, Mapper: mapper},
		grader: &checks.Env{Kube: gkube, Dynamic: gdyn, Mapper: mapper, Exec: exec},
	}, nil
}

// clientsOver builds a clientset and a dynamic client over one HTTP client.
func clientsOver(cfg *rest.Config, hc *http.Client) (*kubernetes.Clientset, *dynamic.DynamicClient, error) {
	kube, err := kubernetes.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, nil, fmt.Errorf("build clientset: %w", err)
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, nil, fmt.Errorf("build dynamic client: %w", err)
	}
	return kube, dyn, nil
}
