package checks

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/kubedojo/kubedojo/lessons"
)

// NodeExec runs a shell script inside a cluster node (the lab provides it
// for kind clusters). err is reserved for environment failures.
type NodeExec interface {
	Exec(ctx context.Context, node, script string) (stdout, stderr string, exitCode int, err error)
}

// Baselines gives the values recorded when an exercise's start state was
// set up, for "unchanged" checks.
type Baselines interface {
	// ObjectBaseline returns the recorded UID, generation and path values
	// (JSON) of the object ref names (namespace already defaulted).
	ObjectBaseline(ex *lessons.Exercise, ref lessons.ObjectRef) (ObjectBaseline, error)
	// Stamp changes whenever the exercise's baseline is recorded again (a
	// reset): a watch then grades its unchanged checks again.
	Stamp(ex *lessons.Exercise) string
}

// ObjectBaseline is what was recorded about one object at setup.
type ObjectBaseline struct {
	UID        string
	Generation int64
	// Paths maps a JSONPath to the JSON encoding of its values.
	Paths map[string]string
}

// Kubeconfig locates the lab kubeconfig the learner's shell uses, for
// kubeconfig checks.
type Kubeconfig struct {
	// Path of the file.
	Path string
	// ForExercise, when set, gives the file of one exercise's shell (the
	// lab gives each exercise its own), used instead of Path.
	ForExercise func(ex *lessons.Exercise) string
	// LabContext is the context kubedojo itself uses; its cluster and user
	// are what "sameClusterAndUser" compares with.
	LabContext string
}

// PathFor is the kubeconfig the learner uses for ex.
func (k Kubeconfig) PathFor(ex *lessons.Exercise) string {
	if k.ForExercise != nil {
		return k.ForExercise(ex)
	}
	return k.Path
}

// Env is everything checks need from the environment.
type Env struct {
	Kube    kubernetes.Interface
	Dynamic dynamic.Interface
	Mapper  meta.ResettableRESTMapper
	// Exec runs commands in containers (pods/exec).
	Exec PodExecutor
	// Node runs commands inside nodes; nil when the cluster has no node
	// access (node checks then report an environment error).
	Node NodeExec
	// Baselines is nil when no exercise was set up (unchanged checks then
	// report an environment error).
	Baselines Baselines
	// Vars are the template values of this lab.
	Vars       lessons.Vars
	Kubeconfig Kubeconfig
	// CheckTimeout bounds one check's evaluation (10 s by default).
	CheckTimeout time.Duration
	// Now returns the current time (tests fix it).
	Now func() time.Time

	// mapperMu serialises mapper resets: several checks may notice a
	// missing kind at once.
	mapperMu sync.Mutex

	// troubles wakes the outage detection of watches (liveness.go).
	troubles    *apiTrouble
	troubleOnce sync.Once
}

// NewEnv builds an Env for a cluster from its REST config.
func NewEnv(cfg *rest.Config) (*Env, error) {
	cfg = rest.CopyConfig(cfg)
	// Every evaluation has its own context deadline; a client timeout would
	// also cut the informers' long-running watches.
	cfg.Timeout = 0
	if cfg.QPS == 0 {
		// Parallel checks issue bursts of requests; client-go's default of
		// 5 QPS would queue them and make grading slow.
		cfg.QPS, cfg.Burst = 50, 100
	}
	// The API clients report failing requests to the watches, which then
	// probe the API server (outage.go); the watches' client pings a quiet
	// connection (liveness.go).
	troubles := &apiTrouble{}
	api := rest.CopyConfig(cfg)
	api.Wrap(func(rt http.RoundTripper) http.RoundTripper { return troubleTripper{next: rt, trouble: troubles} })
	kube, err := kubernetes.NewForConfig(api)
	if err != nil {
		return nil, fmt.Errorf("build clientset: %w", err)
	}
	pinging, err := pingingConfig(api)
	if err != nil {
		return nil, fmt.Errorf("build the watches' client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(pinging)
	if err != nil {
		return nil, fmt.Errorf("build dynamic client: %w", err)
	}
	disco, err := discovery.NewDiscoveryClientForConfig(api)
	if err != nil {
		return nil, fmt.Errorf("build discovery client: %w", err)
	}
	exec, err := NewPodExecutor(cfg, kube)
	if err != nil {
		return nil, err
	}
	return &Env{
		Kube:    kube,
		Dynamic: dyn,
		Mapper:  restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco)),
		Exec:    exec,

		troubles: troubles,
	}, nil
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) checkTimeout() time.Duration {
	if e.CheckTimeout > 0 {
		return e.CheckTimeout
	}
	return 10 * time.Second
}
