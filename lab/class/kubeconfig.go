package class

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubedojo/kubedojo/lab"
)

// minTokenLifetime is the shortest token the API server issues.
const minTokenLifetime = 10 * time.Minute

// Credential is one kubeconfig file written for a learner.
type Credential struct {
	Learner string
	// Reporter is true for the --report-to kubeconfig, which may update
	// only the learner's progress record.
	Reporter bool
	Path     string
	// Expires is when the token expires: the class's expiry, or earlier
	// when the cluster caps token lifetimes.
	Expires time.Time
}

// KubeconfigFile names a learner's kubeconfig in the output directory.
func KubeconfigFile(dir, learner string, reporter bool) string {
	if reporter {
		return filepath.Join(dir, learner+"-report.kubeconfig")
	}
	return filepath.Join(dir, learner+".kubeconfig")
}

// issue requests a token for a ServiceAccount of the class namespace that
// expires with the class, and writes a kubeconfig for it (mode 0600).
func issue(ctx context.Context, cs kubernetes.Interface, server *rest.Config, rec *Record, sa, namespace, path string, now time.Time) (time.Time, error) {
	life := rec.Expires.Sub(now)
	if life < minTokenLifetime {
		return time.Time{}, fmt.Errorf("class %s expires in %s; a token lives at least %s: extend the class first (kubedojo class extend %s --by 2h)", rec.Name, life.Round(time.Second), minTokenLifetime, rec.Name)
	}
	secs := int64(life / time.Second)
	tr, err := cs.CoreV1().ServiceAccounts(Namespace(rec.Name)).CreateToken(ctx, sa, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &secs},
	}, metav1.CreateOptions{})
	if err != nil {
		return time.Time{}, fmt.Errorf("request a token for %s: %w", sa, err)
	}
	data, err := kubeconfig(server, rec.Name, sa, namespace, tr.Status.Token)
	if err != nil {
		return time.Time{}, err
	}
	if err := lab.WritePrivateFile(path, data); err != nil {
		return time.Time{}, fmt.Errorf("write %s: %w", path, err)
	}
	return tr.Status.ExpirationTimestamp.Time, nil
}

// kubeconfig is a kubeconfig with one context: the class cluster as the
// instructor reaches it, the token, and the learner's first namespace.
func kubeconfig(server *rest.Config, class, user, namespace, token string) ([]byte, error) {
	ca := server.CAData
	if len(ca) == 0 && server.CAFile != "" {
		b, err := os.ReadFile(server.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read the cluster's CA: %w", err)
		}
		ca = b
	}
	name := "kubedojo-class-" + class
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{
		Server: server.Host, CertificateAuthorityData: ca,
		InsecureSkipTLSVerify: server.Insecure, TLSServerName: server.ServerName,
	}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: token}
	ctxName := name + "-" + user
	cfg.Contexts[ctxName] = &clientcmdapi.Context{Cluster: name, AuthInfo: user, Namespace: namespace}
	cfg.CurrentContext = ctxName
	return clientcmd.Write(*cfg)
}
