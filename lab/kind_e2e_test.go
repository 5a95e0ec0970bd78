package lab_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/config"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

// e2eLab is this suite's own cluster name; other suites use other names.
const e2eLab = "kubedojo-e2e-lab"

// rss is the resident memory of this test process.
func rss(t *testing.T) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// containers lists the engine's containers of a kind cluster.
func containers(t *testing.T, name string) []string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster="+name, "--format", "{{.Names}}").Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	return strings.Fields(string(out))
}

func timed(t *testing.T, what string, f func() error) time.Duration {
	t.Helper()
	start := time.Now()
	err := f()
	d := time.Since(start)
	if err != nil {
		t.Fatalf("%s: %v (after %s)", what, err, d)
	}
	t.Logf("TIMING %s: %s", what, d.Round(time.Millisecond))
	return d
}

func TestKindLabEndToEnd(t *testing.T) {
	labtest.RequireKind(t)
	ctx := context.Background()
	// A fixed state directory, so a run after a crashed one finds its
	// ownership record and can delete the old cluster.
	state := filepath.Join(os.TempDir(), "kubedojo-e2e-lab-state")
	l, err := lab.New(lab.Config{Name: e2eLab, StateDir: state, NodeImage: os.Getenv(config.NodeImage.Env)})
	if err != nil {
		t.Fatal(err)
	}
	pre, err := l.Preflight(ctx)
	if err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	t.Logf("preflight: %s %s, warnings %v", pre.Runtime, pre.RuntimeVersion, pre.Warnings)
	if err := l.Down(ctx); err != nil {
		t.Fatalf("Down before the test: %v", err)
	}
	t.Cleanup(func() {
		if err := l.Down(context.Background()); err != nil {
			t.Errorf("Down at the end: %v", err)
		}
	})

	t.Run("up cold", func(t *testing.T) {
		var phases []string
		timed(t, "Up (cold)", func() error {
			return l.Up(ctx, func(p lab.Progress) {
				if !p.Done && (len(phases) == 0 || phases[len(phases)-1] != p.Phase) {
					phases = append(phases, p.Phase)
				}
			})
		})
		t.Logf("phases: %s", strings.Join(phases, " → "))
		for _, want := range []string{lab.PhaseNodeImage, lab.PhasePrepare, lab.PhaseControlPlane, lab.PhaseCNI, lab.PhaseWait} {
			if !strings.Contains(strings.Join(phases, ","), want) {
				t.Errorf("no %q phase reported", want)
			}
		}
		t.Logf("RSS with the lab up: %s", rss(t))
		if fi, err := os.Stat(l.KubeconfigPath()); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("kubeconfig %s: %v", l.KubeconfigPath(), err)
		}
	})

	t.Run("status", func(t *testing.T) {
		s, err := l.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("status: %+v", s)
		if !s.Exists || !s.Running || !s.Ready() || s.Foreign || s.NodeImage != os.Getenv(config.NodeImage.Env) || !strings.HasPrefix(s.KubernetesVersion, "v1.") {
			t.Errorf("status = %+v", s)
		}
	})

	t.Run("up warm", func(t *testing.T) {
		timed(t, "Up (warm)", func() error { return l.Up(ctx, nil) })
	})

	t.Run("preload", func(t *testing.T) {
		timed(t, "Preload "+strings.Join(labtest.KindImages, " "), func() error { return l.Preload(ctx, labtest.KindImages, nil) })
		var msgs []string
		timed(t, "Preload again (present)", func() error {
			return l.Preload(ctx, labtest.KindImages, func(p lab.Progress) {
				if strings.Contains(p.Message, "(") {
					msgs = append(msgs, p.Message)
				}
			})
		})
		loadedAgain := len(msgs) != len(labtest.KindImages)
		for _, m := range msgs {
			loadedAgain = loadedAgain || !strings.HasSuffix(m, "already loaded")
		}
		if loadedAgain {
			t.Errorf("second preload of %d images loaded again: %q", len(labtest.KindImages), msgs)
		}
		err := l.Preload(ctx, []string{"kubedojo.invalid/none:1"}, nil)
		if !errors.Is(err, lab.ErrImagesMissing) || !strings.Contains(err.Error(), "docker pull kubedojo.invalid/none:1") {
			t.Errorf("missing image: %v", err)
		}
	})

	var vars lessons.Vars
	t.Run("vars and node exec", func(t *testing.T) {
		var err error
		vars, err = l.Vars(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if vars.Node != e2eLab+"-control-plane" || vars.NodeIP == "" || vars.Lab == "" {
			t.Errorf("vars = %+v", vars)
		}
		out, _, code, err := l.NodeExec().Exec(ctx, vars.Node, "cat /kind/version; crictl images -q | wc -l")
		if err != nil || code != 0 || !strings.HasPrefix(out, "v1.") {
			t.Errorf("node exec: %q %d %v", out, code, err)
		}
		if _, _, code, err := l.NodeExec().Exec(ctx, vars.Node, "exit 7"); err != nil || code != 7 {
			t.Errorf("node exec exit code %d %v", code, err)
		}
	})

	ex := &lessons.Exercise{
		ID:         "e2e/reset",
		Namespaces: []lessons.Namespace{{Name: "e2e-reset"}},
		Setup:      []lessons.Step{{Apply: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: start}\ndata: {node: \"{{NODE}}\"}\n"}},
	}
	t.Run("reset", func(t *testing.T) {
		env, err := l.Environment()
		if err != nil {
			t.Fatal(err)
		}
		caps, err := env.Capabilities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tier := range []lessons.Tier{lessons.TierAPI, lessons.TierControllers, lessons.TierKubelet, lessons.TierNodeAccess} {
			if !caps.Tiers[tier] {
				t.Errorf("kind lab lacks tier %s: %s", tier, caps.Missing[string(tier)])
			}
		}
		timed(t, "Setup (namespace-only exercise)", func() error { return env.Setup(ctx, ex) })
		for i := range 3 {
			timed(t, fmt.Sprintf("Reset (namespace-only exercise) #%d", i+1), func() error { return env.Reset(ctx, ex) })
		}
		pods := &lessons.Exercise{
			ID:         "e2e/pods",
			Namespaces: []lessons.Namespace{{Name: "e2e-pods"}},
			Setup: []lessons.Step{{Apply: "apiVersion: v1\nkind: Pod\nmetadata: {name: sleeper}\n" +
				"spec: {containers: [{name: c, image: busybox:1.36, command: [sleep, '3600']}]}\n"}},
		}
		timed(t, "Setup (a busybox pod)", func() error { return env.Setup(ctx, pods) })
		time.Sleep(3 * time.Second) // let the pod start
		timed(t, "Reset (a running busybox pod)", func() error { return env.Reset(ctx, pods) })
		timed(t, "Cleanup (a busybox pod)", func() error { return env.Cleanup(ctx, pods) })
		t.Logf("RSS after resets: %s", rss(t))
	})

	t.Run("shell", func(t *testing.T) {
		cmd, err := l.ShellCommand(ex)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Args = append(cmd.Args, "-c", `kubectl config view --minify -o jsonpath='{..namespace}'; echo " $KUBEDOJO_EXERCISE"`)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "e2e-reset e2e/reset" {
			t.Errorf("shell printed %q (%v)", out, err)
		}
	})

	t.Run("foreign context refused", func(t *testing.T) {
		other := t.TempDir()
		if _, err := lab.New(lab.Config{StateDir: other, Kubeconfig: l.KubeconfigPath(), Context: l.ContextName()}); !errors.Is(err, lab.ErrForeignCluster) {
			t.Errorf("context of a cluster not recorded in this state dir: %v", err)
		}
		own, err := lab.New(lab.Config{StateDir: state, Kubeconfig: l.KubeconfigPath(), Context: l.ContextName()})
		if err != nil || own.Foreign() || own.Name() != e2eLab {
			t.Errorf("own lab through its context: %v", err)
		}
		foreign, err := lab.New(lab.Config{StateDir: other, Kubeconfig: l.KubeconfigPath(), AllowForeign: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := foreign.Up(ctx, nil); err != nil {
			t.Errorf("Up of an allowed foreign cluster: %v", err)
		}
		if s, err := foreign.Status(ctx); err != nil || !s.Foreign || !s.Ready() {
			t.Errorf("foreign status %+v %v", s, err)
		}
		if err := foreign.Down(ctx); !errors.Is(err, lab.ErrForeignCluster) {
			t.Errorf("Down of a foreign cluster: %v", err)
		}
	})

	t.Run("restart stopped node", func(t *testing.T) {
		if out, err := exec.Command("docker", "stop", e2eLab+"-control-plane").CombinedOutput(); err != nil {
			t.Fatalf("docker stop: %v %s", err, out)
		}
		s, err := l.Status(ctx)
		if err != nil || s.Running || s.Problem == "" {
			t.Errorf("status of a stopped lab: %+v %v", s, err)
		}
		timed(t, "Up (restart stopped node)", func() error { return l.Up(ctx, nil) })
		if s, err := l.Status(ctx); err != nil || !s.Ready() {
			t.Errorf("status after restart: %+v %v", s, err)
		}
		// Let the kubelet finish starting the system pods again before the
		// next step deletes the node: on cgroup v1 hosts (this VM), killing a
		// node while its runc creates a container leaves that container's
		// cgroup frozen, and the engine can then never remove the node.
		settleSystemPods(t, l)
	})

	t.Run("down", func(t *testing.T) {
		timed(t, "Down", func() error { return l.Down(ctx) })
		if cs := containers(t, e2eLab); len(cs) != 0 {
			t.Errorf("containers after Down: %v", cs)
		}
		if s, err := l.Status(ctx); err != nil || s.Exists {
			t.Errorf("status after Down: %+v %v", s, err)
		}
	})

	t.Run("interrupted create", func(t *testing.T) {
		// Cancel a few seconds into kubeadm init, the longest step.
		cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		var phase string
		var armed bool
		err := l.Up(cctx, func(p lab.Progress) {
			if p.Phase == lab.PhaseControlPlane && !p.Done && !armed {
				armed = true
				time.AfterFunc(3*time.Second, cancel)
			}
			if !p.Done && p.Phase != lab.PhaseDelete {
				phase = p.Phase
			}
		})
		t.Logf("cancelled during %q: %v", phase, err)
		if phase != lab.PhaseControlPlane {
			t.Errorf("cancelled during %q, want during %q", phase, lab.PhaseControlPlane)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Up: %v, want context.Canceled", err)
		}
		if cs := containers(t, e2eLab); len(cs) != 0 {
			t.Errorf("containers left after an interrupted create: %v", cs)
		}
	})
}

// settleSystemPods waits (bounded) until every kube-system pod is Ready.
func settleSystemPods(t *testing.T, l *lab.Lab) {
	t.Helper()
	rc, err := l.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for time.Since(start) < 2*time.Minute {
		pods, err := kube.CoreV1().Pods("kube-system").List(context.Background(), metav1.ListOptions{})
		ready := err == nil && len(pods.Items) > 0
		for _, p := range pods.Items {
			for _, c := range p.Status.ContainerStatuses {
				ready = ready && c.Ready
			}
		}
		if ready {
			t.Logf("system pods ready %s after Up returned", time.Since(start).Round(time.Second))
			return
		}
		time.Sleep(time.Second)
	}
	t.Logf("system pods not all ready after %s", time.Since(start).Round(time.Second))
}
