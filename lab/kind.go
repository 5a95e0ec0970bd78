package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/kind/pkg/cluster"
)

// errUnhealthy means an existing lab did not become ready after a restart.
var errUnhealthy = errors.New("lab did not become healthy")

func (l *Lab) detectKind(ctx context.Context) (engine, kindProvider, error) {
	eng, opt, err := detectEngine(ctx, l.getenv, clientVersion)
	if err != nil {
		return nil, nil, err
	}
	return eng, cluster.NewProvider(opt, cluster.ProviderWithLogger(l.logger)), nil
}

// kind returns the container engine and kind provider, detecting them once.
func (l *Lab) kind(ctx context.Context) (engine, kindProvider, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.provider == nil {
		eng, prov, err := l.detect(ctx)
		if err != nil {
			return nil, nil, err
		}
		l.eng, l.provider = eng, prov
	}
	return l.eng, l.provider, nil
}

// containers lists the lab's node containers. A failure is explained by
// asking the engine about itself only then, which keeps `docker info` (a
// second or more on a busy machine) off the happy path.
func (l *Lab) containers(ctx context.Context) (engine, kindProvider, []nodeContainer, error) {
	eng, prov, err := l.kind(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	ctrs, err := eng.NodeContainers(ctx, l.cfg.Name)
	if err != nil {
		return nil, nil, nil, l.engineFailure(ctx, eng, fmt.Sprintf("list the containers of lab %q", l.cfg.Name), err)
	}
	return eng, prov, ctrs, nil
}

// engineFailure turns a failed engine command into an ErrNoRuntime error
// that says how to get the engine answering.
func (l *Lab) engineFailure(ctx context.Context, eng engine, what string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	ictx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, ierr := eng.Info(ictx); ierr != nil {
		return fmt.Errorf("%w: %s", ErrNoRuntime, notAnsweringHint(eng.Name(), ierr, l.getenv))
	}
	return fmt.Errorf("%w: %s: %v", ErrNoRuntime, what, err)
}

// Up makes the lab ready: it creates kubedojo's kind cluster, or reuses it,
// starting node containers that stopped (after a reboot or an engine
// restart) and waiting for one that is slow or paused; then it waits until
// the API server answers and every node is Ready, writes the private
// kubeconfig and preloads Config.Images. A reused lab is never recreated
// on its own: one that is certainly broken is a *BrokenError and one still
// not ready after the wait an ErrUnreachable error, both recreated only
// with Config.Recreate (revive.go). A reused lab keeps its layout: one with
// fewer workers than Config.Workers is not recreated for them
// (Capabilities.Advice says how). Cancelling ctx deletes a cluster this
// call created before Up returns (interrupted). For an existing cluster Up
// only checks that it answers.
func (l *Lab) Up(ctx context.Context, progress func(Progress)) error {
	if l.foreign {
		t := newTracker(progress, []string{PhaseWait})
		return l.waitReady(ctx, t, 30*time.Second)
	}
	eng, prov, ctrs, err := l.containers(ctx)
	if err != nil {
		return err
	}
	l.forgetNodes()
	rec, err := readOwner(l.cfg.ownerFile())
	if err != nil {
		return err
	}
	preload := len(l.cfg.Images) > 0
	t := newTracker(progress, reusePlan(ctrs, preload))
	l.logger.set(t)
	defer l.logger.set(nil)

	created := true // by this call, so an interruption removes it
	switch {
	case len(ctrs) == 0:
		t.setPlan(createPlan(l.cfg.Workers, preload))
		if err := l.create(ctx, prov, t); err != nil {
			return err
		}
	case rec == nil:
		return fmt.Errorf("%w: a kind cluster named %q exists but kubedojo did not create it. Choose another lab name, "+
			"delete it with `kind delete cluster --name %s`, or use it as an existing cluster (context %s) with --allow-foreign-cluster",
			ErrForeignCluster, l.cfg.Name, l.cfg.Name, kindContext(l.cfg.Name))
	case rec.CAFingerprint == "":
		// A creation that kubedojo itself never finished (killed mid-way).
		t.setPlan(createPlan(l.cfg.Workers, preload))
		t.start(PhaseDelete, "removing an unfinished earlier creation")
		if err := prov.Delete(l.cfg.Name, l.kubeconfig); err != nil {
			return fmt.Errorf("delete unfinished lab %q: %w", l.cfg.Name, err)
		}
		t.done(PhaseDelete, nil)
		if err := l.create(ctx, prov, t); err != nil {
			return err
		}
	default:
		created = false
		err := l.revive(ctx, eng, prov, ctrs, rec, t)
		if errors.Is(err, errUnhealthy) && ctx.Err() == nil {
			created, err = l.recreateUnhealthy(ctx, eng, prov, t, preload, err)
		}
		if err != nil {
			return err
		}
	}
	if err := l.finishUp(ctx, t, preload); err != nil {
		return l.interrupted(ctx, created, err)
	}
	return nil
}

// finishUp is what Up does once the cluster answers.
func (l *Lab) finishUp(ctx context.Context, t *tracker, preload bool) error {
	if err := l.addons(ctx, t); err != nil {
		return err
	}
	if preload {
		return l.preload(ctx, l.cfg.Images, t)
	}
	return nil
}

func reusePlan(ctrs []nodeContainer, preload bool) []string {
	var p []string
	if len(stoppedNodes(ctrs)) > 0 {
		p = append(p, PhaseRestart)
	}
	p = append(p, PhaseKubeconfig, PhaseWait)
	if preload {
		p = append(p, PhaseImages)
	}
	return p
}

// aggregatorRouting makes the API server reach aggregated APIs
// (metrics-server) at their endpoints' pod IPs instead of their Service IP.
// A connection to a Service IP opened before kube-proxy programmed it leaves
// the node unrewritten; on a host whose network answers such addresses
// (seen here: an empty 404 from a proxy) the aggregator keeps reusing it and
// `kubectl top` never works. Pod IPs are routed by the CNI from the start.
// kind writes kubeadm's v1beta3 ClusterConfiguration (extraArgs a map) below
// Kubernetes 1.36 and v1beta4 (extraArgs a list) from then on; each patch
// applies only to its own version.
const aggregatorRoutingV1beta3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    enable-aggregator-routing: "true"
`

var aggregatorRoutingV1beta4 = v1alpha4.PatchJSON6902{
	Group:   "kubeadm.k8s.io",
	Version: "v1beta4",
	Kind:    "ClusterConfiguration",
	Patch:   `[{"op": "add", "path": "/apiServer/extraArgs/-", "value": {"name": "enable-aggregator-routing", "value": "true"}}]`,
}

// clusterConfig is the kind cluster layout: one control plane and the
// configured workers.
func (l *Lab) clusterConfig() *v1alpha4.Cluster {
	c := &v1alpha4.Cluster{
		TypeMeta:                     v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
		Nodes:                        []v1alpha4.Node{{Role: v1alpha4.ControlPlaneRole}},
		KubeadmConfigPatches:         []string{aggregatorRoutingV1beta3},
		KubeadmConfigPatchesJSON6902: []v1alpha4.PatchJSON6902{aggregatorRoutingV1beta4},
	}
	for range l.cfg.Workers {
		c.Nodes = append(c.Nodes, v1alpha4.Node{Role: v1alpha4.WorkerRole})
	}
	return c
}

// create runs kind's Create, which takes no context, in a goroutine. On
// cancellation it deletes the cluster by name at once (so that kind's next
// step fails fast) and again after Create returned (nodes kind made in
// between), so no half-made cluster or orphan container stays behind.
func (l *Lab) create(ctx context.Context, prov kindProvider, t *tracker) error {
	name := l.cfg.Name
	// Baselines and the exercises' shell kubeconfigs describe the cluster
	// this one replaces.
	if err := l.forgetExercises(); err != nil {
		return err
	}
	rec := &ownerRecord{Name: name, NodeImage: l.nodeImage, Created: time.Now().UTC()}
	// Written before creation: an Up that was killed mid-way then finds
	// containers it may clean up.
	if err := writeOwner(l.cfg.ownerFile(), rec); err != nil {
		return fmt.Errorf("record lab ownership: %w", err)
	}
	opts := []cluster.CreateOption{
		cluster.CreateWithV1Alpha4Config(l.clusterConfig()),
		cluster.CreateWithKubeconfigPath(l.kubeconfig),
		cluster.CreateWithDisplayUsage(false),
		cluster.CreateWithDisplaySalutation(false),
	}
	opts = append(opts, cluster.CreateWithNodeImage(l.nodeImage))
	done := make(chan error, 1)
	go func() { done <- prov.Create(name, opts...) }()
	select {
	case err := <-done:
		if err != nil {
			t.done("", err)
			_ = os.Remove(l.cfg.ownerFile())
			return fmt.Errorf("create lab %q: %w", name, err)
		}
	case <-ctx.Done():
		l.logger.set(nil) // kind's remaining lines describe a cluster that is going away
		t.start(PhaseDelete, "interrupted: removing the half-made cluster")
		_ = prov.Delete(name, l.kubeconfig)
		<-done
		err := prov.Delete(name, l.kubeconfig)
		t.done(PhaseDelete, err)
		if err != nil {
			return errors.Join(fmt.Errorf("create lab %q: %w", name, ctx.Err()),
				fmt.Errorf("remove the interrupted lab: %w (remove it with `kind delete cluster --name %s`)", err, name))
		}
		_ = os.Remove(l.cfg.ownerFile())
		return fmt.Errorf("create lab %q: %w", name, ctx.Err())
	}
	if err := l.syncKubeconfig(prov, nil, rec, t); err != nil {
		return err
	}
	return l.waitReady(ctx, t, readyTimeout)
}

// revive brings an existing lab back: starts stopped node containers,
// checks that the cluster is still the one kubedojo created, and waits
// until it is ready (errUnhealthy if it does not get there).
func (l *Lab) revive(ctx context.Context, eng engine, prov kindProvider, ctrs []nodeContainer, rec *ownerRecord, t *tracker) error {
	if why := brokenLayout(ctrs); why != "" {
		return &BrokenError{Lab: l.cfg.Name, Reason: why}
	}
	stopped := stoppedNodes(ctrs)
	if len(stopped) > 0 {
		t.start(PhaseRestart, strings.Join(stopped, ", "))
		if err := eng.Start(ctx, stopped...); err != nil {
			t.done(PhaseRestart, err)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%w: %w", errUnhealthy, &BrokenError{Lab: l.cfg.Name,
				Reason: fmt.Sprintf("its stopped node container(s) %s do not start: %v", strings.Join(stopped, ", "), err)})
		}
		t.done(PhaseRestart, nil)
	}
	// The private kubeconfig trusts only the recorded CA, so an API server
	// that answers it is the lab kubedojo created: kind's copy (a docker
	// exec, slow on a busy machine) is read only when that file is missing
	// or stale, or the nodes were stopped.
	var src *clientcmdapi.Config
	if len(stopped) == 0 {
		src = l.trustedKubeconfig(rec)
	}
	trusted := src != nil
	if err := l.syncKubeconfig(prov, src, rec, t); err != nil {
		return err
	}
	timeout := reviveTimeout
	if len(stopped) > 0 {
		timeout = restartTimeout
	}
	if err := l.waitReady(ctx, t, timeout); err != nil {
		if ctx.Err() != nil {
			return err
		}
		if trusted {
			// Before recreating, make sure the cluster is still kubedojo's.
			if err := l.syncKubeconfig(prov, nil, rec, t); errors.Is(err, ErrForeignCluster) {
				return err
			}
		}
		// An exercise that breaks the control plane or a kubelet can be
		// repaired (UpRepairing): recreating would lose every attempt.
		if left, lerr := l.Leftovers(ctx); lerr == nil && len(left) > 0 {
			return fmt.Errorf("%w (%s): %v", ErrLeftBroken, left[0].Exercise, err)
		}
		return fmt.Errorf("%w: %v", errUnhealthy, err)
	}
	return nil
}

// trustedKubeconfig returns the private kubeconfig when it names the
// recorded server and CA, else nil.
func (l *Lab) trustedKubeconfig(rec *ownerRecord) *clientcmdapi.Config {
	cfg, err := loadKubeconfigFile(l.kubeconfig)
	if err != nil {
		return nil
	}
	if server, fp, err := contextIdentity(cfg, l.context); err != nil || !rec.matches(server, fp) {
		return nil
	}
	return cfg
}

// syncKubeconfig checks the lab's admin kubeconfig (src, or when nil the
// one kind reads from the control plane) against the ownership record
// (recording it on first use), merges it into the private kubeconfig and,
// when asked, into ~/.kube/config.
func (l *Lab) syncKubeconfig(prov kindProvider, src *clientcmdapi.Config, rec *ownerRecord, t *tracker) error {
	t.start(PhaseKubeconfig, l.kubeconfig)
	if src == nil {
		raw, err := prov.KubeConfig(l.cfg.Name, false)
		if err != nil {
			t.done(PhaseKubeconfig, err)
			return fmt.Errorf("%w: %w: read the kubeconfig of lab %q: %v", errUnhealthy, errNoAdminKubeconfig, l.cfg.Name, err)
		}
		if src, err = clientcmd.Load([]byte(raw)); err != nil {
			return fmt.Errorf("parse the kubeconfig of lab %q: %w", l.cfg.Name, err)
		}
	}
	server, fp, err := contextIdentity(src, l.context)
	if err != nil {
		return fmt.Errorf("kubeconfig of lab %q: %w", l.cfg.Name, err)
	}
	if rec.CAFingerprint != "" && rec.CAFingerprint != fp {
		return fmt.Errorf("%w: the kind cluster %q was recreated outside kubedojo (its certificate authority changed); "+
			"delete it with `kind delete cluster --name %s` or choose another lab name", ErrForeignCluster, l.cfg.Name, l.cfg.Name)
	}
	if err := mergeContext(l.kubeconfig, src, l.context); err != nil {
		return err
	}
	changed := rec.Server != server || rec.CAFingerprint != fp
	if l.cfg.ExportKubeconfig {
		if err := mergeContext(l.homeKubeconfig, src, l.context); err != nil {
			return fmt.Errorf("export the lab context to %s: %w", l.homeKubeconfig, err)
		}
		changed = changed || rec.ExportedTo != l.homeKubeconfig
		rec.ExportedTo = l.homeKubeconfig
	}
	if changed {
		rec.Server, rec.CAFingerprint = server, fp
		if err := writeOwner(l.cfg.ownerFile(), rec); err != nil {
			return fmt.Errorf("record lab ownership: %w", err)
		}
	}
	t.done(PhaseKubeconfig, nil)
	return nil
}

// waitAPIReady polls until the API server is ready and every node is
// Ready.
func (l *Lab) waitAPIReady(ctx context.Context, t *tracker, timeout time.Duration) error {
	t.start(PhaseWait, "API server")
	kube, err := l.clientset(5 * time.Second)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := ""
	slow := &slowWait{l: l, start: time.Now(), timeout: timeout}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, msg := clusterReady(wctx, kube)
		if ok {
			t.done(PhaseWait, nil)
			return nil
		}
		if msg = slow.describe(wctx, msg); msg != last {
			t.message(msg)
			last = msg
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			err := fmt.Errorf("%w: %s is not ready after %s: %s", ErrUnreachable, l.context, timeout, msg)
			t.done(PhaseWait, err)
			return err
		case <-tick.C:
		}
	}
}

// clusterReady reports whether the API server is ready and all nodes are
// Ready, with what is still missing.
func clusterReady(ctx context.Context, kube kubernetes.Interface) (bool, string) {
	if err := readyz(ctx, kube); err != nil {
		return false, "API server not ready: " + shortErr(err)
	}
	list, err := kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, "cannot list nodes: " + shortErr(err)
	}
	ready := 0
	for _, n := range list.Items {
		if nodeReady(&n) {
			ready++
		}
	}
	if len(list.Items) == 0 || ready < len(list.Items) {
		return false, fmt.Sprintf("%d/%d nodes ready", ready, len(list.Items))
	}
	return true, fmt.Sprintf("%d/%d nodes ready", ready, len(list.Items))
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// Down deletes kubedojo's own lab with its kubeconfig, ownership record and
// exercise baselines. It refuses clusters kubedojo did not create.
func (l *Lab) Down(ctx context.Context) error {
	if l.foreign {
		return fmt.Errorf("%w: kubedojo deletes only clusters it created; context %q stays", ErrForeignCluster, l.context)
	}
	eng, prov, ctrs, err := l.containers(ctx)
	if err != nil {
		return err
	}
	l.forgetNodes()
	rec, err := readOwner(l.cfg.ownerFile())
	if err != nil {
		return err
	}
	if len(ctrs) > 0 && rec == nil {
		return fmt.Errorf("%w: the kind cluster %q was not created by kubedojo; delete it with `kind delete cluster --name %s`",
			ErrForeignCluster, l.cfg.Name, l.cfg.Name)
	}
	if len(ctrs) > 0 {
		if err := prov.Delete(l.cfg.Name, l.kubeconfig); err != nil {
			return fmt.Errorf("delete lab %q: %w (if %s cannot remove the node containers, restarting %s usually frees them)",
				l.cfg.Name, err, eng.Name(), eng.Name())
		}
	}
	if rec != nil && rec.ExportedTo != "" {
		if err := removeContext(rec.ExportedTo, l.context); err != nil {
			return fmt.Errorf("remove the lab context from %s: %w", rec.ExportedTo, err)
		}
	}
	for _, p := range []string{l.kubeconfig, l.cfg.ownerFile()} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("delete lab %q: %w", l.cfg.Name, err)
		}
	}
	if err := l.forgetExercises(); err != nil {
		return err
	}
	_ = os.Remove(filepath.Dir(l.cfg.ownerFile()))
	return nil
}

// forgetExercises deletes what the state directory keeps about the
// exercises on this lab: their baselines and their shells' kubeconfigs.
func (l *Lab) forgetExercises() error {
	if err := os.RemoveAll(baselineDir(l.cfg.StateDir, l.context)); err != nil {
		return fmt.Errorf("delete the exercise baselines of lab %q: %w", l.cfg.Name, err)
	}
	if err := os.RemoveAll(l.cfg.shellsDir()); err != nil {
		return fmt.Errorf("delete the exercise kubeconfigs of lab %q: %w", l.cfg.Name, err)
	}
	return nil
}
