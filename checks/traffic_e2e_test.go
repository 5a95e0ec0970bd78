package checks_test

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// TestTraefikAddonRoutesOnKind installs the Traefik add-on on the shared
// kind lab (a quick check when it is there) and proves that it routes: one
// Ingress exercise and one HTTPRoute exercise, graded on traffic through
// Traefik and on the route's conditions, fail on their start state and pass
// with their reference solution.
func TestTraefikAddonRoutesOnKind(t *testing.T) {
	labtest.RequireKind(t)
	want := map[string]bool{"ingress-gateway/ingress-rules": true, "ingress-gateway/httproute": true}
	var exs []*lessons.Exercise
	for _, ex := range builtInExercises(t) {
		if want[ex.ID] {
			exs = append(exs, ex)
		}
	}
	if len(exs) != len(want) {
		t.Fatalf("found %d of the exercises %v", len(exs), want)
	}
	l, took, err := labtest.UpKindLab(labtest.SharedLabName(), lab.AddonTraefik)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("lab up with Traefik in %s", took.Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := session.Connect(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	caps, err := s.Env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Addons[lab.AddonTraefik] {
		t.Fatalf("Traefik not available after lab up: %s", caps.Missing[lab.AddonTraefik])
	}
	_, err = s.Grader.VerifyAll(ctx, s.Env, exs, caps.Serves, 2, checks.VerifyOptions{}, func(r checks.VerifyResult) {
		t.Logf("%s %s %s %s", r.Status, r.Exercise, r.Duration.Round(100*time.Millisecond), r.Reason)
		if r.Status != checks.Verified {
			t.Errorf("%s: %s: %s", r.Exercise, r.Status, r.Reason)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
