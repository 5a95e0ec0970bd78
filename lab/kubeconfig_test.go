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

// TestShellCommand: an exercise's shell gets a kubeconfig of its own (a
// private copy of the lab kubeconfig, with the exercise namespace), so it
// never switches the namespace of other terminals; a shell without an
// exercise uses the lab kubeconfig itself.
func TestShellCommand(t *testing.T) {
	l, err := newLab(Config{Name: "kd", StateDir: t.TempDir()}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ex := &lessons.Exercise{ID: "pods/first", Namespaces: []lessons.Namespace{{Name: "pod-1"}}}
	other := &lessons.Exercise{ID: "svc/second", Namespaces: []lessons.Namespace{{Name: "svc-2"}}}
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
	env := func(cmd []string, name string) []string {
		var out []string
		for _, kv := range cmd {
			if v, ok := strings.CutPrefix(kv, name+"="); ok {
				out = append(out, v)
			}
		}
		return out
	}
	cmd, err := l.ShellCommand(ex)
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Path != "/bin/sh" || cmd.Dir != l.cfg.LabDir() || cmd.Process != nil {
		t.Errorf("shell %q in %q", cmd.Path, cmd.Dir)
	}
	own := l.ExerciseKubeconfigPath(ex)
	if filepath.Dir(own) != filepath.Join(l.StateDir(), "shells") || own == l.KubeconfigPath() {
		t.Errorf("exercise kubeconfig %s", own)
	}
	if got := env(cmd.Env, "KUBECONFIG"); !slices.Equal(got, []string{own}) || !slices.Equal(env(cmd.Env, "KUBEDOJO_EXERCISE"), []string{"pods/first"}) {
		t.Errorf("KUBECONFIG %v, KUBEDOJO_EXERCISE %v", got, env(cmd.Env, "KUBEDOJO_EXERCISE"))
	}
	if m := mode(t, own); m != 0o600 {
		t.Errorf("exercise kubeconfig mode %o, want 600", m)
	}
	got, _ := clientcmd.LoadFromFile(own)
	if got.CurrentContext != "kind-kd" || got.Contexts["kind-kd"].Namespace != "pod-1" || got.Contexts["mine"].Namespace != "mine" {
		t.Errorf("exercise kubeconfig: current %q, lab namespace %q, learner's %v", got.CurrentContext, got.Contexts["kind-kd"].Namespace, got.Contexts["mine"])
	}
	shared, _ := clientcmd.LoadFromFile(l.KubeconfigPath())
	if shared.Contexts["kind-kd"].Namespace != "" {
		t.Errorf("the lab kubeconfig's namespace changed to %q: every other terminal would switch", shared.Contexts["kind-kd"].Namespace)
	}

	// What the learner does in the shell stays there, across reopening;
	// another exercise's shell has its own namespace.
	got.Contexts["lab-dev"] = &clientcmdapi.Context{Cluster: "kind-kd", AuthInfo: "kind-kd", Namespace: "pod-1"}
	got.CurrentContext = "lab-dev"
	if err := clientcmd.WriteToFile(*got, own); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ShellCommand(other); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ShellCommand(ex); err != nil {
		t.Fatal(err)
	}
	again, _ := clientcmd.LoadFromFile(own)
	if again.CurrentContext != "lab-dev" || again.Contexts["lab-dev"] == nil || again.Contexts["kind-kd"].Namespace != "pod-1" {
		t.Errorf("reopened: current %q, contexts %v", again.CurrentContext, mapKeys(again.Contexts))
	}
	second, _ := clientcmd.LoadFromFile(l.ExerciseKubeconfigPath(other))
	if second.Contexts["kind-kd"].Namespace != "svc-2" {
		t.Errorf("second exercise namespace %q", second.Contexts["kind-kd"].Namespace)
	}

	cmd, err = l.ShellCommand(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := env(cmd.Env, "KUBECONFIG"); !slices.Equal(got, []string{l.KubeconfigPath()}) || len(env(cmd.Env, "KUBEDOJO_EXERCISE")) != 0 {
		t.Errorf("shell without an exercise: KUBECONFIG %v", got)
	}
}
