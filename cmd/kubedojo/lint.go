package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

func newLintCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "lint [PATH]",
		Short: "Check a lesson pack and print every problem",
		Long: `lint loads a lesson pack and validates all of it: course.yaml, every lesson's
reading and quiz, and every exercise with its start-state manifests, checks,
hints and reference solution. Each problem is printed as file:line: field: message.
Without PATH it checks the --course pack, or the built-in course.`,
		Example: `  kubedojo lint ./my-workshop
  kubedojo lint            # the built-in course`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fsys, name := opts.courseFS()
			if len(args) == 1 {
				if err := packDir(args[0]); err != nil {
					return err
				}
				fsys, name = os.DirFS(args[0]), args[0]
			} else if err := packDir(opts.coursePath); err != nil {
				return err
			} else if opts.coursePath == "" {
				fsys = assets.Course()
			}
			c, err := lessons.Load(fsys)
			var ps lessons.Problems
			if errors.As(err, &ps) {
				for _, p := range ps {
					fmt.Fprintln(cmd.OutOrStdout(), p.String())
				}
				return withCode(exitFail, fmt.Errorf("%s: %d problem(s)", name, len(ps)))
			}
			if err != nil {
				return withCode(exitEnv, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d tracks, %d lessons, %d exercises, %d quiz questions)\n",
				name, len(c.Tracks), len(c.Lessons()), len(c.Exercises()), countQuestions(c))
			if powers := lessons.Powers(c); len(powers) > 0 {
				who := "kubedojo shows learners this list and runs the pack only once they agree (or pass --trust-pack)"
				if len(args) == 0 && opts.coursePath == "" {
					who = "the built-in course is trusted"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "What its exercises do past their own namespaces (%s):\n", who)
				for _, p := range powers {
					fmt.Fprintf(cmd.OutOrStdout(), "  - %s\n", p)
				}
			}
			return nil
		},
	}
}

func countQuestions(c *lessons.Course) int {
	n := 0
	for _, l := range c.Lessons() {
		if l.Quiz() != nil {
			n += len(l.Quiz().Questions)
		}
	}
	return n
}
