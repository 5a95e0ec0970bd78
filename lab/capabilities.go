package lab

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lessons"
)

// Add-ons Capabilities looks for (an addon exercise's `addon:` value).
const (
	AddonHelm          = "helm"
	AddonGatewayAPI    = "gateway-api"
	AddonMetricsServer = "metrics-server"
	AddonTraefik       = "traefik"
)

// Capabilities says which exercise tiers and add-ons a cluster can serve.
type Capabilities struct {
	// Tiers maps api, controllers, kubelet and node-access to whether the
	// cluster provides them (each on its own; Serves applies the order).
	Tiers map[lessons.Tier]bool
	// Addons maps helm, gateway-api, metrics-server and traefik to
	// availability.
	Addons map[string]bool
	// Workers counts Ready nodes besides the control plane.
	Workers int
	// NotReadyWorkers names the nodes besides the control plane that are
	// not Ready: the lab has them, and a kubelet that an exercise stopped
	// (or a restarted engine) is why they are down, not the layout.
	NotReadyWorkers []string
	// Missing says why a tier or add-on is unavailable, by its name.
	Missing map[string]string
	// OwnLab is true on kubedojo's own kind lab, whose layout a learner
	// changes with kubedojo's commands (advice then names them).
	OwnLab bool
	// NodeTools maps the node tools exercises use (crictl) to whether the
	// control-plane node has them; a tool is absent from the map when that
	// is unknown (no node access, or the probe failed).
	NodeTools map[string]bool
}

// ErrUnavailable means the cluster cannot serve an exercise (a tier, an
// add-on, a worker or a node tool is missing): the exercise is shown as
// unavailable here with the reason, never graded as failed.
var ErrUnavailable = errors.New("unavailable here")

// Unavailable is nil when the cluster serves the exercise, else an
// ErrUnavailable error with Serves' reason.
func (c Capabilities) Unavailable(ex *lessons.Exercise) error {
	if ok, why := c.Serves(ex); !ok {
		return fmt.Errorf("%w: %s", ErrUnavailable, why)
	}
	return nil
}

// Serves reports whether an exercise can run here, and if not, why.
func (c Capabilities) Serves(ex *lessons.Exercise) (bool, string) {
	for _, t := range lessons.Tiers {
		if t == lessons.TierAddon || !ex.Tier.Includes(t) {
			continue
		}
		if !c.Tiers[t] {
			return false, fmt.Sprintf("tier %s: %s", t, c.Missing[string(t)])
		}
	}
	if ex.Tier == lessons.TierAddon && !c.Addons[ex.Addon] {
		reason := c.Missing[ex.Addon]
		if reason == "" {
			reason = "kubedojo does not know how to detect it"
		}
		return false, fmt.Sprintf("add-on %s: %s", ex.Addon, reason)
	}
	if what := nodeUse(ex); what != "" && !c.Tiers[lessons.TierNodeAccess] {
		return false, fmt.Sprintf("%s, and this cluster gives none: %s", what, c.Missing[string(lessons.TierNodeAccess)])
	}
	if ex.Workers > c.Workers {
		why := fmt.Sprintf("needs %s; the cluster has %d ready", plural(ex.Workers, "worker node"), c.Workers)
		if c.Workers+len(c.NotReadyWorkers) >= ex.Workers {
			why = fmt.Sprintf("needs %s and %s", plural(ex.Workers, "worker node"), c.notReady())
		} else if c.OwnLab {
			why = fmt.Sprintf("needs %s and this lab has %d: %s", plural(ex.Workers, "worker node"), c.Workers, WorkersAdvice(ex.Workers))
		}
		return false, why
	}
	for _, tool := range NodeTools {
		if has, known := c.NodeTools[tool]; known && !has && usesNodeTool(ex, tool) {
			return false, MissingToolAdvice(tool, max(c.Workers, ex.Workers))
		}
	}
	return true, ""
}

// NodeTools are the programs exercises run inside nodes that older node
// images lack.
var NodeTools = []string{"crictl"}

// MissingToolAdvice says why the lab's nodes lack a tool and how to get
// it: the lab was made from a node image older than the one that carries
// it, and only a new lab gets the new image.
func MissingToolAdvice(tool string, workers int) string {
	return fmt.Sprintf("the lab's nodes have no %s: the lab was made from an older node image, and only a new lab gets the current one: %s",
		tool, WorkersAdvice(workers))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// nodeUse says how an exercise needs a shell inside a node beyond its tier
// ("" when it does not): node commands in its start state or reference
// solution, or node checks. Node cleanup steps do not count: without node
// access they are kept and reported.
func nodeUse(ex *lessons.Exercise) string {
	for _, s := range ex.Setup {
		if s.Node != "" || (s.Wait != nil && checksUseNode([]lessons.Check{s.Wait.Check})) {
			return "its start state runs commands inside a node"
		}
	}
	if checksUseNode(ex.Checks) {
		return "its checks read state inside a node"
	}
	for _, s := range ex.Solution.Steps {
		if s.Node != "" {
			return "its solution works inside a node"
		}
	}
	return ""
}

func checksUseNode(cs []lessons.Check) bool {
	for i := range cs {
		c := &cs[i]
		if c.Node != nil || checksUseNode(c.AllOf) || checksUseNode(c.AnyOf) {
			return true
		}
	}
	return false
}

// usesNodeTool reports whether an exercise runs tool inside a node or
// asks the learner to: its task, hints, solution, node steps and checks
// name it.
func usesNodeTool(ex *lessons.Exercise, tool string) bool {
	texts := append([]string{ex.Task, ex.Solution.Explanation}, ex.Hints...)
	for _, s := range append(append([]lessons.Step(nil), ex.Setup...), ex.Solution.Steps...) {
		texts = append(texts, s.Node, s.Run)
	}
	texts = append(texts, nodeCommands(ex.Checks)...)
	for _, t := range texts {
		if strings.Contains(t, tool) {
			return true
		}
	}
	return false
}

func nodeCommands(cs []lessons.Check) []string {
	var out []string
	for i := range cs {
		c := &cs[i]
		if c.Node != nil {
			out = append(out, c.Node.Command)
		}
		out = append(out, nodeCommands(c.AllOf)...)
		out = append(out, nodeCommands(c.AnyOf)...)
	}
	return out
}

// leaseFresh is how old a controller's leader lease may be and still count
// as held (leases renew every few seconds and last 15 s).
const leaseFresh = 60 * time.Second

// Capabilities finds out which tiers and add-ons this cluster serves. The
// error is for an unreachable API server.
func (e *Environment) Capabilities(ctx context.Context) (Capabilities, error) {
	c := Capabilities{
		Tiers:   map[lessons.Tier]bool{},
		Addons:  map[string]bool{},
		Missing: map[string]string{},
	}
	if _, err := e.kube.Discovery().ServerVersion(); err != nil {
		return c, apiError("", err)
	}
	c.Tiers[lessons.TierAPI] = true

	var missing []string
	for _, name := range []string{"kube-controller-manager", "kube-scheduler"} {
		if why := e.leaseHeld(ctx, name); why != "" {
			missing = append(missing, why)
		}
	}
	c.Tiers[lessons.TierControllers] = len(missing) == 0
	if len(missing) > 0 {
		c.Missing[string(lessons.TierControllers)] = strings.Join(missing, "; ")
	}

	nodes, err := e.kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return c, apiError("list nodes", err)
	}
	ready := 0
	for i := range nodes.Items {
		n := &nodes.Items[i]
		if !nodeReady(n) {
			if _, cp := n.Labels[controlPlaneLabel]; !cp {
				c.NotReadyWorkers = append(c.NotReadyWorkers, n.Name)
			}
			continue
		}
		ready++
		if _, cp := n.Labels[controlPlaneLabel]; !cp {
			c.Workers++
		}
	}
	c.Tiers[lessons.TierKubelet] = ready > 0
	if ready == 0 {
		c.Missing[string(lessons.TierKubelet)] = fmt.Sprintf("no Ready node (%d nodes)", len(nodes.Items))
	}
	c.Tiers[lessons.TierNodeAccess] = e.opts.Node != nil
	c.OwnLab = e.opts.Node != nil && !e.opts.Foreign
	if e.opts.Node == nil {
		c.Missing[string(lessons.TierNodeAccess)] = "no shell inside the nodes (only kubedojo's own kind lab has one)"
	} else {
		c.NodeTools = e.nodeTools(ctx)
	}

	if _, err := e.lookPath("helm"); err == nil {
		c.Addons[AddonHelm] = true
	} else {
		c.Missing[AddonHelm] = "helm not found on PATH; install Helm 3 (https://helm.sh/docs/intro/install/)"
	}
	groups, err := e.kube.Discovery().ServerGroups()
	if err != nil {
		return c, apiError("discover API groups", err)
	}
	served := map[string][]string{}
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			served[g.Name] = append(served[g.Name], v.GroupVersion)
		}
	}
	c.Addons[AddonGatewayAPI] = len(served["gateway.networking.k8s.io"]) > 0
	if !c.Addons[AddonGatewayAPI] {
		c.Missing[AddonGatewayAPI] = "the Gateway API CRDs (gateway.networking.k8s.io) are not installed"
	}
	// metrics.k8s.io is an aggregated API: listed even when metrics-server
	// is down, so ask it for its resources.
	c.Addons[AddonMetricsServer] = false
	for _, gv := range served["metrics.k8s.io"] {
		if _, err := e.kube.Discovery().ServerResourcesForGroupVersion(gv); err == nil {
			c.Addons[AddonMetricsServer] = true
			break
		}
	}
	if !c.Addons[AddonMetricsServer] {
		reason := "metrics-server is not installed (metrics.k8s.io is not served)"
		if len(served["metrics.k8s.io"]) > 0 {
			reason = "metrics.k8s.io is registered but does not answer (is metrics-server running?)"
		}
		if c.OwnLab {
			reason += "; kubedojo lab up installs it"
		}
		c.Missing[AddonMetricsServer] = reason
	}
	c.Addons[AddonTraefik], c.Missing[AddonTraefik] = e.traefikServes(ctx, c.Addons[AddonGatewayAPI], c.OwnLab)
	if c.Addons[AddonTraefik] {
		delete(c.Missing, AddonTraefik)
	}
	return c, nil
}

// nodeTools asks the control-plane node which of NodeTools it has; a
// tool whose probe fails (engine trouble) stays unknown. The answers are
// kept: a node's image does not change under a running environment, and a
// docker exec is slow on a loaded machine.
func (e *Environment) nodeTools(ctx context.Context) map[string]bool {
	e.mu.Lock()
	known := maps.Clone(e.nodeToolsSeen)
	e.mu.Unlock()
	if len(known) == len(NodeTools) {
		return known
	}
	out := map[string]bool{}
	vars, err := e.Vars(ctx)
	if err != nil || vars.Node == "" {
		return out
	}
	for _, tool := range NodeTools {
		if _, _, code, err := e.opts.Node.Exec(ctx, vars.Node, "command -v "+tool+" >/dev/null"); err == nil {
			out[tool] = code == 0
		}
	}
	e.mu.Lock()
	e.nodeToolsSeen = maps.Clone(out)
	e.mu.Unlock()
	return out
}

// leaseHeld returns "" when the component's leader lease in kube-system is
// fresh, else why not.
func (e *Environment) leaseHeld(ctx context.Context, name string) string {
	l, err := e.kube.CoordinationV1().Leases("kube-system").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return fmt.Sprintf("%s does not run (no leader lease kube-system/%s)", name, name)
	}
	if l.Spec.RenewTime == nil {
		return fmt.Sprintf("%s has never renewed its leader lease", name)
	}
	if age := e.now().Sub(l.Spec.RenewTime.Time); age > leaseFresh {
		return fmt.Sprintf("%s last renewed its leader lease %s ago", name, age.Round(time.Second))
	}
	return ""
}

// notReady says which workers are not Ready and where to look.
func (c Capabilities) notReady() string {
	verb := "is"
	if len(c.NotReadyWorkers) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s not Ready (kubectl describe node says why; an exercise's attempt in progress may keep a kubelet down on purpose)",
		strings.Join(c.NotReadyWorkers, ", "), verb)
}
