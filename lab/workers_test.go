package lab

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

func TestAdviceForAnOlderLab(t *testing.T) {
	exs := []*lessons.Exercise{
		{ID: "pods/first", Tier: lessons.TierAPI},
		{ID: "scheduling/drain", Tier: lessons.TierKubelet, Workers: 1},
		{ID: "runtime/crictl", Tier: lessons.TierNodeAccess, Task: "Run crictl ps on the node."},
	}
	for i := range 4 {
		exs = append(exs, &lessons.Exercise{ID: fmt.Sprintf("ds/spread-%d", i), Tier: lessons.TierKubelet, Workers: 1})
	}
	// A lab made when the default was no worker, from an image without
	// crictl.
	old := allTiers(0, true)
	old.NodeTools = map[string]bool{"crictl": false}
	got := old.Advice(exs, DefaultWorkers)
	if len(got) != 2 {
		t.Fatalf("advice %q, want one line for the workers and one for crictl", got)
	}
	want := "this lab has 0 worker nodes (1 wanted: a lab keeps the layout it was made with); 5 exercises need more: " +
		"scheduling/drain, ds/spread-0, ds/spread-1 and 2 more. For 1 worker: `kubedojo lab down && kubedojo lab up --workers 1`"
	if !strings.HasPrefix(got[0], want) {
		t.Errorf("workers advice\n%q\nwant it to start with\n%q", got[0], want)
	}
	if !strings.Contains(got[1], "1 exercise uses crictl (runtime/crictl)") || !strings.Contains(got[1], "older node image") ||
		!strings.Contains(got[1], "--workers 1") {
		t.Errorf("crictl advice %q", got[1])
	}
	// --workers 0 on purpose: only the exercises that need a worker.
	if got := allTiers(0, true).Advice(exs, 0); len(got) != 1 || strings.Contains(got[0], "wanted") || !strings.Contains(got[0], "5 exercises need more") {
		t.Errorf("advice with --workers 0: %q", got)
	}
	// A current lab, and an existing cluster (whose layout is not
	// kubedojo's to change), get none.
	current := allTiers(1, true)
	current.NodeTools = map[string]bool{"crictl": true}
	if got := current.Advice(exs, DefaultWorkers); len(got) != 0 {
		t.Errorf("advice for a current lab: %q", got)
	}
	if got := allTiers(0, false).Advice(exs, DefaultWorkers); len(got) != 0 {
		t.Errorf("advice for an existing cluster: %q", got)
	}
}

// TestAdviceForAWorkerThatIsNotReady: a lab whose worker is NotReady (an
// exercise's attempt stopped its kubelet) has the worker it was made
// with. The advice names the node and how to find out why, and never
// tells the learner to recreate the lab, which deletes their work.
func TestAdviceForAWorkerThatIsNotReady(t *testing.T) {
	exs := []*lessons.Exercise{{ID: "scheduling/drain", Tier: lessons.TierKubelet, Workers: 1}}
	down := allTiers(0, true)
	down.NotReadyWorkers = []string{"kubedojo-worker"}
	got := down.Advice(exs, DefaultWorkers)
	if len(got) != 1 || strings.Contains(got[0], "lab down") || strings.Contains(got[0], "0 worker nodes") ||
		!strings.Contains(got[0], "kubedojo-worker") || !strings.Contains(got[0], "not Ready") {
		t.Errorf("advice with a NotReady worker: %q", got)
	}
	ok, why := down.Serves(exs[0])
	if ok || strings.Contains(why, "lab down") || !strings.Contains(why, "kubedojo-worker") {
		t.Errorf("Serves with a NotReady worker: %v %q", ok, why)
	}
}
