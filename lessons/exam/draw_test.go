package exam_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
)

// taskSpec describes one task of a test pool.
type taskSpec struct {
	name   string
	weight int
	breaks []string
	// exclusive without breaks: breaks everything.
	exclusive bool
	tier      lessons.Tier
}

// testPool builds an exam pool with one lesson per domain.
func testPool(tasks map[lessons.Domain][]taskSpec) *lessons.Course {
	c := &lessons.Course{ID: "mock", Title: "Mock", Version: "1", Exam: &lessons.ExamSettings{Duration: lessons.Duration{Duration: 2 * time.Hour}, PassMark: 66, Tasks: 17}}
	tr := &lessons.Track{ID: "tasks"}
	c.Tracks = []*lessons.Track{tr}
	for _, d := range lessons.Domains {
		specs := tasks[d]
		if len(specs) == 0 {
			continue
		}
		l := &lessons.Lesson{ID: string(d), Title: string(d), Domain: d, Track: tr}
		for _, s := range specs {
			tier := s.tier
			if tier == "" {
				tier = lessons.TierKubelet
			}
			ex := &lessons.Exercise{
				ID: l.ID + "/" + s.name, Title: s.name, Tier: tier, Weight: s.weight, Lesson: l,
				Exclusive: s.exclusive || len(s.breaks) > 0, Breaks: s.breaks,
				Namespaces: []lessons.Namespace{{Name: s.name}},
				Checks:     []lessons.Check{{ID: "a", Points: 2}, {ID: "b"}},
			}
			l.AddExercises(ex)
		}
		tr.Lessons = append(tr.Lessons, l)
	}
	return c
}

// uniformPool has n tasks per CKA domain, alternately quick (weight 4)
// and long (weight 8).
func uniformPool(n int) *lessons.Course {
	tasks := map[lessons.Domain][]taskSpec{}
	for d := range lessons.DomainWeights {
		for i := range n {
			w := 4
			if i%2 == 1 {
				w = 8
			}
			tasks[d] = append(tasks[d], taskSpec{name: fmt.Sprintf("%s-%d", d.Short(), i), weight: w})
		}
	}
	return testPool(tasks)
}

func ids(exs []*lessons.Exercise) []string {
	out := make([]string, len(exs))
	for i, ex := range exs {
		out[i] = ex.ID
	}
	return out
}

func countByDomain(exs []*lessons.Exercise) map[lessons.Domain]int {
	out := map[lessons.Domain]int{}
	for _, ex := range exs {
		out[ex.EffectiveDomain()]++
	}
	return out
}

// TestDrawFollowsDomainWeights: every domain gets its share of the exam by
// the CKA weights, rounded to whole tasks, whatever the seed.
func TestDrawFollowsDomainWeights(t *testing.T) {
	pool := uniformPool(10)
	want := map[lessons.Domain]int{lessons.DomainTroubleshooting: 5, lessons.DomainArchitecture: 4, lessons.DomainNetworking: 3, lessons.DomainWorkloads: 3, lessons.DomainStorage: 2}
	for seed := range uint64(50) {
		got, err := exam.Draw(pool, exam.DrawOptions{Seed: seed, Tasks: 17})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 17 {
			t.Fatalf("seed %d: %d tasks", seed, len(got))
		}
		if c := countByDomain(got); !mapsEqual(c, want) {
			t.Fatalf("seed %d: per domain %v, want %v", seed, c, want)
		}
	}
	for _, n := range []int{1, 5, 10, 16, 20, 33} {
		got, err := exam.Draw(pool, exam.DrawOptions{Seed: 7, Tasks: n})
		if err != nil {
			t.Fatal(err)
		}
		for d, w := range lessons.DomainWeights {
			share := float64(n) * float64(w) / 100
			if diff := math.Abs(float64(countByDomain(got)[d]) - share); diff >= 1 {
				t.Errorf("%d tasks: %s has %d, its share is %.2f", n, d, countByDomain(got)[d], share)
			}
		}
	}
}

func mapsEqual(a, b map[lessons.Domain]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestDrawSeeded: a seed always draws the same exam, other seeds others.
func TestDrawSeeded(t *testing.T) {
	pool := uniformPool(10)
	first, err := exam.Draw(pool, exam.DrawOptions{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != pool.Exam.Tasks {
		t.Fatalf("drew %d tasks, the pool says %d", len(first), pool.Exam.Tasks)
	}
	again, _ := exam.Draw(pool, exam.DrawOptions{Seed: 42})
	if !slices.Equal(ids(first), ids(again)) {
		t.Fatalf("seed 42 drew\n%v\nthen\n%v", ids(first), ids(again))
	}
	distinct := map[string]bool{}
	for seed := range uint64(10) {
		got, _ := exam.Draw(pool, exam.DrawOptions{Seed: seed})
		distinct[fmt.Sprint(ids(got))] = true
	}
	if len(distinct) < 9 {
		t.Errorf("10 seeds drew only %d different exams", len(distinct))
	}
}

// TestDrawMixesQuickAndLong: a domain that gives two tasks or more gives
// quick and long ones.
func TestDrawMixesQuickAndLong(t *testing.T) {
	pool := uniformPool(10)
	for seed := range uint64(50) {
		got, _ := exam.Draw(pool, exam.DrawOptions{Seed: seed})
		kinds := map[lessons.Domain]map[bool]bool{}
		for _, ex := range got {
			d := ex.EffectiveDomain()
			if kinds[d] == nil {
				kinds[d] = map[bool]bool{}
			}
			kinds[d][exam.IsLong(ex, 8)] = true
		}
		for d, k := range kinds {
			if countByDomain(got)[d] >= 2 && len(k) != 2 {
				t.Errorf("seed %d: the %d tasks of %s are all of one length", seed, countByDomain(got)[d], d)
			}
		}
	}
}

// TestDrawKeepsBreakingTasksApart: no exam holds two tasks breaking the
// same component, nor an exclusive task that names nothing next to
// another breaking task, nor more breaking tasks than the pool allows.
func TestDrawKeepsBreakingTasksApart(t *testing.T) {
	tasks := map[lessons.Domain][]taskSpec{}
	for d := range lessons.DomainWeights {
		for i := range 4 {
			tasks[d] = append(tasks[d], taskSpec{name: fmt.Sprintf("%s-%d", d.Short(), i), weight: 4 + 4*(i%2)})
		}
	}
	ts := lessons.DomainTroubleshooting
	tasks[ts] = append(tasks[ts],
		taskSpec{name: "dns-1", weight: 8, breaks: []string{"coredns"}},
		taskSpec{name: "dns-2", weight: 8, breaks: []string{"coredns"}},
		taskSpec{name: "kubelet-1", weight: 8, breaks: []string{"kubelet"}},
		taskSpec{name: "kubelet-dns", weight: 8, breaks: []string{"kubelet", "coredns"}},
		taskSpec{name: "sched", weight: 8, breaks: []string{"scheduler"}},
		taskSpec{name: "proxy", weight: 4, breaks: []string{"kube-proxy"}},
		taskSpec{name: "anything", weight: 8, exclusive: true},
	)
	tasks[lessons.DomainArchitecture] = append(tasks[lessons.DomainArchitecture], taskSpec{name: "drain", weight: 8, breaks: []string{"worker-scheduling"}})
	pool := testPool(tasks)
	pool.Exam.MaxBreaking = 3
	seenBreaking := 0
	for seed := range uint64(300) {
		got, err := exam.Draw(pool, exam.DrawOptions{Seed: seed, Tasks: 17})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		breaking := 0
		for i, a := range got {
			if a.Breaking() {
				breaking++
			}
			for _, b := range got[i+1:] {
				if a.ConflictsWith(b) {
					t.Fatalf("seed %d: %s and %s break the same component", seed, a.ID, b.ID)
				}
			}
		}
		if breaking > 3 {
			t.Fatalf("seed %d: %d breaking tasks, the pool allows 3", seed, breaking)
		}
		seenBreaking = max(seenBreaking, breaking)
	}
	if seenBreaking == 0 {
		t.Error("no draw held a breaking task: the test proves nothing")
	}
	pool.Exam.MaxBreaking = 1
	got, _ := exam.Draw(pool, exam.DrawOptions{Seed: 3, Tasks: 17})
	n := 0
	for _, ex := range got {
		if ex.Breaking() {
			n++
		}
	}
	if n > 1 {
		t.Errorf("maxBreaking 1: the exam holds %d breaking tasks", n)
	}
}

// TestDrawPoolTooSmall: an exam the pool cannot fill is refused with a
// reason, also when only the tasks this cluster serves are too few.
func TestDrawPoolTooSmall(t *testing.T) {
	pool := uniformPool(2)
	if _, err := exam.Draw(pool, exam.DrawOptions{Tasks: 11}); !errors.Is(err, exam.ErrPoolTooSmall) {
		t.Errorf("11 tasks from 10: %v", err)
	}
	onlyStorage := func(ex *lessons.Exercise) bool { return ex.EffectiveDomain() == lessons.DomainStorage }
	if _, err := exam.Draw(pool, exam.DrawOptions{Tasks: 3, Eligible: onlyStorage}); !errors.Is(err, exam.ErrPoolTooSmall) {
		t.Errorf("3 tasks from 2 eligible: %v", err)
	}
	got, err := exam.Draw(pool, exam.DrawOptions{Tasks: 2, Eligible: onlyStorage})
	if err != nil || len(got) != 2 || countByDomain(got)[lessons.DomainStorage] != 2 {
		t.Errorf("2 eligible storage tasks: %v %v", ids(got), err)
	}
	breakers := testPool(map[lessons.Domain][]taskSpec{lessons.DomainTroubleshooting: {
		{name: "a", weight: 4, breaks: []string{"coredns"}}, {name: "b", weight: 4, breaks: []string{"coredns"}},
	}})
	if _, err := exam.Draw(breakers, exam.DrawOptions{Tasks: 2}); !errors.Is(err, exam.ErrPoolTooSmall) {
		t.Errorf("2 tasks breaking CoreDNS in one exam: %v", err)
	}
}

// TestDrawLeavesAShortDomainsShare: a domain with fewer tasks than its
// share gives what it has, the others fill the exam.
func TestDrawLeavesAShortDomainsShare(t *testing.T) {
	tasks := map[lessons.Domain][]taskSpec{
		lessons.DomainTroubleshooting: {{name: "ts-0", weight: 5}},
		lessons.DomainStorage:         {{name: "st-0", weight: 5}, {name: "st-1", weight: 5}, {name: "st-2", weight: 5}, {name: "st-3", weight: 5}},
		lessons.DomainArchitecture:    {{name: "ar-0", weight: 5}, {name: "ar-1", weight: 5}, {name: "ar-2", weight: 5}, {name: "ar-3", weight: 5}, {name: "ar-4", weight: 5}},
	}
	got, err := exam.Draw(testPool(tasks), exam.DrawOptions{Seed: 1, Tasks: 8})
	if err != nil {
		t.Fatal(err)
	}
	c := countByDomain(got)
	if c[lessons.DomainTroubleshooting] != 1 || c[lessons.DomainArchitecture] != 5 || c[lessons.DomainStorage] != 2 {
		t.Errorf("per domain %v", c)
	}
}
