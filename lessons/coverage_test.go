package lessons

import (
	"math"
	"reflect"
	"testing"
)

func TestCourseCoverage(t *testing.T) {
	quiz := func(n int) *Quiz { return &Quiz{Questions: make([]*Question, n)} }
	lesson := func(id string, d Domain, q *Quiz, exs ...*Exercise) *Lesson {
		l := &Lesson{ID: id, Domain: d, quiz: q}
		for _, ex := range exs {
			ex.ID = id + "/" + ex.ID
			ex.Lesson = l
		}
		l.AddExercises(exs...)
		return l
	}
	c := &Course{Tracks: []*Track{{Lessons: []*Lesson{
		// Questions go to the competency most exercises train.
		lesson("sched", DomainWorkloads, quiz(4),
			&Exercise{ID: "taint", Competency: "wl-admission-scheduling"},
			&Exercise{ID: "rollout", Competency: "wl-deploy"},
			&Exercise{ID: "affinity", Competency: "wl-admission-scheduling"}),
		// A troubleshooting exercise in a networking lesson counts for its
		// competency's domain; a question naming its competency counts
		// for that one, not the lesson's.
		lesson("svc", DomainNetworking, &Quiz{Questions: []*Question{{ID: "a"}, {ID: "b", Competency: "ts-services-networking"}, {ID: "c"}}},
			&Exercise{ID: "expose", Competency: "net-services"},
			&Exercise{ID: "broken", Competency: "ts-services-networking", Domain: DomainTroubleshooting}),
		// No competency: the domain's "no competency named" row.
		lesson("misc", DomainStorage, quiz(1), &Exercise{ID: "pv"}),
		lesson("etcd", DomainBackground, quiz(3), &Exercise{ID: "snapshot", Competency: "etcd-backup"}),
	}}}}
	cov := CourseCoverage(c)
	if cov.Exercises != 7 || cov.Questions != 11 || cov.Examined != 6 {
		t.Fatalf("totals: %d exercises, %d questions, %d examined", cov.Exercises, cov.Questions, cov.Examined)
	}
	byDomain := map[Domain]DomainCoverage{}
	for _, d := range cov.Domains {
		byDomain[d.Domain] = d
	}
	if len(cov.Domains) != len(Domains) {
		t.Errorf("%d domains, want all %d", len(cov.Domains), len(Domains))
	}
	comp := func(d Domain, id string) CompetencyCoverage {
		for _, cc := range byDomain[d].Competencies {
			if cc.ID == id {
				return cc
			}
		}
		t.Fatalf("no competency %q in %s", id, d)
		return CompetencyCoverage{}
	}
	wl := byDomain[DomainWorkloads]
	if !reflect.DeepEqual(wl.Exercises, []string{"sched/rollout", "sched/taint", "sched/affinity"}) || wl.Questions != 4 || wl.Weight != 15 || math.Abs(wl.Share-50) > 0.01 {
		t.Errorf("workloads: %+v", wl)
	}
	if cc := comp(DomainWorkloads, "wl-admission-scheduling"); len(cc.Exercises) != 2 || cc.Questions != 4 {
		t.Errorf("wl-admission-scheduling: %+v", cc)
	}
	if cc := comp(DomainWorkloads, "wl-autoscale"); len(cc.Exercises) != 0 || cc.Exercises == nil || cc.Questions != 0 {
		t.Errorf("an untrained competency is listed with none: %+v", cc)
	}
	if ts := comp(DomainTroubleshooting, "ts-services-networking"); !reflect.DeepEqual(ts.Exercises, []string{"svc/broken"}) || ts.Questions != 1 {
		t.Errorf("ts-services-networking: %+v", ts)
	}
	if n := comp(DomainNetworking, "net-services"); n.Questions != 2 {
		t.Errorf("net-services questions %d", n.Questions)
	}
	if none := comp(DomainStorage, ""); !reflect.DeepEqual(none.Exercises, []string{"misc/pv"}) || none.Questions != 1 || none.Title != "no competency named" {
		t.Errorf("storage without competency: %+v", none)
	}
	if bg := byDomain[DomainBackground]; bg.Weight != 0 || bg.Share != 0 || len(bg.Exercises) != 1 || bg.Questions != 3 {
		t.Errorf("background: %+v", bg)
	}
	if n := len(byDomain[DomainArchitecture].Competencies); n != 8 {
		t.Errorf("architecture lists %d competencies, want its 8 and no empty row", n)
	}
}
