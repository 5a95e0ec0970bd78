package class

import (
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// A learner namespace carries the labels kubedojo's own namespaces carry,
// set by the same functions: Pod Security through lab.SetPodSecurity (at
// least baseline, stricter when the exercise says so) and the instance
// of the learner's work (lab.LabelInstance).
func TestLearnerNamespaceLabels(t *testing.T) {
	now := time.Now()
	rec := &Record{Name: "k8s", Learners: []string{"ann"}, Created: now, Expires: now.Add(time.Hour), Exercises: []Exercise{
		{ID: "a/plain", Namespaces: []string{"svc-1"}},
		{ID: "a/strict", Namespaces: []string{"sec-1"}, PodSecurity: "restricted"},
	}}
	for ns, level := range map[string]string{"ann-svc-1": lessons.DefaultPodSecurity, "ann-sec-1": "restricted"} {
		got := learnerNamespace(rec, "ann", ns).Labels
		want := map[string]string{LabelClass: "k8s", LabelLearner: "ann", LabelPart: PartLearner, lab.LabelManagedBy: lab.ManagedBy, lab.LabelInstance: InstanceID("k8s", "ann")}
		lab.SetPodSecurity(want, level)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: label %s=%q, want %q (all: %v)", ns, k, got[k], v, got)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: labels %v, want %v", ns, got, want)
		}
	}
}
