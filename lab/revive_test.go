package lab

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// upOnce makes the fake lab and brings it up once, as the learner's first
// lab up does.
func upOnce(t *testing.T, cfg Config) *fakeLab {
	t.Helper()
	f := newFakeLab(t, cfg)
	if err := f.Up(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// messages collects the progress messages of one phase.
func messages(phase string, into *[]string) func(Progress) {
	return func(p Progress) {
		if p.Phase == phase && p.Message != "" {
			*into = append(*into, p.Message)
		}
	}
}

func TestUpKeepsASlowLab(t *testing.T) {
	f := upOnce(t, Config{})
	f.unhealthy = 1 // the API server does not answer within the wait
	err := f.Up(context.Background(), nil)
	if err == nil || !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBroken) {
		t.Fatalf("Up of a slow lab: %v, want ErrUnreachable (slow, not broken)", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d: a slow lab was recreated", c, d)
	}
	for _, want := range []string{"not deleted", "lab up --recreate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := f.waits[len(f.waits)-1]; got < reviveTimeout {
		t.Errorf("waited %s for a running lab, want at least %s", got, reviveTimeout)
	}
}

func TestUpWaitsForAPausedNode(t *testing.T) {
	f := upOnce(t, Config{})
	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "paused", Role: "control-plane"})
	f.duringWait = func() {
		f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "running", Role: "control-plane"})
	}
	if err := f.Up(context.Background(), nil); err != nil {
		t.Fatalf("Up of a paused lab that resumes: %v", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 || len(f.eng.started) != 0 {
		t.Errorf("creates %d deletes %d starts %v: a paused lab is waited for, not restarted or recreated", c, d, f.eng.started)
	}

	// Still paused at the end of the wait: say so, delete nothing.
	f.duringWait = nil
	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "paused", Role: "control-plane"})
	f.unhealthy = 1
	err := f.Up(context.Background(), nil)
	if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBroken) || !strings.Contains(err.Error(), "docker unpause kd-control-plane") {
		t.Fatalf("Up of a lab that stays paused: %v", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d: a paused lab was recreated", c, d)
	}
}

func TestUpRecreatesABrokenLabOnlyWhenAsked(t *testing.T) {
	f := upOnce(t, Config{})
	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "exited", Role: "control-plane"})
	f.eng.startErr = errors.New("OCI runtime create failed: mount /var/lib/docker/volumes/x: no such file or directory")
	err := f.Up(context.Background(), nil)
	var broken *BrokenError
	if !errors.Is(err, ErrBroken) || !errors.As(err, &broken) || !strings.Contains(broken.Reason, "OCI runtime create failed") {
		t.Fatalf("Up of a lab whose node cannot start: %v, want a BrokenError that says why", err)
	}
	if !strings.Contains(err.Error(), "--recreate") {
		t.Errorf("error %q does not say how to recreate", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Fatalf("creates %d deletes %d: a broken lab was recreated without the learner's consent", c, d)
	}

	f.cfg.Recreate = true
	var deleting []string
	if err := f.Up(context.Background(), messages(PhaseDelete, &deleting)); err != nil {
		t.Fatalf("Up --recreate of a broken lab: %v", err)
	}
	if c, d := f.prov.counts(); c != 2 || d != 1 {
		t.Errorf("creates %d deletes %d, want the broken lab deleted and created again", c, d)
	}
	if len(deleting) == 0 || !strings.Contains(deleting[0], "OCI runtime create failed") {
		t.Errorf("recreation does not say why: %q", deleting)
	}
}

func TestUpRecreateFlag(t *testing.T) {
	f := upOnce(t, Config{Recreate: true})
	if err := f.Up(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d: --recreate recreated a healthy lab", c, d)
	}
	// A lab that is not ready after the long wait is recreated when the
	// learner asked for it in advance.
	f.unhealthy = 1
	if err := f.Up(context.Background(), nil); err != nil {
		t.Fatalf("Up --recreate of an unhealthy lab: %v", err)
	}
	if c, d := f.prov.counts(); c != 2 || d != 1 {
		t.Errorf("creates %d deletes %d, want the lab deleted and created again", c, d)
	}
}

func TestUpWithoutControlPlaneIsBroken(t *testing.T) {
	f := upOnce(t, Config{})
	f.eng.setContainers(nodeContainer{Name: "kd-worker", State: "running", Role: "worker"})
	waits := len(f.waits)
	err := f.Up(context.Background(), nil)
	if !errors.Is(err, ErrBroken) || !strings.Contains(err.Error(), "control-plane") {
		t.Fatalf("Up of a lab without its control plane: %v", err)
	}
	if len(f.waits) != waits {
		t.Error("waited for a lab that has no control plane")
	}
	if _, d := f.prov.counts(); d != 0 {
		t.Error("deleted without consent")
	}
}

// cancelInAddons makes the add-ons phase block until ctx ends, then
// interrupts it, as Ctrl-C does.
func cancelInAddons(f *fakeLab) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	f.Lab.addons = func(actx context.Context, tr *tracker) error {
		tr.start(PhaseAddons, "Gateway API CRDs")
		cancel()
		<-actx.Done()
		return actx.Err()
	}
	return ctx, cancel
}

func TestUpInterruptedInAddonsRemovesTheLabItCreated(t *testing.T) {
	f := newFakeLab(t, Config{})
	ctx, cancel := cancelInAddons(f)
	defer cancel()
	err := f.Up(ctx, nil)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "deleted again") {
		t.Fatalf("Up interrupted in the add-ons: %v", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 1 {
		t.Errorf("creates %d deletes %d, want the lab this run created deleted", c, d)
	}
	if cs, _ := f.eng.NodeContainers(context.Background(), "kd"); len(cs) != 0 {
		t.Errorf("containers left: %v", cs)
	}
	if f.owner(t) != nil {
		t.Error("ownership record left for a deleted lab")
	}
}

func TestUpInterruptedInAddonsKeepsAReusedLab(t *testing.T) {
	f := upOnce(t, Config{})
	ctx, cancel := cancelInAddons(f)
	defer cancel()
	err := f.Up(ctx, nil)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "is kept as it was") || !strings.Contains(err.Error(), "kubedojo lab up") {
		t.Fatalf("Up of a reused lab interrupted in the add-ons: %v", err)
	}
	if c, d := f.prov.counts(); c != 1 || d != 0 {
		t.Errorf("creates %d deletes %d: the learner's lab was deleted", c, d)
	}
}

func TestSlowWaitSaysSoAndNamesPausedNodes(t *testing.T) {
	f := upOnce(t, Config{})
	w := &slowWait{l: f.Lab, start: time.Now(), timeout: reviveTimeout}
	if got := w.describe(context.Background(), "API server not ready"); got != "API server not ready" {
		t.Errorf("a fresh wait says %q", got)
	}
	f.eng.setContainers(nodeContainer{Name: "kd-control-plane", State: "paused", Role: "control-plane"})
	w.start = time.Now().Add(-22 * time.Second)
	got := w.describe(context.Background(), "API server not ready")
	for _, want := range []string{"waited 20s of up to 3m0s", "nothing is deleted", "kd-control-plane is paused", "docker unpause kd-control-plane"} {
		if !strings.Contains(got, want) {
			t.Errorf("slow wait says %q, want %q in it", got, want)
		}
	}
}
