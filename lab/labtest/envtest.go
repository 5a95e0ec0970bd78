package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Envtest is a running envtest API server shared by the tests of one
// package.
type Envtest struct {
	Config *rest.Config
	env    *envtest.Environment
}

var (
	envMu    sync.Mutex
	shared   *Envtest
	startErr error
)

// StartEnvtest starts (once per test binary) an etcd and kube-apiserver from
// KUBEBUILDER_ASSETS. Stop it from TestMain with StopEnvtest.
func StartEnvtest() (*Envtest, error) {
	envMu.Lock()
	defer envMu.Unlock()
	if shared != nil || startErr != nil {
		return shared, startErr
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		startErr = fmt.Errorf("KUBEBUILDER_ASSETS is not set (export KUBEBUILDER_ASSETS=$(setup-envtest use -p path), or on the offline machine $(../shared/k8s-offline/envtest-assets --print-path))")
		return nil, startErr
	}
	env := &envtest.Environment{}
	// envtest turns the ServiceAccount admission plugin off because no
	// controller creates "default" ServiceAccounts. Exercises are verified
	// here against real admission (imagePullSecrets copied from a
	// ServiceAccount, say), so turn it back on; start states that create
	// pods on this tier must create their ServiceAccount.
	env.ControlPlane.GetAPIServer().Configure().Disable("disable-admission-plugins")
	cfg, err := env.Start()
	if err != nil {
		startErr = fmt.Errorf("start envtest: %w", err)
		return nil, startErr
	}
	// Tests create many objects quickly; the default client-side limits
	// would make them slow and flaky.
	cfg.QPS, cfg.Burst = 200, 400
	shared = &Envtest{Config: cfg, env: env}
	return shared, nil
}

// StopEnvtest stops the shared API server if it was started.
func StopEnvtest() {
	envMu.Lock()
	defer envMu.Unlock()
	if shared != nil {
		_ = shared.env.Stop()
		shared = nil
	}
}

// RequireEnvtest returns the shared envtest, or skips (fails in CI) when it
// cannot start.
func RequireEnvtest(tb testing.TB) *Envtest {
	tb.Helper()
	e, err := StartEnvtest()
	if err != nil {
		Unavailable(tb, "envtest", err.Error())
	}
	return e
}

// WriteKubeconfig writes an admin kubeconfig for the envtest API server to
// dir, for tools that run kubectl (reference solutions), and returns its
// path and context name.
func (e *Envtest) WriteKubeconfig(dir string) (path, context string, err error) {
	user, err := e.env.AddUser(envtest.User{Name: "kubedojo-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return "", "", fmt.Errorf("envtest admin user: %w", err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		return "", "", fmt.Errorf("envtest kubeconfig: %w", err)
	}
	path = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", "", fmt.Errorf("write envtest kubeconfig: %w", err)
	}
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return "", "", fmt.Errorf("read envtest kubeconfig: %w", err)
	}
	return path, cfg.CurrentContext, nil
}

// ServiceAccountSigningKey is the file holding the private key the API
// server signs ServiceAccount tokens with, for tests that forge a token
// the server must refuse (an expired one, say).
func (e *Envtest) ServiceAccountSigningKey() string {
	return filepath.Join(e.env.ControlPlane.APIServer.CertDir, "sa-signer.key")
}
