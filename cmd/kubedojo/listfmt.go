package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kubedojo/kubedojo/lessons"
)

// courseJSON is the documented shape of "kubedojo list --json".
type courseJSON struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Version string      `json:"version"`
	Format  string      `json:"format"`
	Images  []string    `json:"images"`
	Tracks  []trackJSON `json:"tracks"`
}

type trackJSON struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Optional bool         `json:"optional"`
	Lessons  []lessonJSON `json:"lessons"`
}

type lessonJSON struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Domain    lessons.Domain `json:"domain"`
	Questions int            `json:"quizQuestions"`
	Exercises []exerciseJSON `json:"exercises"`
}

type exerciseJSON struct {
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	Tier            lessons.Tier   `json:"tier"`
	Domain          lessons.Domain `json:"domain"`
	Troubleshooting bool           `json:"troubleshooting"`
	Addon           string         `json:"addon,omitempty"`
	Competency      string         `json:"competency,omitempty"`
	// Workers is the number of worker nodes the exercise needs.
	Workers    int      `json:"workers,omitempty"`
	Namespaces []string `json:"namespaces"`
	Checks     int      `json:"checks"`
}

func courseView(c *lessons.Course) courseJSON {
	out := courseJSON{ID: c.ID, Title: c.Title, Version: c.Version, Format: c.Format, Images: c.Images}
	if out.Images == nil {
		out.Images = []string{}
	}
	for _, t := range c.Tracks {
		tj := trackJSON{ID: t.ID, Title: t.Title, Optional: t.Optional, Lessons: []lessonJSON{}}
		for _, l := range t.Lessons {
			lj := lessonJSON{ID: l.ID, Title: l.Title, Domain: l.Domain, Exercises: []exerciseJSON{}}
			if l.Quiz() != nil {
				lj.Questions = len(l.Quiz().Questions)
			}
			for _, e := range l.Exercises() {
				ns := make([]string, 0, len(e.Namespaces))
				for _, n := range e.Namespaces {
					ns = append(ns, n.Name)
				}
				lj.Exercises = append(lj.Exercises, exerciseJSON{
					ID: e.ID, Title: e.Title, Tier: e.Tier, Domain: e.EffectiveDomain(),
					Troubleshooting: e.Troubleshooting, Addon: e.Addon, Competency: e.Competency, Workers: e.Workers,
					Namespaces: ns, Checks: len(e.Checks),
				})
			}
			tj.Lessons = append(tj.Lessons, lj)
		}
		out.Tracks = append(out.Tracks, tj)
	}
	return out
}

func writeCourseJSON(w io.Writer, c *lessons.Course) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(courseView(c))
}

func writeCourseText(w io.Writer, c *lessons.Course) error {
	v := courseView(c)
	fmt.Fprintf(w, "%s (version %s)\n", v.Title, v.Version)
	for _, t := range v.Tracks {
		opt := ""
		if t.Optional {
			opt = " (optional)"
		}
		fmt.Fprintf(w, "\n%s%s\n", t.Title, opt)
		for _, l := range t.Lessons {
			fmt.Fprintf(w, "  %-28s %s  [%s]\n", l.ID, l.Title, lessons.Domain(l.Domain).Short())
			for _, e := range l.Exercises {
				tags := []string{string(e.Tier)}
				if e.Troubleshooting {
					tags = append(tags, "troubleshooting")
				}
				if e.Addon != "" {
					tags = append(tags, "needs "+e.Addon)
				}
				if e.Workers > 0 {
					// A lab with fewer says how to recreate it.
					tags = append(tags, fmt.Sprintf("needs %d worker", e.Workers))
				}
				fmt.Fprintf(w, "    %-44s %s  (%s)\n", e.ID, e.Title, strings.Join(tags, ", "))
			}
		}
	}
	return nil
}
