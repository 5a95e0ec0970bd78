package exam_test

import (
	"math"
	"testing"

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
