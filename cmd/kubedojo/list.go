package main

import (
	"github.com/spf13/cobra"
)

func newListCmd(opts *options) *cobra.Command {
	var asJSON, coverage bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the course: tracks, lessons and exercises",
		Long: `list prints the course's tracks, lessons and exercises (with --json, as JSON).

--coverage measures the course against the CKA curriculum instead: per domain
its exam weight and its share of the examined exercises, and per competency
the exercises that train it and the quiz questions that ask about it (a
lesson's questions count for the competency most of its exercises train).`,
		Example: `  kubedojo list
  kubedojo list --coverage
  kubedojo --course ./my-workshop list --coverage --json | jq '.domains[] | {domain, examWeight, exerciseShare}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.loadCourse()
			if err != nil {
				return err
			}
			if coverage && asJSON {
				return writeCoverageJSON(cmd.OutOrStdout(), c)
			}
			if coverage {
				return writeCoverageText(cmd.OutOrStdout(), c)
			}
			if asJSON {
				return writeCourseJSON(cmd.OutOrStdout(), c)
			}
			if opts.classKubeconfig() != "" {
				// The learner's namespaces, and what their class lacks.
				s, err := opts.labSession(cmd.Context(), c)
				if err != nil {
					return err
				}
				if err := writeCourseText(cmd.OutOrStdout(), c); err != nil {
					return err
				}
				writeClassUnavailable(cmd.OutOrStdout(), s, c)
				return nil
			}
			return writeCourseText(cmd.OutOrStdout(), c)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the course as JSON")
	cmd.Flags().BoolVar(&coverage, "coverage", false, "print the course's coverage of the CKA domains and competencies")
	return cmd
}
