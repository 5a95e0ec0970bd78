package lab

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodes"

	"github.com/kubedojo/kubedojo/lessons"
)

// Lab is the cluster kubedojo teaches on: its own kind cluster, or an
// existing cluster selected by kubeconfig context. Its methods may be called
// from several goroutines, but Up, Down and Preload change the cluster and
// must not overlap.
type Lab struct {
	cfg       Config
	nodeImage string
	// foreign is true for an existing cluster kubedojo did not create
	// (only with Config.AllowForeign).
	foreign bool
	// kubeconfig is the file learners' shells and the grader use; context
	// the context in it.
	kubeconfig string
	context    string
	// homeKubeconfig is ~/.kube/config, where ExportKubeconfig merges.
	homeKubeconfig string

	getenv    func(string) string
	logger    *kindLogger
	detect    func(ctx context.Context) (engine, kindProvider, error)
	waitReady func(ctx context.Context, t *tracker, timeout time.Duration) error
	addons    func(ctx context.Context, t *tracker) error

	// nodeBackupDir replaces BackupDir and apiReady the API server's
	// readiness probe (tests)..
	nodeBackupDir string
	apiReady      func(ctx context.Context) bool

	mu       sync.Mutex
	eng      engine
	provider kindProvider
	nodes    []nodes.Node // cached node handles for NodeExec
}

// kindProvider is the part of kind's cluster.Provider the lab uses.
type kindProvider interface {
	Create(name string, options ...cluster.CreateOption) error
	Delete(name, explicitKubeconfigPath string) error
	ListNodes(name string) ([]nodes.Node, error)
	KubeConfig(name string, internal bool) (string, error)
}

// New selects the lab. For an existing cluster (Kubeconfig or Context set)
// it reads the kubeconfig and refuses, with ErrForeignCluster, a cluster
// kubedojo did not create unless AllowForeign is set. It does not contact
// any cluster or container engine.
func New(cfg Config) (*Lab, error) {
	return newLab(cfg, os.Getenv)
}

func newLab(cfg Config, getenv func(string) string) (*Lab, error) {
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if !kindNameRE.MatchString(cfg.Name) {
		return nil, fmt.Errorf("lab name %q: use lower-case letters, digits, dots and dashes", cfg.Name)
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("lab workers: %d is negative", cfg.Workers)
	}
	if cfg.StateDir == "" {
		return nil, errors.New("lab: no state directory")
	}
	if cfg.NodeImage == "" {
		cfg.NodeImage = DefaultNodeImage
	}
	abs, err := filepath.Abs(cfg.StateDir)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	cfg.StateDir = abs
	l := &Lab{
		cfg:            cfg,
		nodeImage:      cfg.NodeImage,
		homeKubeconfig: clientcmd.RecommendedHomeFile,
		getenv:         getenv,
		logger:         &kindLogger{},
	}
	l.detect = l.detectKind
	l.waitReady = l.waitAPIReady
	l.addons = l.ensureAddons
	if cfg.Kubeconfig == "" && cfg.Context == "" {
		l.kubeconfig, l.context = cfg.ownKubeconfig(), kindContext(cfg.Name)
		return l, nil
	}
	if err := l.selectExisting(); err != nil {
		return nil, err
	}
	return l, nil
}

// selectExisting resolves Config.Kubeconfig/Context: kubedojo's own lab
// reached through another kubeconfig, or (with AllowForeign) a foreign
// cluster, whose context is copied into the state directory so that
// learners' shells never write the user's kubeconfig.
func (l *Lab) selectExisting() error {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if l.cfg.Kubeconfig != "" {
		rules.ExplicitPath = l.cfg.Kubeconfig
	}
	src, err := rules.Load()
	if err != nil {
		return fmt.Errorf("read kubeconfig: %w", err)
	}
	context := l.cfg.Context
	if context == "" {
		context = src.CurrentContext
	}
	if context == "" {
		return fmt.Errorf("the kubeconfig has no current context: name the cluster's context")
	}
	server, fp, err := contextIdentity(src, context)
	if err != nil {
		return err
	}
	rec, err := findOwner(l.cfg.StateDir, server, fp)
	if err != nil {
		return err
	}
	if rec != nil {
		l.cfg.Name = rec.Name
		l.kubeconfig, l.context = l.cfg.ownKubeconfig(), kindContext(rec.Name)
		return nil
	}
	if !l.cfg.AllowForeign {
		return fmt.Errorf("%w: context %q (server %s) was not created by kubedojo. kubedojo creates, changes and deletes "+
			"objects in the cluster it uses, so it uses a cluster it did not create only with --allow-foreign-cluster "+
			"(and then touches only the namespaces and objects it labels)", ErrForeignCluster, context, server)
	}
	one, err := minifyContext(src, context)
	if err != nil {
		return err
	}
	l.foreign = true
	l.context = context
	l.kubeconfig = filepath.Join(l.cfg.StateDir, "contexts", safeFileName(context)+".kubeconfig")
	return mergeContext(l.kubeconfig, one, context)
}

// Name is the kind cluster's name (for a foreign cluster, the configured
// name, which names nothing).
func (l *Lab) Name() string { return l.cfg.Name }

// Foreign reports whether the lab is a cluster kubedojo did not create.
func (l *Lab) Foreign() bool { return l.foreign }

// NodeImage is the node image a new lab gets (lab/config chose it).
func (l *Lab) NodeImage() string { return l.nodeImage }

// StateDir is the lab's state directory.
func (l *Lab) StateDir() string { return l.cfg.StateDir }

// KubeconfigPath is the kubeconfig file learners' shells use: for the own
// lab a private file in the state directory (never ~/.kube/config unless
// ExportKubeconfig), for a foreign cluster a copy of the selected context
// in the state directory, so that kubedojo never writes the user's file.
func (l *Lab) KubeconfigPath() string { return l.kubeconfig }

// ContextName is the lab's context in KubeconfigPath.
func (l *Lab) ContextName() string { return l.context }

// RESTConfig is the client configuration for the lab's cluster. Its
// Timeout bounds every request, watches included: copy it and set Timeout
// to 0 for informers.
func (l *Lab) RESTConfig() (*rest.Config, error) {
	if _, err := os.Stat(l.kubeconfig); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: lab %q has no kubeconfig yet (run kubedojo lab up)", ErrNoCluster, l.cfg.Name)
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: l.kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: l.context})
	rc, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("client config for context %q: %w", l.context, err)
	}
	rc.Timeout = requestTimeout
	rc.QPS, rc.Burst = 50, 100
	rc.UserAgent = "kubedojo"
	// client-go prints server warnings to stderr, under the TUI.
	rc.WarningHandler = rest.NoWarnings{}
	return rc, nil
}

// Vars returns the template values for this cluster: {{NODE}}, {{NODE_IP}},
// {{WORKER}} from its nodes and {{LAB}}, the lab directory. When the API
// server of kubedojo's own lab cannot be reached, the nodes come from the
// lab's node containers.
func (l *Lab) Vars(ctx context.Context) (lessons.Vars, error) {
	kube, err := l.clientset(0)
	if err != nil {
		return lessons.Vars{}, err
	}
	if err := os.MkdirAll(l.cfg.LabDir(), 0o755); err != nil {
		return lessons.Vars{}, fmt.Errorf("lab directory: %w", err)
	}
	v, err := nodeVars(ctx, kube, l.cfg.LabDir())
	if errors.Is(err, ErrUnreachable) && !l.foreign {
		// The containers of kubedojo's own lab still name its nodes, so a
		// reset can repair a control plane a learner left broken.
		if cv, cerr := l.containerVars(ctx); cerr == nil {
			return cv, nil
		}
	}
	return v, err
}

// ShellCommand prepares (does not start) the learner's shell for an
// exercise: $SHELL (else /bin/sh) in the lab directory, with KUBECONFIG set
// to the exercise's own kubeconfig (ExerciseKubeconfig), whose lab context
// defaults to the exercise's first namespace, and KUBEDOJO_EXERCISE set to
// the exercise id. ex may be nil for a shell outside any exercise, which
// uses KubeconfigPath as it is.
func (l *Lab) ShellCommand(ex *lessons.Exercise) (*exec.Cmd, error) {
	if _, err := os.Stat(l.kubeconfig); err != nil {
		return nil, fmt.Errorf("%w: lab %q has no kubeconfig yet (run kubedojo lab up)", ErrNoCluster, l.cfg.Name)
	}
	env := withoutEnv(os.Environ(), "KUBECONFIG", "KUBEDOJO_EXERCISE")
	if ex != nil {
		path, err := l.ExerciseKubeconfig(ex)
		if err != nil {
			return nil, fmt.Errorf("shell for %s: %w", ex.ID, err)
		}
		env = append(env, "KUBECONFIG="+path, "KUBEDOJO_EXERCISE="+ex.ID)
	} else {
		env = append(env, "KUBECONFIG="+l.kubeconfig)
	}
	if err := os.MkdirAll(l.cfg.LabDir(), 0o755); err != nil {
		return nil, fmt.Errorf("lab directory: %w", err)
	}
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	cmd := exec.Command(shell)
	cmd.Env = env
	cmd.Dir = l.cfg.LabDir()
	return cmd, nil
}

// ExerciseKubeconfigPath is the kubeconfig file of an exercise's shells,
// under the state directory. Checks of kind kubeconfig read it, since it
// is the file the learner's kubectl changes.
func (l *Lab) ExerciseKubeconfigPath(ex *lessons.Exercise) string {
	return filepath.Join(l.cfg.shellsDir(), safeFileName(ExerciseLabelValue(ex.ID))+".kubeconfig")
}

// ExerciseKubeconfig makes the exercise's kubeconfig ready and returns its
// path: on first use a private copy of KubeconfigPath, later the lab
// context refreshed from it (a recreated lab has new credentials), keeping
// what the learner changed (their contexts, the current one); the lab
// context's namespace is the exercise's. Each exercise has its own file,
// so a shell never switches the namespace of another terminal.
func (l *Lab) ExerciseKubeconfig(ex *lessons.Exercise) (string, error) {
	path := l.ExerciseKubeconfigPath(ex)
	src, err := loadKubeconfigFile(l.kubeconfig)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := writeKubeconfig(path, src); err != nil {
			return "", err
		}
	} else if err := mergeContext(path, src, l.context); err != nil {
		return "", err
	}
	if err := setContextNamespace(path, l.context, ex.DefaultNamespace()); err != nil {
		return "", err
	}
	return path, nil
}

func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		keep := true
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// Environment returns the exercise environment on this lab. Wait steps
// need the grader's Waiter: add it with SetWaiter.
func (l *Lab) Environment() (*Environment, error) {
	rc, err := l.RESTConfig()
	if err != nil {
		return nil, err
	}
	env, err := NewEnvironment(rc, l.envOptions())
	if err != nil {
		return nil, err
	}
	env.vars = l.Vars
	return env, nil
}

// EnvironmentOn is Environment through clients the caller built from
// RESTConfig (a session shares them with its grader).
func (l *Lab) EnvironmentOn(c Clients) (*Environment, error) {
	env, err := NewEnvironmentOn(c, l.envOptions())
	if err != nil {
		return nil, err
	}
	env.vars = l.Vars
	return env, nil
}

func (l *Lab) envOptions() EnvOptions {
	return EnvOptions{
		Node:               l.NodeExec(),
		StateDir:           l.cfg.StateDir,
		Foreign:            l.foreign,
		KubeconfigPath:     l.kubeconfig,
		ExerciseKubeconfig: l.ExerciseKubeconfig,
		Context:            l.context,
	}
}

// safeFileName turns a context name into a file name.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
