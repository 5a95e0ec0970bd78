package checks_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// blockedHere are the exercises that cannot be verified on this project's
// CI machine, each with the reason. The list is explicit so that nothing
// is skipped silently: CI fails when a listed exercise becomes verifiable
// (take it off the list) or when an unlisted one is not verified.
var blockedHere = map[string]string{
	// Empty since the labs' API server routes aggregated APIs to their
	// endpoints (lab/kind.go aggregatorRouting): before, resources/top-consumer
	// was listed here because the aggregator's connection to the
	// metrics-server Service IP was answered by this machine's network.
}

// envExclusiveLabs sets how many extra kind labs verify the exclusive
// exercises (default 2).
const envExclusiveLabs = "KUBEDOJO_E2E_EXCLUSIVE_LABS"

// e2eShard is a kind lab and the exercises verified on it.
type e2eShard struct {
	name     string
	exs      []*lessons.Exercise
	parallel int
}

// e2eShards spreads exs over labs: the shared e2e lab verifies the
// exercises that may run side by side, four at a time; the exclusive ones
// (they break a node, the scheduler, CoreDNS or etcd on purpose, one at a
// time) go round-robin to extra labs of their own, so that their serial
// minutes run beside the rest instead of after it.
func e2eShards(t *testing.T, exs []*lessons.Exercise) []e2eShard {
	extra := 2
	if v := os.Getenv(envExclusiveLabs); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("%s=%q: want a number of labs (0 verifies exclusive exercises on the shared lab, after the rest)", envExclusiveLabs, v)
		}
		extra = n
	}
	shared := e2eShard{name: labtest.SharedLabName(), parallel: 4}
	exclusive := make([]e2eShard, extra)
	for i := range exclusive {
		exclusive[i] = e2eShard{name: fmt.Sprintf("%s-x%d", shared.name, i+1), parallel: 1}
	}
	n := 0
	for _, ex := range exs {
		if !ex.Exclusive || extra == 0 {
			shared.exs = append(shared.exs, ex)
			continue
		}
		exclusive[n%extra].exs = append(exclusive[n%extra].exs, ex)
		n++
	}
	return append([]e2eShard{shared}, exclusive...)
}

// TestVerifyExercisesOnKind proves every built-in exercise and exam task
// above the api tier on real kind clusters (the api tier is proven on
// envtest): the start state fails its checks and the reference solution
// passes them. Under CI every exercise must be verified; elsewhere an
// add-on exercise whose add-on is missing is skipped with its reason.
func TestVerifyExercisesOnKind(t *testing.T) {
	labtest.RequireKind(t)
	var exs []*lessons.Exercise
	for _, ex := range builtInExercises(t) {
		if ex.Tier != lessons.TierAPI {
			exs = append(exs, ex)
		}
	}
	shards := e2eShards(t, exs)
	examTasks := examTaskIDs(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	start := time.Now()
	var (
		mu      sync.Mutex
		results []checks.VerifyResult
		wg      sync.WaitGroup
		errs    = make([]error, len(shards))
	)
	for i, sh := range shards {
		if len(sh.exs) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = verifyShard(ctx, t, sh, examTasks, func(r checks.VerifyResult) {
				t.Logf("%-12s %-46s %-8s %s %s", r.Status, r.Exercise, sh.name[len(shards[0].name):], r.Duration.Round(100*time.Millisecond), r.Reason)
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
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
	if len(results) != len(exs) && ctx.Err() == nil {
		t.Errorf("%d of %d exercises have a verify result", len(results), len(exs))
	}
	t.Logf("%d of %d exercises verified on %d kind labs in %s", verified, len(exs), len(shards), time.Since(start).Round(time.Second))
}

// verifyShard brings the shard's lab up and verifies its exercises there.
// An exercise that fails is verified once more, alone, after the rest of
// the shard: on this 2-core CI machine three kind labs and the test
// processes share the CPU, and a control plane that restarts (an etcd
// restore) or a command in a pod can overrun its time there. The retry is
// logged as FLAKY with the first failure, so that a check that fails only
// under load stays visible; one that fails twice fails the test.
func verifyShard(ctx context.Context, t *testing.T, sh e2eShard, examTasks map[string]bool, onResult func(checks.VerifyResult)) error {
	l, took, err := labtest.UpKindLab(sh.name, lab.AddonsFor(sh.exs)...)
	if err != nil {
		return err
	}
	t.Logf("kind lab %s ready in %s: %d exercises to verify, %d at a time", sh.name, took.Round(time.Millisecond), len(sh.exs), sh.parallel)
	s, err := session.Connect(ctx, l)
	if err != nil {
		return fmt.Errorf("lab %s: %w", sh.name, err)
	}
	caps, err := s.Env.Capabilities(ctx)
	if err != nil {
		return fmt.Errorf("lab %s: %w", sh.name, err)
	}
	byID := map[string]*lessons.Exercise{}
	for _, ex := range sh.exs {
		byID[ex.ID] = ex
	}
	var again []*lessons.Exercise
	first := map[string]checks.VerifyResult{}
	onFirst := func(r checks.VerifyResult) {
		if _, blocked := blockedHere[r.Exercise]; !blocked && (r.Status == checks.VerifyFailed || r.Status == checks.VerifyError) {
			if ex := byID[r.Exercise]; ex != nil {
				again = append(again, ex)
				first[r.Exercise] = r
				t.Logf("%-12s %-46s %-8s %s %s (verified again after the rest)", r.Status, r.Exercise, sh.name, r.Duration.Round(100*time.Millisecond), r.Reason)
				return
			}
		}
		onResult(r)
	}
	// The exam pool's tasks go last, while an exam test on the same lab
	// (session/examrun) waits: it sets the same tasks up.
	var course, tasks []*lessons.Exercise
	for _, ex := range sh.exs {
		if examTasks[ex.ID] {
			tasks = append(tasks, ex)
		} else {
			course = append(course, ex)
		}
	}
	if _, err := s.Grader.VerifyAll(ctx, s.Env, course, caps.Serves, sh.parallel, checks.VerifyOptions{}, onFirst); err != nil {
		return err
	}
	if len(tasks) > 0 {
		unlock, err := labtest.LockExamTasks(sh.name, true)
		if err != nil {
			return err
		}
		defer unlock()
		if _, err := s.Grader.VerifyAll(ctx, s.Env, tasks, caps.Serves, sh.parallel, checks.VerifyOptions{}, onFirst); err != nil {
			return err
		}
	}
	if len(again) == 0 {
		return nil
	}
	_, err = s.Grader.VerifyAll(ctx, s.Env, again, caps.Serves, 1, checks.VerifyOptions{}, func(r checks.VerifyResult) {
		if r.Status == checks.Verified {
			f := first[r.Exercise]
			t.Logf("FLAKY        %s verified on the second attempt; the first: %s after %s: %s", r.Exercise, f.Status, f.Duration.Round(100*time.Millisecond), f.Reason)
		}
		onResult(r)
	})
	return err
}

// examTaskIDs are the ids of the built-in exam pool's tasks.
func examTaskIDs(t *testing.T) map[string]bool {
	t.Helper()
	pool, err := lessons.Load(assets.ExamPool())
	if err != nil {
		t.Fatalf("built-in exam pool: %v", err)
	}
	ids := map[string]bool{}
	for _, ex := range pool.Exercises() {
		ids[ex.ID] = true
	}
	return ids
}
