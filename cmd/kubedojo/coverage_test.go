package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// coveragePack is a copy of the test pack whose exercises name
// competencies (one names none), so that the goldens do not move with the
// built-in course.
func coveragePack(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pack")
	if err := os.CopyFS(dir, os.DirFS(testPack)); err != nil {
		t.Fatal(err)
	}
	for file, comp := range map[string]string{
		"lessons/pods-basics/exercises/first-pod.yaml": "wl-deploy",
		"lessons/services/exercises/clusterip.yaml":    "net-services",
	} {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.Replace(string(data), "\ntier: ", "\ncompetency: "+comp+"\ntier: ", 1))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestListCoverageGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "--course", coveragePack(t), "list", "--coverage")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.RequireEqual(t, out)
}

func TestListCoverageJSONGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "--course", coveragePack(t), "list", "--coverage", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v coverageJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("list --coverage --json is not JSON: %v", err)
	}
	golden.RequireEqual(t, out)
}

// TestBuiltinCourseCoverage: the built-in course's coverage adds up,
// every exercise of it names a competency, and every examined competency
// has at least two quiz questions (part 3's lessons left ten with none or
// one, because a lesson's quiz counted for one competency only).
func TestBuiltinCourseCoverage(t *testing.T) {
	code, out, errOut := runCLI(t, "list", "--coverage", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v coverageJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	total, examined, share, questions := 0, 0, 0.0, 0
	for _, d := range v.Domains {
		n := 0
		for _, c := range d.Competencies {
			if c.ID == "" {
				t.Errorf("%s: exercises without a competency: %v", d.Domain, c.Exercises)
			}
			if d.Weight > 0 && c.Questions < 2 {
				t.Errorf("%s: %d quiz questions; give it at least 2 (a question names its competency with competency:)", c.ID, c.Questions)
			}
			n += len(c.Exercises)
			questions += c.Questions
		}
		if n != len(d.Exercises) {
			t.Errorf("%s: competencies hold %d exercises, the domain %d", d.Domain, n, len(d.Exercises))
		}
		total += n
		if d.Weight > 0 {
			examined += n
			share += d.Share
		}
	}
	if total != v.Exercises || examined != v.Examined || share < 99.5 || share > 100.5 {
		t.Errorf("totals %d/%d, examined %d/%d, shares add up to %.1f%%", total, v.Exercises, examined, v.Examined, share)
	}
	if questions != v.Questions {
		t.Errorf("competencies hold %d quiz questions, the course %d", questions, v.Questions)
	}
}
