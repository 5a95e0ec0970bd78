package main

import (
	"github.com/spf13/cobra"
)

func newListCmd(opts *options) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the course: tracks, lessons and exercises",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.loadCourse()
			if err != nil {
				return err
			}
			if asJSON {
				return writeCourseJSON(cmd.OutOrStdout(), c)
			}
			return writeCourseText(cmd.OutOrStdout(), c)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the course as JSON")
	return cmd
}
