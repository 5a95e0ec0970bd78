package exam_test

import (
	"math"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
)

// TestBuiltInPoolDraws: the embedded CKA pool loads as a pool and gives a
// full exam by its own settings, whose breaking tasks never conflict.
func TestBuiltInPoolDraws(t *testing.T) {
	pool, err := lessons.Load(assets.ExamPool())
	if err != nil {
		t.Fatal(err)
	}
	if !pool.IsExamPool() {
		t.Fatal("the built-in pool has no exam settings")
	}
	for seed := range uint64(20) {
		got, err := exam.Draw(pool, exam.DrawOptions{Seed: seed})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(got) != pool.Exam.Tasks {
			t.Fatalf("seed %d: %d tasks, want %d", seed, len(got), pool.Exam.Tasks)
		}
		for i, a := range got {
			for _, b := range got[i+1:] {
				if a.ConflictsWith(b) {
					t.Errorf("seed %d: %s and %s conflict", seed, a.ID, b.ID)
				}
			}
		}
	}
	t.Logf("pool %s: %d tasks; per domain %+v", pool.ID, len(pool.Exercises()), exam.DomainCounts(pool.Exercises()))
	seen := map[string]bool{}
	for seed := range uint64(3) {
		got, _ := exam.Draw(pool, exam.DrawOptions{Seed: seed})
		for _, d := range exam.DomainCounts(got) {
			share := float64(len(got)) * float64(lessons.DomainWeights[d.Domain]) / 100
			if available := len(domainTasks(pool, d.Domain)); available > int(share)+1 && math.Abs(float64(d.Tasks)-share) >= 1 {
				t.Errorf("seed %d: %s has %d tasks, its share is %.2f", seed, d.Domain, d.Tasks, share)
			}
		}
		for _, ex := range got {
			seen[ex.ID] = true
		}
		t.Logf("seed %d draws %+v", seed, exam.DomainCounts(got))
	}
	t.Logf("3 exams of %d tasks hold %d different tasks", pool.Exam.Tasks, len(seen))
}

func domainTasks(pool *lessons.Course, d lessons.Domain) []*lessons.Exercise {
	var out []*lessons.Exercise
	for _, ex := range pool.Exercises() {
		if ex.EffectiveDomain() == d {
			out = append(out, ex)
		}
	}
	return out
}

// TestThreeMockExamsWithoutRepeats: three consecutive full exams from the
// embedded pool, each drawn with the history of the ones before, hold no
// task twice; each follows the domain weights (5 troubleshooting, 4
// architecture, 3 networking, 3 workloads, 2 storage of 17), holds at
// most the pool's maxBreaking cluster-breaking tasks and never two that
// break the same component.
func TestThreeMockExamsWithoutRepeats(t *testing.T) {
	pool, err := lessons.Load(assets.ExamPool())
	if err != nil {
		t.Fatal(err)
	}
	want := map[lessons.Domain]int{lessons.DomainTroubleshooting: 5, lessons.DomainArchitecture: 4, lessons.DomainNetworking: 3, lessons.DomainWorkloads: 3, lessons.DomainStorage: 2}
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for first := range uint64(40) {
		seen := map[string]time.Time{}
		for n := range uint64(3) {
			got, err := exam.Draw(pool, exam.DrawOptions{Seed: first*1000 + n, Seen: seen})
			if err != nil {
				t.Fatalf("series %d, exam %d: %v", first, n+1, err)
			}
			if c := countByDomain(got); !mapsEqual(c, want) {
				t.Errorf("series %d, exam %d: per domain %v, want %v", first, n+1, c, want)
			}
			breaking := 0
			for i, a := range got {
				if a.Breaking() {
					breaking++
				}
				for _, b := range got[i+1:] {
					if a.ConflictsWith(b) {
						t.Errorf("series %d, exam %d: %s and %s break the same component", first, n+1, a.ID, b.ID)
					}
				}
				if _, ok := seen[a.ID]; ok {
					t.Errorf("series %d, exam %d repeats %s", first, n+1, a.ID)
				}
			}
			// The real exam's weights add up to 100 %; the draw takes long
			// and quick tasks in turn, so an exam's weights stay near that.
			if sum := totalWeight(got); sum < 85 || sum > 130 {
				t.Errorf("series %d, exam %d: the weights add up to %d %%", first, n+1, sum)
			}
			if breaking > pool.Exam.BreakingLimit() {
				t.Errorf("series %d, exam %d: %d breaking tasks, at most %d", first, n+1, breaking, pool.Exam.BreakingLimit())
			}
			at := day.Add(time.Duration(n) * 24 * time.Hour)
			for _, ex := range got {
				seen[ex.ID] = at
			}
		}
	}
}

func totalWeight(exs []*lessons.Exercise) int {
	sum := 0
	for _, ex := range exs {
		sum += ex.Weight
	}
	return sum
}
