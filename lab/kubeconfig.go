package lab

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// loadKubeconfigFile reads a kubeconfig file; a missing file is an empty
// config.
func loadKubeconfigFile(path string) (*clientcmdapi.Config, error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return clientcmdapi.NewConfig(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig %s: %w", path, err)
	}
	return cfg, nil
}

// writeKubeconfig writes a kubeconfig readable only by the user.
func writeKubeconfig(path string, cfg *clientcmdapi.Config) error {
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return fmt.Errorf("encode kubeconfig: %w", err)
	}
	if err := WritePrivateFile(path, data); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}

// contextIdentity returns the server URL and CA fingerprint of a context in
// a loaded kubeconfig.
func contextIdentity(cfg *clientcmdapi.Config, context string) (server, fingerprint string, err error) {
	kctx, ok := cfg.Contexts[context]
	if !ok {
		return "", "", fmt.Errorf("kubeconfig has no context %q", context)
	}
	cl, ok := cfg.Clusters[kctx.Cluster]
	if !ok {
		return "", "", fmt.Errorf("context %q names cluster %q, which the kubeconfig does not define", context, kctx.Cluster)
	}
	ca := cl.CertificateAuthorityData
	if len(ca) == 0 && cl.CertificateAuthority != "" {
		ca, err = os.ReadFile(cl.CertificateAuthority)
		if err != nil {
			return "", "", fmt.Errorf("read the CA of cluster %q: %w", kctx.Cluster, err)
		}
	}
	return cl.Server, caFingerprint(ca), nil
}

// mergeContext copies one context with its cluster and user from src into
// the kubeconfig file at path, keeping everything else in the file (a
// learner's own contexts survive a restart of the lab). The current
// context is set only when the file has none.
func mergeContext(path string, src *clientcmdapi.Config, context string) error {
	kctx, ok := src.Contexts[context]
	if !ok {
		return fmt.Errorf("kubeconfig has no context %q", context)
	}
	dst, err := loadKubeconfigFile(path)
	if err != nil {
		return err
	}
	if cl, ok := src.Clusters[kctx.Cluster]; ok {
		dst.Clusters[kctx.Cluster] = cl
	}
	if u, ok := src.AuthInfos[kctx.AuthInfo]; ok {
		dst.AuthInfos[kctx.AuthInfo] = u
	}
	merged := *kctx
	if old, ok := dst.Contexts[context]; ok {
		merged.Namespace = old.Namespace // the learner's namespace choice
	}
	dst.Contexts[context] = &merged
	if dst.CurrentContext == "" {
		dst.CurrentContext = context
	}
	return writeKubeconfig(path, dst)
}

// removeContext deletes a context with its cluster and user from the file
// at path (nothing when the file or the context is missing).
func removeContext(path, context string) error {
	cfg, err := loadKubeconfigFile(path)
	if err != nil {
		return err
	}
	kctx, ok := cfg.Contexts[context]
	if !ok {
		return nil
	}
	delete(cfg.Clusters, kctx.Cluster)
	delete(cfg.AuthInfos, kctx.AuthInfo)
	delete(cfg.Contexts, context)
	if cfg.CurrentContext == context {
		cfg.CurrentContext = ""
	}
	return writeKubeconfig(path, cfg)
}

// setContextNamespace sets the default namespace of a context in the file
// at path, and makes it current when the file has no current context.
func setContextNamespace(path, context, namespace string) error {
	cfg, err := loadKubeconfigFile(path)
	if err != nil {
		return err
	}
	kctx, ok := cfg.Contexts[context]
	if !ok {
		return fmt.Errorf("kubeconfig %s has no context %q", path, context)
	}
	if kctx.Namespace == namespace && cfg.CurrentContext != "" {
		return nil
	}
	kctx.Namespace = namespace
	if cfg.CurrentContext == "" {
		cfg.CurrentContext = context
	}
	return writeKubeconfig(path, cfg)
}

// currentContext reads the current context of a kubeconfig file.
func currentContext(path string) (string, error) {
	cfg, err := loadKubeconfigFile(path)
	if err != nil {
		return "", err
	}
	return cfg.CurrentContext, nil
}

// setCurrentContext sets the current context of a kubeconfig file.
func setCurrentContext(path, context string) error {
	cfg, err := loadKubeconfigFile(path)
	if err != nil {
		return err
	}
	if cfg.CurrentContext == context {
		return nil
	}
	cfg.CurrentContext = context
	return writeKubeconfig(path, cfg)
}

// minifyContext returns a self-contained kubeconfig with only one context:
// certificate files are embedded, so the copy works from any directory.
func minifyContext(src *clientcmdapi.Config, context string) (*clientcmdapi.Config, error) {
	cfg := src.DeepCopy()
	cfg.CurrentContext = context
	if err := clientcmdapi.MinifyConfig(cfg); err != nil {
		return nil, fmt.Errorf("select context %q: %w", context, err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return nil, fmt.Errorf("embed the credentials of context %q: %w", context, err)
	}
	return cfg, nil
}
