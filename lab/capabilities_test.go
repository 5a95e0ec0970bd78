package lab

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// toolNode is node access whose nodes have the tools in has.
type toolNode struct{ has map[string]bool }

func (n toolNode) Exec(_ context.Context, _ string, script string) (string, string, int, error) {
	for tool, ok := range n.has {
		if strings.Contains(script, "command -v "+tool) && ok {
			return "/usr/local/bin/" + tool, "", 0, nil
		}
	}
	return "", "", 1, nil
}

// allTiers are the capabilities of a lab that serves every tier, with the
// given workers and node access.
func allTiers(workers int, nodeAccess bool) Capabilities {
	c := Capabilities{
		Tiers:   map[lessons.Tier]bool{lessons.TierAPI: true, lessons.TierControllers: true, lessons.TierKubelet: true, lessons.TierNodeAccess: nodeAccess},
		Addons:  map[string]bool{AddonMetricsServer: true},
		Workers: workers, Missing: map[string]string{}, OwnLab: nodeAccess,
	}
	if !nodeAccess {
		c.Missing[string(lessons.TierNodeAccess)] = "no shell inside the nodes (only kubedojo's own kind lab has one)"
	}
	return c
}

func TestServesExercisesThatRunOnNodesOnlyWithNodeAccess(t *testing.T) {
	addonWithNodeSetup := exerciseYAML(t, "l/addon-node", `title: t
tier: addon
addon: metrics-server
namespaces: [a-1]
setup:
  - node: touch /etc/kubernetes/flag
`)
	kubeletWithNodeCheck := exerciseYAML(t, "l/kubelet-node", `title: t
tier: kubelet
namespaces: [k-1]
checks:
  - id: c
    anyOf:
      - node: {file: /etc/kubernetes/flag}
      - exists: {object: ConfigMap/x}
`)
	kubeletWithNodeCleanup := exerciseYAML(t, "l/kubelet-cleanup", `title: t
tier: kubelet
namespaces: [k-2]
cleanup:
  - node: rm -f /etc/kubernetes/flag
`)
	foreign := allTiers(1, false)
	for _, ex := range []*lessons.Exercise{addonWithNodeSetup, kubeletWithNodeCheck} {
		ok, why := foreign.Serves(ex)
		if ok || !strings.Contains(why, "inside a node") || !strings.Contains(why, "only kubedojo's own kind lab") {
			t.Errorf("Serves(%s) without node access = %v %q, want unavailable with the reason", ex.ID, ok, why)
		}
		if err := foreign.Unavailable(ex); !errors.Is(err, ErrUnavailable) || !strings.HasPrefix(err.Error(), "unavailable here: ") {
			t.Errorf("Unavailable(%s) = %v", ex.ID, err)
		}
		if ok, why := allTiers(1, true).Serves(ex); !ok {
			t.Errorf("Serves(%s) with node access = false %q", ex.ID, why)
		}
	}
	// Without node access a node cleanup step is kept and reported, so the
	// exercise still runs.
	if ok, why := foreign.Serves(kubeletWithNodeCleanup); !ok {
		t.Errorf("Serves(node cleanup only) = false %q", why)
	}
}

func TestServesSaysHowToGetTheWorkersAnExerciseNeeds(t *testing.T) {
	ex := &lessons.Exercise{ID: "s/two-nodes", Tier: lessons.TierKubelet, Workers: 1}
	ok, why := allTiers(0, true).Serves(ex)
	if ok || !strings.Contains(why, "needs 1 worker node and this lab has 0") || !strings.Contains(why, "kubedojo lab up --workers 1") {
		t.Errorf("own lab: Serves = %v %q", ok, why)
	}
	ok, why = allTiers(0, false).Serves(ex)
	if ok || !strings.Contains(why, "needs 1 worker node; the cluster has 0 ready") || strings.Contains(why, "kubedojo lab") {
		t.Errorf("existing cluster: Serves = %v %q (no lab commands for a cluster kubedojo does not own)", ok, why)
	}
	if ok, why := allTiers(1, true).Serves(ex); !ok {
		t.Errorf("1 worker: Serves = false %q", why)
	}
}

func TestServesSaysAnOldNodeImageLacksCrictl(t *testing.T) {
	ex := exerciseYAML(t, "r/crictl", `title: t
tier: node-access
namespaces: [r-1]
task: Find the container's ID with crictl ps on the node.
`)
	other := exerciseYAML(t, "r/other", `title: t
tier: node-access
namespaces: [r-2]
task: Read the kubelet's configuration.
`)
	c := allTiers(1, true)
	c.NodeTools = map[string]bool{"crictl": false}
	ok, why := c.Serves(ex)
	if ok || !strings.Contains(why, "no crictl") || !strings.Contains(why, "older node image") || !strings.Contains(why, "kubedojo lab up --workers 1") {
		t.Errorf("Serves(crictl exercise) on an old image = %v %q", ok, why)
	}
	if ok, why := c.Serves(other); !ok {
		t.Errorf("Serves(exercise without crictl) = false %q", why)
	}
	c.NodeTools = map[string]bool{"crictl": true}
	if ok, why := c.Serves(ex); !ok {
		t.Errorf("Serves(crictl exercise) on a current image = false %q", why)
	}
	c.NodeTools = nil // not probed: never refuse on a guess
	if ok, why := c.Serves(ex); !ok {
		t.Errorf("Serves(crictl exercise), tools unknown = false %q", why)
	}
}

func TestCapabilitiesProbeNodeTools(t *testing.T) {
	for _, has := range []bool{true, false} {
		f := newFakeCluster(t, EnvOptions{Vars: lessons.Vars{Node: "n1", Lab: t.TempDir()}, Node: toolNode{has: map[string]bool{"crictl": has}}})
		c, err := f.env.Capabilities(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got, known := c.NodeTools["crictl"]; !known || got != has || !c.OwnLab {
			t.Errorf("crictl on node %v: NodeTools %v, own lab %v", has, c.NodeTools, c.OwnLab)
		}
		// Asked once per environment: the image does not change under it.
		f.env.opts.Node = toolNode{has: map[string]bool{"crictl": !has}}
		if c, _ := f.env.Capabilities(context.Background()); c.NodeTools["crictl"] != has {
			t.Errorf("crictl probed again: %v", c.NodeTools)
		}
	}
}
