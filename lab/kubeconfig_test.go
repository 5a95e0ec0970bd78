package lab

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubedojo/kubedojo/lessons"
)

// testCA returns PEM certificate data distinct per host.
func testCA(t *testing.T, host string) []byte {
	t.Helper()
	cert, _, err := selfSigned(host, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// kubeconfigWith builds a kubeconfig whose contexts each have their own
// cluster and user.
func kubeconfigWith(t *testing.T, current string, contexts map[string]*clientcmdapi.Cluster) *clientcmdapi.Config {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	for name, cl := range contexts {
		cfg.Clusters[name] = cl
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: "token-" + name}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	}
	cfg.CurrentContext = current
	return cfg
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestMergeContextKeepsTheLearnersEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubeconfig")
	old := kubeconfigWith(t, "dev", map[string]*clientcmdapi.Cluster{
		"kind-kd": {Server: "https://127.0.0.1:1000"},
	})
	old.Contexts["kind-kd"].Namespace = "web"
	old.Contexts["dev"] = &clientcmdapi.Context{Cluster: "kind-kd", AuthInfo: "kind-kd", Namespace: "dev"}
	if err := clientcmd.WriteToFile(*old, path); err != nil {
		t.Fatal(err)
	}
	src := kubeconfigWith(t, "kind-kd", map[string]*clientcmdapi.Cluster{
		"kind-kd": {Server: "https://127.0.0.1:2000", CertificateAuthorityData: testCA(t, "a")},
	})
	if err := mergeContext(path, src, "kind-kd"); err != nil {
		t.Fatal(err)
	}
	got, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.CurrentContext != "dev" || got.Contexts["dev"] == nil || got.Contexts["kind-kd"].Namespace != "web" {
		t.Errorf("learner's context, current context or namespace lost: %+v", got)
	}
	if got.Clusters["kind-kd"].Server != "https://127.0.0.1:2000" {
		t.Errorf("cluster not updated: %s", got.Clusters["kind-kd"].Server)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("kubeconfig mode %o, want 600", m)
	}

	if err := removeContext(path, "kind-kd"); err != nil {
		t.Fatal(err)
	}
	got, _ = clientcmd.LoadFromFile(path)
	if got.Contexts["kind-kd"] != nil || got.Clusters["kind-kd"] != nil || got.Contexts["dev"] == nil {
		t.Errorf("removeContext: %+v", got)
	}
}

func TestExistingClusterSafetyGuard(t *testing.T) {
	state := t.TempDir()
	userFile := filepath.Join(t.TempDir(), "config")
	prodCA, labCA := testCA(t, "prod"), testCA(t, "lab")
	user := kubeconfigWith(t, "prod", map[string]*clientcmdapi.Cluster{
		"prod":    {Server: "https://prod.example.com", CertificateAuthorityData: prodCA},
		"kind-kd": {Server: "https://127.0.0.1:4000", CertificateAuthorityData: labCA},
		// Same name and server as the lab, another CA: a cluster recreated
		// by someone else.
		"impostor": {Server: "https://127.0.0.1:4000", CertificateAuthorityData: prodCA},
	})
	if err := clientcmd.WriteToFile(*user, userFile); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(userFile)
	rec := &ownerRecord{Name: "kd", Server: "https://127.0.0.1:4000", CAFingerprint: caFingerprint(labCA)}
	if err := writeOwner(filepath.Join(state, "clusters", "kd", "owner.json"), rec); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }

	for _, context := range []string{"", "prod", "impostor"} {
		_, err := newLab(Config{StateDir: state, Kubeconfig: userFile, Context: context}, noEnv)
		if !errors.Is(err, ErrForeignCluster) || !strings.Contains(err.Error(), "--allow-foreign-cluster") {
			t.Errorf("context %q: err = %v, want ErrForeignCluster naming --allow-foreign-cluster", context, err)
		}
	}

	own, err := newLab(Config{StateDir: state, Kubeconfig: userFile, Context: "kind-kd"}, noEnv)
	if err != nil {
		t.Fatalf("own lab through the user's kubeconfig: %v", err)
	}
	if own.Foreign() || own.Name() != "kd" || own.KubeconfigPath() != filepath.Join(state, "clusters", "kd", "kubeconfig") || own.NodeExec() == nil {
		t.Errorf("own lab: foreign %v name %q kubeconfig %q", own.Foreign(), own.Name(), own.KubeconfigPath())
	}

	foreign, err := newLab(Config{StateDir: state, Kubeconfig: userFile, Context: "prod", AllowForeign: true}, noEnv)
	if err != nil {
		t.Fatalf("allowed foreign cluster: %v", err)
	}
	if !foreign.Foreign() || foreign.ContextName() != "prod" || foreign.NodeExec() != nil {
		t.Errorf("foreign lab: foreign %v context %q node exec %v", foreign.Foreign(), foreign.ContextName(), foreign.NodeExec())
	}
	copyPath := foreign.KubeconfigPath()
	if !strings.HasPrefix(copyPath, state) || mode(t, copyPath) != 0o600 {
		t.Errorf("foreign kubeconfig copy %s is not private in the state directory", copyPath)
	}
	cp, err := clientcmd.LoadFromFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if keys := mapKeys(cp.Contexts); !slices.Equal(keys, []string{"prod"}) || cp.CurrentContext != "prod" {
		t.Errorf("copy has contexts %v (current %q), want only prod", keys, cp.CurrentContext)
	}
	if after, _ := os.ReadFile(userFile); string(after) != string(before) {
		t.Error("the user's kubeconfig was modified")
	}
	ctx := context.Background()
	if err := foreign.Down(ctx); !errors.Is(err, ErrForeignCluster) {
		t.Errorf("Down on a foreign cluster: %v", err)
	}
	if err := foreign.Preload(ctx, []string{"busybox:1.36"}, nil); !errors.Is(err, ErrForeignCluster) {
		t.Errorf("Preload on a foreign cluster: %v", err)
	}
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestShellCommand(t *testing.T) {
	l, err := newLab(Config{Name: "kd", StateDir: t.TempDir()}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ex := &lessons.Exercise{ID: "pods/first", Namespaces: []lessons.Namespace{{Name: "pod-1"}}}
	if _, err := l.ShellCommand(ex); !errors.Is(err, ErrNoCluster) {
		t.Fatalf("ShellCommand without a lab: %v, want ErrNoCluster", err)
	}
	cfg := kubeconfigWith(t, "kind-kd", map[string]*clientcmdapi.Cluster{"kind-kd": {Server: "https://127.0.0.1:1"}})
	cfg.Contexts["mine"] = &clientcmdapi.Context{Cluster: "kind-kd", AuthInfo: "kind-kd", Namespace: "mine"}
	if err := writeKubeconfig(l.KubeconfigPath(), cfg); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHELL", "")
	t.Setenv("KUBECONFIG", "/elsewhere")
	cmd, err := l.ShellCommand(ex)
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Path != "/bin/sh" || cmd.Dir != l.cfg.LabDir() || cmd.Process != nil {
		t.Errorf("shell %q in %q", cmd.Path, cmd.Dir)
	}
	var kubeconfigs, exercises []string
	for _, kv := range cmd.Env {
		if v, ok := strings.CutPrefix(kv, "KUBECONFIG="); ok {
			kubeconfigs = append(kubeconfigs, v)
		}
		if v, ok := strings.CutPrefix(kv, "KUBEDOJO_EXERCISE="); ok {
			exercises = append(exercises, v)
		}
	}
	if !slices.Equal(kubeconfigs, []string{l.KubeconfigPath()}) || !slices.Equal(exercises, []string{"pods/first"}) {
		t.Errorf("KUBECONFIG %v, KUBEDOJO_EXERCISE %v", kubeconfigs, exercises)
	}
	got, _ := clientcmd.LoadFromFile(l.KubeconfigPath())
	if got.Contexts["kind-kd"].Namespace != "pod-1" || got.Contexts["mine"].Namespace != "mine" {
		t.Errorf("namespaces: lab %q, learner's %q", got.Contexts["kind-kd"].Namespace, got.Contexts["mine"].Namespace)
	}
}
