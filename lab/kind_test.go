package lab

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/kind/pkg/cluster/nodes"

	"github.com/kubedojo/kubedojo/lessons"
)

// fakeLab is a Lab named kd on a fake engine and kind provider, whose
// readiness wait succeeds unless told otherwise.
type fakeLab struct {
	*Lab
	eng   *fakeEngine
	prov  *fakeProvider
	ca    []byte
	waits []time.Duration
	// unhealthy makes the next readiness waits fail.
	unhealthy int
	// duringWait runs inside each readiness wait (a node resuming).
	duringWait func()
}

func newFakeLab(t *testing.T, cfg Config) *fakeLab {
	t.Helper()
	cfg.Name = "kd"
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	l, err := newLab(cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeLab{Lab: l, eng: &fakeEngine{info: engineInfo{Version: "20.10", MemTotal: 8 << 30, NCPU: 2}}, ca: testCA(t, "kd")}
	f.prov = &fakeProvider{eng: f.eng, kubeconfig: f.kindKubeconfig(t, f.ca)}
	l.homeKubeconfig = filepath.Join(t.TempDir(), "home-config")
	l.detect = func(context.Context) (engine, kindProvider, error) { return f.eng, f.prov, nil }
	l.addons = func(context.Context, *tracker) error { return nil }
	l.waitReady = func(_ context.Context, tr *tracker, timeout time.Duration) error {
		tr.start(PhaseWait, "")
		f.waits = append(f.waits, timeout)
		if f.duringWait != nil {
			f.duringWait()
		}
		if f.unhealthy > 0 {
			f.unhealthy--
			return errors.New("API server not ready")
		}
		tr.done(PhaseWait, nil)
		return nil
	}
	return f
}

// kindKubeconfig is the admin kubeconfig kind would return for kd.
func (f *fakeLab) kindKubeconfig(t *testing.T, ca []byte) string {
	t.Helper()
	cfg := kubeconfigWith(t, "kind-kd", map[string]*clientcmdapi.Cluster{
		"kind-kd": {Server: "https://127.0.0.1:4000", CertificateAuthorityData: ca},
	})
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func (f *fakeLab) owner(t *testing.T) *ownerRecord {
	t.Helper()
	rec, err := readOwner(f.cfg.ownerFile())
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestUpCreatesReusesAndDown(t *testing.T) {
	f := newFakeLab(t, Config{ExportKubeconfig: true})
	ctx := context.Background()
	var phases []string
	progress := func(p Progress) {
		if !p.Done && (len(phases) == 0 || phases[len(phases)-1] != p.Phase) {
			phases = append(phases, p.Phase)
		}
	}
	if err := f.Up(ctx, progress); err != nil {
		t.Fatalf("Up: %v", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d", c, d)
	}
	if got := strings.Join(phases, ","); got != PhaseKubeconfig+","+PhaseWait {
		t.Errorf("phases = %s", got)
	}
	rec := f.owner(t)
	if rec == nil || rec.CAFingerprint != caFingerprint(f.ca) || rec.Server != "https://127.0.0.1:4000" || rec.ExportedTo != f.homeKubeconfig {
		t.Fatalf("ownership record = %+v", rec)
	}
	if m := mode(t, f.KubeconfigPath()); m != 0o600 {
		t.Errorf("private kubeconfig mode %o", m)
	}
	home, err := clientcmd.LoadFromFile(f.homeKubeconfig)
	if err != nil || home.Contexts["kind-kd"] == nil {
		t.Fatalf("exported kubeconfig: %v", err)
	}

	// Warm: the running lab is reused, trusting the private kubeconfig.
	reads := f.prov.reads
	if err := f.Up(ctx, nil); err != nil {
		t.Fatalf("second Up: %v", err)
	}
	if c, _ := f.prov.counts(); c != 1 || len(f.waits) != 2 || f.prov.reads != reads {
		t.Errorf("reuse created again (%d creates), skipped the wait (%d waits) or read kind's kubeconfig (%d reads)", c, len(f.waits), f.prov.reads-reads)
	}

	// An exercise's shell kubeconfig belongs to this lab: a new lab must
	// not inherit the contexts made in it.
	shellKubeconfig, err := f.ExerciseKubeconfig(&lessons.Exercise{ID: "a/b", Namespaces: []lessons.Namespace{{Name: "ns"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Down(ctx); err != nil {
		t.Fatalf("Down: %v", err)
	}
	if _, d := f.prov.counts(); d != 1 {
		t.Errorf("deletes = %d", d)
	}
	for _, p := range []string{f.KubeconfigPath(), f.cfg.ownerFile(), shellKubeconfig} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there after Down", p)
		}
	}
	if home, _ := clientcmd.LoadFromFile(f.homeKubeconfig); home.Contexts["kind-kd"] != nil {
		t.Error("exported context not removed by Down")
	}
	if err := f.Down(ctx); err != nil {
		t.Errorf("Down of a missing lab: %v", err)
	}
}

func TestUpNeverTouchesHomeKubeconfigUnlessExporting(t *testing.T) {
	f := newFakeLab(t, Config{})
	if err := f.Up(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.homeKubeconfig); !os.IsNotExist(err) {
		t.Errorf("~/.kube/config written without ExportKubeconfig (%v)", err)
	}
}

func TestUpCancelledCreateLeavesNothing(t *testing.T) {
	f := newFakeLab(t, Config{})
	gone := make(chan struct{})
	var once sync.Once
	f.prov.create = func(p *fakeProvider) error {
		p.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "running"})
		<-gone // kind keeps working until its nodes disappear
		// A node kind made after the first delete.
		p.eng.setContainers(nodeContainer{Name: "kd-worker", State: "created"})
		return errors.New("node vanished")
	}
	ctx, cancel := context.WithCancel(context.Background())
	prov := f.prov
	f.Lab.detect = func(context.Context) (engine, kindProvider, error) {
		return f.eng, deleteHook{prov, func() { once.Do(func() { close(gone) }) }}, nil
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	err := f.Up(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Up: %v, want context.Canceled", err)
	}
	if _, d := prov.counts(); d != 2 {
		t.Errorf("deletes = %d, want one at cancel and one after Create returned", d)
	}
	if cs, _ := f.eng.NodeContainers(context.Background(), "kd"); len(cs) != 0 {
		t.Errorf("containers left: %v", cs)
	}
	if f.owner(t) != nil {
		t.Error("ownership record left for a cluster that does not exist")
	}
}

// deleteHook runs a function after each Delete.
type deleteHook struct {
	*fakeProvider
	after func()
}

func (d deleteHook) Delete(name, path string) error {
	err := d.fakeProvider.Delete(name, path)
	d.after()
	return err
}

func TestUpRestartsStoppedNodes(t *testing.T) {
	f := newFakeLab(t, Config{})
	ctx := context.Background()
	if err := f.Up(ctx, nil); err != nil {
		t.Fatal(err)
	}
	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "exited"}, nodeContainer{Name: "kd-worker", State: "exited"})
	var restart []Progress
	if err := f.Up(ctx, func(p Progress) {
		if p.Phase == PhaseRestart {
			restart = append(restart, p)
		}
	}); err != nil {
		t.Fatalf("Up after a reboot: %v", err)
	}
	if strings.Join(f.eng.started, ",") != "kd-control-plane,kd-worker" {
		t.Errorf("started %v", f.eng.started)
	}
	if c, _ := f.prov.counts(); c != 1 {
		t.Errorf("recreated instead of restarted (%d creates)", c)
	}
	if len(restart) != 2 || restart[0].Step != 1 || restart[0].Total != 3 || !restart[1].Done {
		t.Errorf("restart progress = %+v", restart)
	}
	if got := f.waits[len(f.waits)-1]; got != restartTimeout {
		t.Errorf("wait after restart = %s, want %s", got, restartTimeout)
	}
}

func TestUpRefusesKindClustersItDidNotCreate(t *testing.T) {
	f := newFakeLab(t, Config{})
	ctx := context.Background()
	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "running"})
	if err := f.Up(ctx, nil); !errors.Is(err, ErrForeignCluster) {
		t.Errorf("Up over someone else's kind cluster: %v", err)
	}
	if err := f.Down(ctx); !errors.Is(err, ErrForeignCluster) {
		t.Errorf("Down of someone else's kind cluster: %v", err)
	}
	if _, d := f.prov.counts(); d != 0 {
		t.Error("deleted a cluster kubedojo did not create")
	}

	// Recorded as kubedojo's, but recreated by someone else since.
	rec := &ownerRecord{Name: "kd", Server: "https://127.0.0.1:4000", CAFingerprint: caFingerprint(testCA(t, "old"))}
	if err := writeOwner(f.cfg.ownerFile(), rec); err != nil {
		t.Fatal(err)
	}
	if err := f.Up(ctx, nil); !errors.Is(err, ErrForeignCluster) {
		t.Errorf("Up over a recreated cluster: %v", err)
	}
}

func TestUpDoesNotRecreateAClusterReplacedBehindItsBack(t *testing.T) {
	f := newFakeLab(t, Config{})
	ctx := context.Background()
	if err := f.Up(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Someone recreated kd: the private kubeconfig's CA no longer answers.
	f.prov.kubeconfig = f.kindKubeconfig(t, testCA(t, "someone else"))
	f.unhealthy = 1
	if err := f.Up(ctx, nil); !errors.Is(err, ErrForeignCluster) {
		t.Errorf("Up: %v, want ErrForeignCluster", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d: someone else's cluster was recreated", c, d)
	}
}

func TestUpWithoutRuntime(t *testing.T) {
	f := newFakeLab(t, Config{})
	f.Lab.detect = func(context.Context) (engine, kindProvider, error) {
		return nil, nil, errors.Join(ErrNoRuntime, errors.New(installHint))
	}
	ctx := context.Background()
	err := f.Up(ctx, nil)
	if !errors.Is(err, ErrNoRuntime) || !strings.Contains(err.Error(), "apt install docker.io") {
		t.Errorf("Up: %v", err)
	}
	p, err := f.Preflight(ctx)
	if !errors.Is(err, ErrNoRuntime) || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "Docker Desktop") || p.OK() {
		t.Errorf("Preflight = %+v, %v", p, err)
	}
}

func TestPreflight(t *testing.T) {
	ctx := context.Background()
	f := newFakeLab(t, Config{NodeImage: "local/node:v1"})
	f.eng.info = engineInfo{Version: "20.10", MemTotal: 2 << 30, NCPU: 1, RootDir: t.TempDir()}
	p, err := f.Preflight(ctx)
	if err != nil || !p.OK() || p.Runtime != "docker" || p.RuntimeVersion != "20.10" {
		t.Fatalf("Preflight = %+v, %v", p, err)
	}
	joined := strings.Join(p.Warnings, "\n")
	for _, want := range []string{"2.0 GiB of memory", "1 CPU", "local/node:v1 is not in the local image store"} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings lack %q:\n%s", want, joined)
		}
	}

	f.eng.infoErr = &engineError{Command: "docker info", Stderr: "permission denied while trying to connect to the Docker daemon socket"}
	p, err = f.Preflight(ctx)
	if !errors.Is(err, ErrNoRuntime) || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "usermod -aG docker") {
		t.Errorf("Preflight with a refusing daemon = %+v, %v", p, err)
	}
	f.eng.infoErr = &engineError{Command: "docker info", Stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock"}
	if p, _ = f.Preflight(ctx); len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "systemctl start docker") {
		t.Errorf("Preflight with a stopped daemon = %+v", p)
	}
}

func TestDetectEngine(t *testing.T) {
	tests := []struct {
		name     string
		versions map[string]string
		env      string
		want     string
	}{
		{"docker", map[string]string{"docker": "Docker version 20.10.24", "podman": "podman version 4"}, "", "docker"},
		{"podman posing as docker", map[string]string{"docker": "podman version 4.3.1"}, "", "podman"},
		{"podman", map[string]string{"podman": "podman version 4.3.1"}, "", "podman"},
		{"explicit provider", map[string]string{"docker": "Docker version 20.10.24"}, "podman", "podman"},
		{"none", map[string]string{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "KIND_EXPERIMENTAL_PROVIDER" {
					return tt.env
				}
				return ""
			}
			eng, opt, err := detectEngine(context.Background(), getenv, func(_ context.Context, bin string) string { return tt.versions[bin] })
			if tt.want == "" {
				if !errors.Is(err, ErrNoRuntime) || !strings.Contains(err.Error(), "Podman") {
					t.Errorf("err = %v, want ErrNoRuntime with install help", err)
				}
				return
			}
			if err != nil || eng.Name() != tt.want || opt == nil {
				t.Errorf("got %v, %v", eng, err)
			}
		})
	}
}

func TestParseEngineOutput(t *testing.T) {
	d, err := parseEngineInfo("docker", []byte(`{"ServerVersion":"20.10.24","MemTotal":8589934592,"NCPU":2,"DockerRootDir":"/var/lib/docker"}`))
	if err != nil || d != (engineInfo{Version: "20.10.24", MemTotal: 8 << 30, NCPU: 2, RootDir: "/var/lib/docker"}) {
		t.Errorf("docker info = %+v, %v", d, err)
	}
	if _, err := parseEngineInfo("docker", []byte(`{"ServerErrors":["Cannot connect to the Docker daemon"]}`)); err == nil {
		t.Error("docker info without a daemon accepted")
	}
	p, err := parseEngineInfo("podman", []byte(`{"host":{"memTotal":4294967296,"cpus":4},"store":{"graphRoot":"/var/lib/containers"},"version":{"Version":"4.3.1"}}`))
	if err != nil || p != (engineInfo{Version: "4.3.1", MemTotal: 4 << 30, NCPU: 4, RootDir: "/var/lib/containers"}) {
		t.Errorf("podman info = %+v, %v", p, err)
	}
	cs := parseNodeContainers("/kd-control-plane\trunning\tlocal/kind-node:v1.33.13\tcontrol-plane\n/kd-worker\texited\tlocal/kind-node:v1.33.13\tworker\n")
	if len(cs) != 2 || cs[0].Name != "kd-control-plane" || !cs[0].running() || cs[1].running() || cs[1].Role != "worker" {
		t.Errorf("containers = %+v", cs)
	}
}

func TestPreloadSkipsPresentAndReportsMissing(t *testing.T) {
	f := newFakeLab(t, Config{})
	f.eng.images = map[string]string{"busybox:1.36": "sha256:b", "nginx:1.27": "sha256:n"}
	n1 := &fakeNode{name: "kd-control-plane", images: map[string]string{"docker.io/library/busybox:1.36": "sha256:b"}}
	n2 := &fakeNode{name: "kd-worker", images: map[string]string{"docker.io/library/busybox:1.36": "sha256:old"}}
	f.prov.nodes = []nodes.Node{n1, n2}
	var msgs []string
	err := f.Preload(context.Background(), []string{"busybox:1.36", "nginx:1.27", "redis:7"}, func(p Progress) {
		if p.Message != "" {
			msgs = append(msgs, p.Message)
		}
	})
	if !errors.Is(err, ErrImagesMissing) || !strings.Contains(err.Error(), "`docker pull redis:7`") || strings.Contains(err.Error(), "nginx") {
		t.Fatalf("Preload: %v, want only redis:7 reported with its pull command", err)
	}
	if strings.Join(n1.loads, ",") != "nginx:1.27" || strings.Join(n2.loads, ",") != "busybox:1.36,nginx:1.27" {
		t.Errorf("loads: control plane %v, worker %v", n1.loads, n2.loads)
	}
	if strings.Join(f.eng.saved, ",") != "busybox:1.36,nginx:1.27" {
		t.Errorf("saved %v: each image is saved once for all nodes", f.eng.saved)
	}
	if len(msgs) != 3 || msgs[1] != "busybox:1.36 (1/2): loading into 1 node(s)" || msgs[2] != "nginx:1.27 (2/2): loading into 2 node(s)" {
		t.Errorf("progress messages %v", msgs)
	}
	// A second preload finds everything in place.
	f.eng.saved = nil
	if err := f.Preload(context.Background(), []string{"busybox:1.36", "nginx:1.27"}, nil); err != nil || len(f.eng.saved) != 0 {
		t.Errorf("second Preload: %v, saved %v", err, f.eng.saved)
	}
}

func TestNormalizeImage(t *testing.T) {
	for in, want := range map[string]string{
		"busybox:1.36":               "docker.io/library/busybox:1.36",
		"nginx":                      "docker.io/library/nginx:latest",
		"bitnami/redis:7":            "docker.io/bitnami/redis:7",
		"registry.k8s.io/pause:3.10": "registry.k8s.io/pause:3.10",
		"localhost:5000/app:v1":      "localhost:5000/app:v1",
		"localhost/app":              "localhost/app:latest",
		"busybox@sha256:0123":        "docker.io/library/busybox@sha256:0123",
		"ghcr.io/org/tool:1.0":       "ghcr.io/org/tool:1.0",
	} {
		if got := normalizeImage(in); got != want {
			t.Errorf("normalizeImage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNodeExec(t *testing.T) {
	f := newFakeLab(t, Config{})
	f.prov.nodes = []nodes.Node{&fakeNode{name: "kd-control-plane"}}
	ne := f.NodeExec()
	ctx := context.Background()
	out, _, code, err := ne.Exec(ctx, "kd-control-plane", "echo hello; exit 0")
	if err != nil || code != 0 || out != "hello\n" {
		t.Errorf("Exec = %q %d %v", out, code, err)
	}
	_, stderr, code, err := ne.Exec(ctx, "kd-control-plane", "echo oops >&2; exit 3")
	if err != nil || code != 3 || stderr != "oops\n" {
		t.Errorf("failing script: %q %d %v (a script's failure is not an error)", stderr, code, err)
	}
	_, _, _, err = ne.Exec(ctx, "kd-control-plane", "echo 'Error response from daemon: container kd-control-plane is not running' >&2; exit 1")
	if err == nil {
		t.Error("an engine failure must be an error")
	}
	if _, _, _, err := ne.Exec(ctx, "elsewhere", "true"); err == nil || !strings.Contains(err.Error(), "kd-control-plane") {
		t.Errorf("unknown node: %v", err)
	}
}

func TestClusterLayout(t *testing.T) {
	f := newFakeLab(t, Config{Workers: 2})
	c := f.clusterConfig()
	var roles []string
	for _, n := range c.Nodes {
		roles = append(roles, string(n.Role))
	}
	if strings.Join(roles, ",") != "control-plane,worker,worker" {
		t.Errorf("nodes %v", roles)
	}
	if len(c.KubeadmConfigPatches) != 1 || !strings.Contains(c.KubeadmConfigPatches[0], "enable-aggregator-routing") ||
		len(c.KubeadmConfigPatchesJSON6902) != 1 || !strings.Contains(c.KubeadmConfigPatchesJSON6902[0].Patch, "enable-aggregator-routing") {
		t.Errorf("the API server must route to aggregated APIs' endpoints: %+v %+v", c.KubeadmConfigPatches, c.KubeadmConfigPatchesJSON6902)
	}
	if got := createPlan(2, true); got[len(got)-1] != PhaseImages || !slices.Contains(got, PhaseJoin) {
		t.Errorf("plan %v", got)
	}
}

// TestNotAnsweringHintFollowsDockerHost: with DOCKER_HOST (or a docker
// context) set, the advice is about that daemon, not the local systemd
// unit.
func TestNotAnsweringHintFollowsDockerHost(t *testing.T) {
	refused := errors.New("Cannot connect to the Docker daemon. Is the docker daemon running?")
	for _, tc := range []struct {
		env       map[string]string
		want      []string
		notWanted string
	}{
		{nil, []string{"sudo systemctl start docker", "Docker Desktop"}, "DOCKER_HOST"},
		{map[string]string{"DOCKER_HOST": "tcp://10.0.0.5:2376"}, []string{"DOCKER_HOST=tcp://10.0.0.5:2376", "on 10.0.0.5", "unset DOCKER_HOST"}, "systemctl"},
		{map[string]string{"DOCKER_HOST": "ssh://me@build"}, []string{"DOCKER_HOST=ssh://me@build", "on build", "unset DOCKER_HOST"}, "systemctl"},
		{map[string]string{"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, []string{"rootless", "systemctl --user start docker"}, "sudo systemctl"},
		{map[string]string{"DOCKER_HOST": "unix:///srv/docker.sock"}, []string{"listens on /srv/docker.sock", "unset DOCKER_HOST"}, "systemctl"},
		{map[string]string{"DOCKER_CONTEXT": "remote"}, []string{"docker context remote", "docker context inspect remote", "docker context use default"}, "systemctl"},
	} {
		getenv := func(k string) string { return tc.env[k] }
		got := notAnsweringHint("docker", refused, getenv)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("env %v: hint lacks %q:\n%s", tc.env, w, got)
			}
		}
		if strings.Contains(got, tc.notWanted) {
			t.Errorf("env %v: hint mentions %q:\n%s", tc.env, tc.notWanted, got)
		}
	}
}

// TestStatusWithoutAnsweringEngine: a lab whose engine does not answer has
// a Status that says so, with the runtime and what to do.
func TestStatusWithoutAnsweringEngine(t *testing.T) {
	f := newFakeLab(t, Config{})
	f.eng.infoErr = &engineError{Command: "docker info", Stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock"}
	f.eng.listErr = f.eng.infoErr
	st, err := f.Status(context.Background())
	if !errors.Is(err, ErrNoRuntime) || st.Runtime != "docker" || st.Ready() || !strings.Contains(st.Problem, "systemctl start docker") {
		t.Errorf("Status = %+v, %v", st, err)
	}
}
