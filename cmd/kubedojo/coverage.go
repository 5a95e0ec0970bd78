package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/kubedojo/kubedojo/lessons"
)

// coverageJSON is the documented shape of "kubedojo list --coverage
// --json".
type coverageJSON struct {
	Course    string               `json:"course"`
	Exercises int                  `json:"exercises"`
	Questions int                  `json:"quizQuestions"`
	Examined  int                  `json:"examinedExercises"`
	Domains   []domainCoverageJSON `json:"domains"`
}

type domainCoverageJSON struct {
	Domain       lessons.Domain           `json:"domain"`
	Title        string                   `json:"title"`
	Weight       int                      `json:"examWeight"`
	Share        float64                  `json:"exerciseShare"`
	Exercises    []string                 `json:"exercises"`
	Questions    int                      `json:"quizQuestions"`
	Competencies []competencyCoverageJSON `json:"competencies"`
}

type competencyCoverageJSON struct {
	// ID is "" for the domain's exercises that name no competency.
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Exercises []string `json:"exercises"`
	Questions int      `json:"quizQuestions"`
}

func coverageView(c *lessons.Course) coverageJSON {
	cov := lessons.CourseCoverage(c)
	out := coverageJSON{Course: c.ID, Exercises: cov.Exercises, Questions: cov.Questions, Examined: cov.Examined}
	for _, d := range cov.Domains {
		dj := domainCoverageJSON{Domain: d.Domain, Title: d.Domain.Title(), Weight: d.Weight,
			Share: math.Round(d.Share*10) / 10, Exercises: d.Exercises, Questions: d.Questions}
		for _, cc := range d.Competencies {
			dj.Competencies = append(dj.Competencies, competencyCoverageJSON{ID: cc.ID, Title: cc.Title, Exercises: cc.Exercises, Questions: cc.Questions})
		}
		out.Domains = append(out.Domains, dj)
	}
	return out
}

func writeCoverageJSON(w io.Writer, c *lessons.Course) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(coverageView(c))
}

// writeCoverageText prints a summary line per domain (its exam weight
// next to its share of the examined exercises), then each domain's
// competencies with their exercises and quiz questions; a competency
// nothing trains shows 0, the gap to fill.
func writeCoverageText(w io.Writer, c *lessons.Course) error {
	v := coverageView(c)
	fmt.Fprintf(w, "CKA coverage of %s: %d exercises (%d in examined domains), %d quiz questions\n\n",
		c.Title, v.Exercises, v.Examined, v.Questions)
	fmt.Fprintf(w, "%-18s %7s %7s %10s %6s\n", "domain", "weight", "share", "exercises", "quiz")
	for _, d := range v.Domains {
		weight, share := "-", "-"
		if d.Weight > 0 {
			weight, share = fmt.Sprintf("%d%%", d.Weight), fmt.Sprintf("%.0f%%", d.Share)
		}
		fmt.Fprintf(w, "%-18s %7s %7s %10d %6d\n", d.Domain, weight, share, len(d.Exercises), d.Questions)
	}
	fmt.Fprintln(w, "(share: the domain's part of the examined exercises; weight: its part of the exam)")
	for _, d := range v.Domains {
		fmt.Fprintf(w, "\n%s\n", d.Title)
		fmt.Fprintf(w, "  %-24s %9s %5s  %s\n", "competency", "exercises", "quiz", "what the curriculum asks")
		for _, cc := range d.Competencies {
			id := cc.ID
			if id == "" {
				id = "(none)"
			}
			fmt.Fprintf(w, "  %-24s %9d %5d  %s\n", id, len(cc.Exercises), cc.Questions, cc.Title)
		}
	}
	return nil
}
