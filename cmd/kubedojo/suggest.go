package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lessons"
)

// maxSuggestions bounds a "did you mean" list.
const maxSuggestions = 3

// orList writes names as a sentence: "a", "a or b", "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// noSubcommand is the Args of commands that have subcommands: a word
// after them is a mistyped subcommand, a usage error that names the
// closest ones (cobra would print the help page and exit 0, or say
// nothing helpful).
func noSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default, set only on its error path
	}
	if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
		msg += "; did you mean " + orList(near[:min(len(near), maxSuggestions)]) + "?"
	}
	return withCode(exitUsage, errors.New(msg+" (see "+cmd.CommandPath()+" --help)"))
}

// findExercise finds an exercise by its full id; a wrong id is a usage
// error that suggests the exercises meant most likely.
func findExercise(c *lessons.Course, id string) (*lessons.Exercise, error) {
	if ex := c.Exercise(id); ex != nil {
		return ex, nil
	}
	if near := similarExercises(c, id); len(near) > 0 {
		return nil, withCode(exitUsage, fmt.Errorf("no exercise %q; did you mean %s? (ids are lesson/exercise; see kubedojo list)", id, orList(near)))
	}
	return nil, withCode(exitUsage, fmt.Errorf("no exercise %q (see kubedojo list)", id))
}

// similarExercises returns the ids of exercises a mistyped id probably
// means: the exercise or lesson name given alone, then ids and names a
// few edits away.
func similarExercises(c *lessons.Course, id string) []string {
	var out []string
	add := func(ids ...string) {
		for _, i := range ids {
			if !slices.Contains(out, i) && len(out) < maxSuggestions {
				out = append(out, i)
			}
		}
	}
	var ids, names []string
	byName := map[string][]string{}
	for _, ex := range c.Exercises() {
		if ex.Name() == id || ex.Lesson.ID == id {
			add(ex.ID)
		}
		ids = append(ids, ex.ID)
		if len(byName[ex.Name()]) == 0 {
			names = append(names, ex.Name())
		}
		byName[ex.Name()] = append(byName[ex.Name()], ex.ID)
	}
	// Two edits for short names; longer ids tolerate a third.
	maxEdits := 2
	if len(id) > 16 {
		maxEdits = 3
	}
	add(lessons.Similar(id, ids, maxEdits)...)
	for _, n := range lessons.Similar(id, names, maxEdits) {
		add(byName[n]...)
	}
	return out
}
