package lab

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/kubedojo/kubedojo/lessons"
)

// Labels and the field manager kubedojo uses for what it creates.
const (
	// LabelManagedBy marks every namespace and object kubedojo creates.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is LabelManagedBy's value.
	ManagedBy = "kubedojo"
	// LabelExercise names the exercise an object belongs to, as
	// ExerciseLabelValue.
	LabelExercise = "kubedojo.dev/exercise"
	// FieldManager is the server-side apply field manager of start states.
	FieldManager = "kubedojo"
)

// ExerciseLabelValue is the LabelExercise value of an exercise id:
// "<lesson>.<exercise>", shortened with a hash when longer than a label
// value may be.
func ExerciseLabelValue(id string) string {
	v := strings.ReplaceAll(id, "/", ".")
	if len(v) <= 63 {
		return v
	}
	sum := sha256.Sum256([]byte(id))
	return strings.TrimRight(v[:54], ".-_") + "-" + hex.EncodeToString(sum[:])[:8]
}

// Waiter waits until a check of exercise ex passes or the timeout
// expires; the grader supplies it for setup's wait steps (the lab does not
// import the grader). The exercise and the check come with template
// variables expanded; references without a namespace mean the exercise's
// default namespace.
type Waiter func(ctx context.Context, ex *lessons.Exercise, c lessons.Check, timeout time.Duration) error

// EnvOptions configure an Environment.
type EnvOptions struct {
	// Vars are the template values ({{NODE}}, {{LAB}}, …).
	Vars lessons.Vars
	// Node gives node access for node steps; nil when there is none.
	Node NodeExec
	// StateDir keeps baselines so that another process (kubedojo check)
	// can read them; empty keeps them in memory only.
	StateDir string
	// Foreign restricts the environment to namespaces and objects that
	// carry kubedojo's labels.
	Foreign bool
	// KubeconfigPath is the learner's kubeconfig, for `kubeconfig: restore`
	// and the run steps of solutions.
	KubeconfigPath string
	// ExerciseKubeconfig, when set, gives each exercise a kubeconfig of its
	// own instead (the one its shell uses, Lab.ExerciseKubeconfig), making
	// it ready.
	ExerciseKubeconfig func(ex *lessons.Exercise) (string, error)
	// Wait runs setup's wait steps.
	Wait Waiter
	// Context names the cluster in StateDir (the kubeconfig context);
	// empty derives a name from the API server's address.
	Context string
	// Instance is the kubedojo instance's id (LabelInstance); empty takes
	// InstanceID of StateDir, and none without a StateDir.
	Instance string
}

// Environment sets up, records, cleans up and resets exercises on one
// cluster.
type Environment struct {
	opts     EnvOptions
	kube     kubernetes.Interface
	dyn      dynamic.Interface
	disc     discovery.CachedDiscoveryInterface
	mapper   meta.ResettableRESTMapper
	vars     func(ctx context.Context) (lessons.Vars, error)
	lookPath func(string) (string, error)
	now      func() time.Time
	// poll is the interval of the environment's own waits.
	poll time.Duration

	mu        sync.Mutex
	memory    map[string]*Baseline // when there is no StateDir
	claimed   map[string]bool      // exercises Claim holds
	varsCache *lessons.Vars
	// nodeToolsSeen caches which node tools the nodes have.
	nodeToolsSeen map[string]bool
}

// NewEnvironment prepares exercise environments on the cluster cfg points
// at (envtest, the kind lab, a foreign cluster). It does not contact the
// cluster.
func NewEnvironment(cfg *rest.Config, opts EnvOptions) (*Environment, error) {
	cfg = rest.CopyConfig(cfg)
	// Deprecation notices about types the cleanup lists would reach the
	// learner's terminal.
	cfg.WarningHandler = rest.NoWarnings{}
	// A cleanup lists every resource type a few times in parallel.
	cfg.QPS, cfg.Burst = max(cfg.QPS, 100), max(cfg.Burst, 200)
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("exercise environment: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("exercise environment: %w", err)
	}
	if opts.Context == "" {
		opts.Context = "api-" + cfg.Host
	}
	disc := memory.NewMemCacheClient(kube.Discovery())
	return NewEnvironmentOn(Clients{Kube: kube, Dynamic: dyn, Discovery: disc, Mapper: restmapper.NewDeferredDiscoveryRESTMapper(disc)}, opts)
}

// Clients are what an exercise environment talks to its cluster with. A
// session builds them once and shares them with its grader, so that both
// discover the API once and see the same kinds (a CRD a setup installs).
type Clients struct {
	Kube      kubernetes.Interface
	Dynamic   dynamic.Interface
	Discovery discovery.CachedDiscoveryInterface
	// Mapper is backed by Discovery.
	Mapper meta.ResettableRESTMapper
}

// NewEnvironmentOn prepares exercise environments through clients the
// caller built; opts.Context names the cluster.
func NewEnvironmentOn(c Clients, opts EnvOptions) (*Environment, error) {
	if opts.Instance == "" && opts.StateDir != "" {
		var err error
		if opts.Instance, err = InstanceID(opts.StateDir); err != nil {
			return nil, fmt.Errorf("exercise environment: %w", err)
		}
	}
	return newEnvironment(c.Kube, c.Dynamic, c.Discovery, c.Mapper, opts), nil
}

func newEnvironment(kube kubernetes.Interface, dyn dynamic.Interface, disc discovery.CachedDiscoveryInterface, mapper meta.ResettableRESTMapper, opts EnvOptions) *Environment {
	return &Environment{
		opts: opts, kube: kube, dyn: dyn, disc: disc, mapper: mapper,
		lookPath: exec.LookPath,
		now:      time.Now,
		poll:     100 * time.Millisecond,
		memory:   map[string]*Baseline{},
	}
}

// kubeconfigFor returns the learner's kubeconfig for an exercise ("" when
// the environment has none).
func (e *Environment) kubeconfigFor(ex *lessons.Exercise) (string, error) {
	if e.opts.ExerciseKubeconfig != nil {
		return e.opts.ExerciseKubeconfig(ex)
	}
	return e.opts.KubeconfigPath, nil
}

// SetWaiter sets the grader's Waiter for wait steps (environments made by
// Lab.Environment have none). Call it before Setup.
func (e *Environment) SetWaiter(w Waiter) { e.opts.Wait = w }

// Vars returns the template values the environment expands.
func (e *Environment) Vars(ctx context.Context) (lessons.Vars, error) {
	e.mu.Lock()
	cached := e.varsCache
	e.mu.Unlock()
	if cached != nil {
		return *cached, nil
	}
	if e.vars == nil {
		return e.opts.Vars, nil
	}
	v, err := e.vars(ctx)
	if err != nil {
		return v, err
	}
	e.mu.Lock()
	e.varsCache = &v
	e.mu.Unlock()
	return v, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// environmentError marks failures to reach the API server with
// ErrUnreachable, so callers can tell a broken environment from a broken
// exercise.
func environmentError(err error) error {
	if err == nil || errors.Is(err, ErrUnreachable) || !unanswered(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}

// unanswered reports whether a request's error means the API server gave
// no answer: a network error, a timeout, or a server too busy or not
// available. A refusal (403 on a foreign cluster, 404) is an answer.
func unanswered(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || apierrors.IsServiceUnavailable(err) || apierrors.IsTimeout(err) ||
		apierrors.IsServerTimeout(err) || apierrors.IsTooManyRequests(err)
}

// apiError is the error of an API request for what: ErrUnreachable when
// the server gave no answer (see unanswered), else the server's answer;
// either way wrapped with %w, so that errors.Is and apierrors.IsForbidden
// see through it.
func apiError(what string, err error) error {
	switch {
	case unanswered(err) && what == "":
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	case unanswered(err):
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, what, err)
	case what == "":
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
