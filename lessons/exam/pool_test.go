package exam_test

import (
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
}
