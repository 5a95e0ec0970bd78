package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// TestUnavailableExerciseIsNotAFailure: an exercise the lab cannot serve
// (a worker it lacks) reports every check skipped with the reason and
// the command that helps, overall "unavailable" and exit status 2, never
// a failure.
func TestUnavailableExerciseIsNotAFailure(t *testing.T) {
	ex := &lessons.Exercise{ID: "scheduling/spread", Title: "Spread", Checks: []lessons.Check{{ID: "a", Title: "a"}, {ID: "b", Title: "b"}}}
	caps := lab.Capabilities{Tiers: map[lessons.Tier]bool{lessons.TierAPI: true}, OwnLab: true}
	ex.Tier, ex.Workers = lessons.TierAPI, 1
	err := caps.Unavailable(ex)
	if !errors.Is(err, lab.ErrUnavailable) {
		t.Fatalf("Unavailable = %v", err)
	}
	r := session.ErrorReport(ex, fmt.Errorf("%s: %w", ex.ID, err))
	if c := r.Counts(); c.Skipped != 2 || c.Fail+c.Error != 0 {
		t.Fatalf("counts %+v, want every check skipped", c)
	}
	if string(r.Outcome()) != "unavailable" || exitFor(r) != exitEnv {
		t.Errorf("overall %q exit %d, want unavailable and %d", string(r.Outcome()), exitFor(r), exitEnv)
	}
	var b bytes.Buffer
	printReport(&b, ex, r)
	out := b.String()
	if !strings.Contains(out, "not checked: scheduling/spread: unavailable here: needs 1 worker node and this lab has 0") ||
		!strings.Contains(out, "kubedojo lab up --workers 1") || strings.Count(out, "unavailable here") != 1 {
		t.Errorf("text report:\n%s", out)
	}
	var js checkJSON
	if err := json.Unmarshal(mustJSON(t, reportJSON(ex, r)), &js); err != nil || js.Status != "unavailable" || js.Summary.Skipped != 2 {
		t.Errorf("json %+v (%v)", js, err)
	}
	// An unreachable lab stays an environment error.
	if r := session.ErrorReport(ex, lab.ErrUnreachable); r.Counts().Error != 2 || string(r.Outcome()) != "error" {
		t.Errorf("unreachable: %+v", r.Counts())
	}
	// One skipped check among graded ones says its reason under it, with
	// the TUI's mark for skipped.
	mixed := result.Report{Results: []result.Result{{Title: "a", Status: result.Pass}, {Title: "b", Status: result.Skipped, Detail: "needs helm"}}}
	b.Reset()
	printReport(&b, ex, mixed)
	if !strings.Contains(b.String(), "  ⊘ b\n      needs helm\n") || string(mixed.Outcome()) != "fail" {
		t.Errorf("mixed report %q, overall %q", b.String(), string(mixed.Outcome()))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
