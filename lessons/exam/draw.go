// Package exam is the model of kubedojo's mock exams: the seeded draw of
// tasks from an exam pool, the clock, the scoring with partial credit per
// check, the report in Markdown, JSON and JUnit, and the files that keep an
// exam across a crash and its attempts afterwards. It knows nothing of the
// cluster: the session that sets tasks up and grades them hands it check
// results.
package exam

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// ErrPoolTooSmall means the pool cannot fill the exam: fewer tasks are
// eligible on this cluster, or can share one exam, than it should hold.
var ErrPoolTooSmall = errors.New("the pool cannot fill the exam")

// DrawOptions shape a draw.
type DrawOptions struct {
	// Seed makes the draw reproducible: the same pool, options and seed
	// draw the same tasks in the same order.
	Seed uint64
	// Tasks is how many tasks to draw (the pool's exam.tasks when 0).
	Tasks int
	// Eligible leaves out tasks this cluster cannot serve (their tier, a
	// worker they need); nil accepts every task.
	Eligible func(*lessons.Exercise) bool
	// Seen is when the learner was last given each task (by exercise ID)
	// in an earlier exam: a draw takes tasks never seen first, then the
	// least recently seen, so consecutive exams repeat nothing while the
	// pool allows.
	Seen map[string]time.Time
}

// drawCandidates is how many seeded greedy draws Draw compares,
// drawLookahead how many further exams it checks the unseen rest of the
// pool can still fill, and lookaheadTries how many draws it tries for each.
const (
	drawCandidates = 24
	drawLookahead  = 2
	lookaheadTries = 4
)

// Draw picks an exam's tasks from a pool. Each pick goes to the domain
// furthest below its share of the exam by the CKA domain weights
// (lessons.DomainWeights), so the exam's domains follow the weights as
// closely as whole tasks allow; a domain that runs out leaves its share to
// the others. Within a domain, tasks are shuffled by the seed and taken
// long and quick in turn (long: a weight at least the pool's median),
// tasks the learner never saw (DrawOptions.Seen) before those seen, the
// least recently seen first. No two drawn tasks break the same shared
// component, and at most the pool's exam.maxBreaking tasks break any.
//
// Those limits can make a greedy draw spend the tasks a later exam needs
// (three exams that take the non-breaking troubleshooting tasks first
// leave the third only tasks that conflict), so Draw makes several draws
// from the seed and keeps the first with the fewest tasks seen before
// that leaves the unseen rest able to fill the most further exams. The
// result is in exam order, shuffled by the seed.
func Draw(pool *lessons.Course, opts DrawOptions) ([]*lessons.Exercise, error) {
	if !pool.IsExamPool() {
		return nil, fmt.Errorf("%s is not an exam pool (its course.yaml has no exam: block)", pool.ID)
	}
	n := opts.Tasks
	if n <= 0 {
		n = pool.Exam.Tasks
	}
	var eligible []*lessons.Exercise
	for _, ex := range pool.Exercises() {
		if opts.Eligible == nil || opts.Eligible(ex) {
			eligible = append(eligible, ex)
		}
	}
	if len(eligible) < n {
		return nil, fmt.Errorf("%w: it should hold %d tasks, and %d of the pool's %d can run on this cluster", ErrPoolTooSmall, n, len(eligible), len(pool.Exercises()))
	}
	var best []*lessons.Exercise
	var bestRng *rand.Rand
	bestRepeats, bestFuture := 0, -1
	var firstErr error
	for k := range uint64(drawCandidates) {
		rng := drawRand(opts.Seed, k)
		cand, err := drawOnce(pool, eligible, n, rng, opts.Seen)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		repeats := 0
		for _, ex := range cand {
			if _, ok := opts.Seen[ex.ID]; ok {
				repeats++
			}
		}
		if best != nil && repeats > bestRepeats {
			continue
		}
		future := futureExams(pool, unseenRest(eligible, cand, opts.Seen), cand, opts.Seed)
		if best == nil || repeats < bestRepeats || future > bestFuture {
			best, bestRng, bestRepeats, bestFuture = cand, rng, repeats, future
		}
		if bestRepeats == 0 && bestFuture == drawLookahead {
			break
		}
	}
	if best == nil {
		return nil, firstErr
	}
	bestRng.Shuffle(len(best), func(i, j int) { best[i], best[j] = best[j], best[i] })
	return best, nil
}

// drawRand is the random source of a draw's k-th candidate; the first is
// the seed's own.
func drawRand(seed, k uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed+k*0x9e3779b97f4a7c15, seed^0x6b75626564756a6f))
}

// unseenRest is what a draw leaves of the eligible tasks the learner has
// not seen.
func unseenRest(eligible, drawn []*lessons.Exercise, seen map[string]time.Time) []*lessons.Exercise {
	var rest []*lessons.Exercise
	for _, ex := range eligible {
		if _, ok := seen[ex.ID]; !ok && !slices.Contains(drawn, ex) {
			rest = append(rest, ex)
		}
	}
	return rest
}

// futureExams counts how many further exams like drawn (n tasks, as many
// of each domain), up to drawLookahead, the tasks left can fill one after
// the other without a repeat; a few draws are tried for each.
func futureExams(pool *lessons.Course, rest, drawn []*lessons.Exercise, seed uint64) int {
	want := DomainCounts(drawn)
	for d := range drawLookahead {
		if len(rest) < len(drawn) {
			return d
		}
		var next []*lessons.Exercise
		for k := range uint64(lookaheadTries) {
			if got, err := drawOnce(pool, rest, len(drawn), drawRand(seed^0x5eed+uint64(d), k), nil); err == nil && slices.Equal(DomainCounts(got), want) {
				next = got
				break
			}
		}
		if next == nil {
			return d
		}
		rest = slices.DeleteFunc(slices.Clone(rest), func(ex *lessons.Exercise) bool { return slices.Contains(next, ex) })
	}
	return drawLookahead
}

// drawOnce is one greedy draw of n tasks from eligible, in the order of
// picking.
func drawOnce(pool *lessons.Course, eligible []*lessons.Exercise, n int, rng *rand.Rand, seen map[string]time.Time) ([]*lessons.Exercise, error) {
	queues := domainQueues(eligible, rng, seen)

	var picked []*lessons.Exercise
	count := map[lessons.Domain]int{}
	breaking := 0
	limit := pool.Exam.BreakingLimit()
	fits := func(ex *lessons.Exercise) bool {
		if !ex.Breaking() {
			return true
		}
		if breaking >= limit {
			return false
		}
		return !slices.ContainsFunc(picked, ex.ConflictsWith)
	}
	for len(picked) < n {
		open := map[lessons.Domain]int{}
		for _, d := range lessons.Domains {
			if idx := slices.IndexFunc(queues[d], fits); idx >= 0 {
				open[d] = idx
			}
		}
		if len(open) == 0 {
			return nil, fmt.Errorf("%w: after %d of %d tasks, every task left breaks a component another drawn task breaks, or the exam holds its %d cluster-breaking tasks", ErrPoolTooSmall, len(picked), n, limit)
		}
		share := domainShares(open, count, n)
		best := lessons.Domain("")
		for _, d := range lessons.Domains {
			if _, ok := open[d]; !ok {
				continue
			}
			if best == "" || share[d]-float64(count[d]) > share[best]-float64(count[best]) {
				best = d
			}
		}
		idx := open[best]
		ex := queues[best][idx]
		queues[best] = slices.Delete(queues[best], idx, idx+1)
		picked = append(picked, ex)
		count[best]++
		if ex.Breaking() {
			breaking++
		}
	}
	return picked, nil
}

// domainQueues groups tasks by domain, each group shuffled and ordered long
// and quick in turn, starting with either; then, keeping that order among
// equals, the tasks never seen first and the others least recently seen
// first.
func domainQueues(tasks []*lessons.Exercise, rng *rand.Rand, seen map[string]time.Time) map[lessons.Domain][]*lessons.Exercise {
	weights := make([]int, len(tasks))
	for i, ex := range tasks {
		weights[i] = ex.Weight
	}
	slices.Sort(weights)
	median := weights[len(weights)/2]
	queues := map[lessons.Domain][]*lessons.Exercise{}
	for _, d := range lessons.Domains {
		var long, quick []*lessons.Exercise
		for _, ex := range tasks {
			if ex.EffectiveDomain() != d {
				continue
			}
			if IsLong(ex, median) {
				long = append(long, ex)
			} else {
				quick = append(quick, ex)
			}
		}
		rng.Shuffle(len(long), func(i, j int) { long[i], long[j] = long[j], long[i] })
		rng.Shuffle(len(quick), func(i, j int) { quick[i], quick[j] = quick[j], quick[i] })
		if rng.IntN(2) == 1 {
			long, quick = quick, long
		}
		var q []*lessons.Exercise
		for i := 0; i < max(len(long), len(quick)); i++ {
			if i < len(long) {
				q = append(q, long[i])
			}
			if i < len(quick) {
				q = append(q, quick[i])
			}
		}
		slices.SortStableFunc(q, func(a, b *lessons.Exercise) int { return seen[a.ID].Compare(seen[b.ID]) })
		if len(q) > 0 {
			queues[d] = q
		}
	}
	return queues
}

// IsLong reports whether a task counts as a long one in a pool whose
// median task weight is median.
func IsLong(ex *lessons.Exercise, median int) bool { return ex.Weight >= median }

// domainShares is each open domain's share of an n-task exam: what the
// closed domains (no task left that fits) did not take, split by the CKA
// weights; domains the CKA does not weigh share equally when no open
// domain is weighed.
func domainShares(open map[lessons.Domain]int, count map[lessons.Domain]int, n int) map[lessons.Domain]float64 {
	left, total := n, 0
	for d, c := range count {
		if _, ok := open[d]; !ok {
			left -= c
		}
	}
	for d := range open {
		total += lessons.DomainWeights[d]
	}
	share := map[lessons.Domain]float64{}
	for d := range open {
		if total == 0 {
			share[d] = float64(left) / float64(len(open))
			continue
		}
		share[d] = float64(left) * float64(lessons.DomainWeights[d]) / float64(total)
	}
	return share
}
