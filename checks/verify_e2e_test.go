package checks_test

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

// blockedHere are the exercises that cannot be verified on this project's
// CI machine, each with the reason. The list is explicit so that nothing
// is skipped silently: CI fails when a listed exercise becomes verifiable
// (take it off the list) or when an unlisted one is not verified.
var blockedHere = map[string]string{
	// The offline Kubernetes build of the CI machine answers every
	// resource request through the aggregator with an empty 404
	// (../shared/k8s-offline/README.md, "metrics-server"); the exercise is
	// proven on kind's own node images.
	"resources/top-consumer": "metrics.k8s.io through the API server's aggregator answers an empty 404 on the offline Kubernetes build",
}

// TestVerifyExercisesOnKind proves every built-in exercise and exam task
// above the api tier on a real kind cluster (the api tier is proven on envtest): the
// start state fails its checks and the reference solution passes them.
// Under CI every exercise must be verified; elsewhere an add-on exercise
// whose add-on is missing is skipped with its reason.
func TestVerifyExercisesOnKind(t *testing.T) {
	l := labtest.RequireKindLab(t, labtest.SharedLabName())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	s, err := checks.ConnectLab(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	caps, err := s.Env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var exs []*lessons.Exercise
	for _, ex := range builtInExercises(t) {
		if ex.Tier != lessons.TierAPI {
			exs = append(exs, ex)
		}
	}
	start := time.Now()
	results, err := s.Grader.VerifyAll(ctx, s.Env, exs, caps.Serves, 4, checks.VerifyOptions{}, func(r checks.VerifyResult) {
		t.Logf("%-12s %-46s %s %s", r.Status, r.Exercise, r.Duration.Round(100*time.Millisecond), r.Reason)
	})
	if err != nil {
		t.Fatal(err)
	}
	verified := 0
	for _, r := range results {
		why, blocked := blockedHere[r.Exercise]
		switch {
		case r.Status == checks.Verified && blocked:
			t.Errorf("%s is verified here now; take it off blockedHere (%s)", r.Exercise, why)
		case r.Status == checks.Verified:
			verified++
		case r.Status == checks.NotVerified && blocked:
			t.Logf("%s NOT VERIFIED on this machine: %s (not verified: %s)", r.Exercise, why, r.Reason)
		case r.Status == checks.NotVerified && r.Tier == lessons.TierAddon && !labtest.InCI():
			t.Logf("%s not verified here: %s", r.Exercise, r.Reason)
		default:
			t.Errorf("%s: %s: %s", r.Exercise, r.Status, r.Reason)
		}
	}
	t.Logf("%d of %d exercises verified on kind in %s", verified, len(exs), time.Since(start).Round(time.Second))
}
