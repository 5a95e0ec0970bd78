package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/class"
	"github.com/kubedojo/kubedojo/lab/class/record"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/tui"
	"github.com/kubedojo/kubedojo/tui/pages/board"
)

func newClassCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "class",
		Short: "Run a class on a shared cluster (for instructors with cluster-admin)",
		Long: `A class gives every learner namespaces of their own on a shared cluster
(any conformant Kubernetes), a kubeconfig that reaches only those
namespaces and expires with the class, and a progress record that the
board shows live. The cluster is the one --kubeconfig/--context (or
kubectl's current context) selects; you need cluster-admin on it.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newClassCreateCmd(opts), newClassDeleteCmd(opts), newClassExtendCmd(opts), newClassListCmd(opts), newClassBoardCmd(opts))
	return cmd
}

// classCluster connects to the class cluster and checks that the caller
// may run classes there.
func (o *options) classCluster(ctx context.Context) (class.Cluster, error) {
	c, err := session.ClassCluster(o.settings.Kubeconfig.V, o.settings.Context.V)
	if err != nil {
		return c, withCode(exitEnv, err)
	}
	if err := class.CheckInstructor(ctx, c.Client); err != nil {
		return c, withCode(exitEnv, err)
	}
	return c, nil
}

// classAddons finds the add-ons the class's cluster serves, with the
// instructor's rights: the learners' checks of an exercise whose add-on is
// missing could only error, so class create leaves it out.
func classAddons(ctx context.Context, c class.Cluster) (class.ClusterAddons, error) {
	env, err := lab.NewEnvironment(c.Config, lab.EnvOptions{Foreign: true})
	if err != nil {
		return class.ClusterAddons{}, err
	}
	caps, err := env.Capabilities(ctx)
	if err != nil {
		return class.ClusterAddons{}, fmt.Errorf("find the class cluster's add-ons: %w", err)
	}
	return class.ClusterAddons{Have: caps.Addons, Missing: caps.Missing}, nil
}

func classOutDir(dir, name string) string {
	if dir != "" {
		return dir
	}
	return "class-" + name
}

func newClassCreateCmd(opts *options) *cobra.Command {
	var (
		learners  int
		namesFile string
		exercises string
		expires   time.Duration
		outDir    string
	)
	cmd := &cobra.Command{
		Use:   "create NAME (--learners N | --names FILE)",
		Short: "Create a class: learner namespaces, rights, budgets, fences and kubeconfigs",
		Example: `  kubedojo class create k8s-101 --names learners.txt --exercises services,pods-basics --expires 8h
  kubedojo class create demo --learners 3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names, err := learnerNames(learners, namesFile)
			if err != nil {
				return withCode(exitUsage, err)
			}
			course, err := opts.loadCourse()
			if err != nil {
				return err
			}
			// A name that selects nothing is a usage error before any
			// connection; the add-ons are the cluster's.
			if _, err := class.Select(course, exercises); err != nil {
				return withCode(exitUsage, err)
			}
			c, err := opts.classCluster(cmd.Context())
			if err != nil {
				return err
			}
			addons, err := classAddons(cmd.Context(), c)
			if err != nil {
				return withCode(exitEnv, err)
			}
			sel, err := class.SelectOn(course, exercises, addons)
			if err != nil {
				return withCode(exitUsage, err)
			}
			now := time.Now()
			rec := class.Record{Name: args[0], Learners: names, Exercises: class.RecordExercises(sel.Exercises), Created: now, Expires: now.Add(expires)}
			if err := rec.Validate(); err != nil {
				return withCode(exitUsage, err)
			}
			dir := classOutDir(outDir, rec.Name)
			creds, err := class.Create(cmd.Context(), c, rec, class.CreateOptions{Budget: class.DefaultBudget(), Dir: dir})
			if errors.Is(err, class.ErrExists) {
				return withCode(exitUsage, err)
			}
			if err != nil {
				return withCode(exitEnv, fmt.Errorf("%w (kubedojo class delete %s removes what was created)", err, rec.Name))
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Class %s: %d learners, %d exercises, expires %s (in %s).\n", rec.Name, len(names), len(sel.Exercises), rec.Expires.Local().Format(time.DateTime), expires)
			writeLeftOut(out, sel.Left)
			writeCredentials(out, creds)
			fmt.Fprintf(out, "Give each learner their kubeconfig: kubedojo --class-kubeconfig FILE (or --report-to FILE-report.kubeconfig with their own lab).\nWatch the class: kubedojo class board %s\n", rec.Name)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&learners, "learners", 0, "number of learners (named learner-01, learner-02, …)")
	f.StringVar(&namesFile, "names", "", "file with one learner name per line")
	f.StringVar(&exercises, "exercises", "", "comma-separated lessons and exercises (default: every exercise class mode can run)")
	f.DurationVar(&expires, "expires", 8*time.Hour, "how long the class (and its kubeconfigs) lasts")
	f.StringVar(&outDir, "out", "", "directory for the learners' kubeconfigs (default ./class-NAME)")
	cmd.MarkFlagsMutuallyExclusive("learners", "names")
	cmd.MarkFlagsOneRequired("learners", "names")
	return cmd
}

// writeLeftOut lists the selected exercises a class cannot run, with why.
func writeLeftOut(w io.Writer, left map[string]string) {
	if len(left) == 0 {
		return
	}
	fmt.Fprintf(w, "Left out (a shared cluster cannot run them):\n")
	for _, id := range slices.Sorted(maps.Keys(left)) {
		fmt.Fprintf(w, "  %s: %s\n", id, left[id])
	}
}

func learnerNames(n int, file string) ([]string, error) {
	if file == "" {
		if n <= 0 {
			return nil, fmt.Errorf("--learners: give a positive number")
		}
		return class.NumberedLearners(n), nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--names: %w", err)
	}
	return class.ParseNames(string(data)), nil
}

func writeCredentials(w io.Writer, creds []class.Credential) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LEARNER\tKUBECONFIG\tREPORT-TO\tTOKENS EXPIRE")
	for i := 0; i+1 < len(creds); i += 2 {
		learner, reporter := creds[i], creds[i+1]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", learner.Learner, learner.Path, filepath.Base(reporter.Path), learner.Expires.Local().Format(time.DateTime))
	}
	tw.Flush()
}

func newClassDeleteCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a class: its namespaces (with the learners' work), accounts and records, nothing else",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.classCluster(cmd.Context())
			if err != nil {
				return err
			}
			deleted, err := class.Delete(cmd.Context(), c.Client, args[0])
			if errors.Is(err, class.ErrNotFound) {
				return withCode(exitUsage, err)
			}
			for _, ns := range deleted {
				fmt.Fprintf(cmd.OutOrStdout(), "deleted namespace %s\n", ns)
			}
			if err != nil {
				return withCode(exitEnv, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Class %s deleted; its tokens no longer work.\n", args[0])
			return nil
		},
	}
}

func newClassExtendCmd(opts *options) *cobra.Command {
	var (
		by     time.Duration
		outDir string
	)
	cmd := &cobra.Command{
		Use:   "extend NAME --by DURATION",
		Short: "Move a class's expiry and issue new kubeconfigs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := opts.classCluster(cmd.Context())
			if err != nil {
				return err
			}
			rec, creds, err := class.Extend(cmd.Context(), c, args[0], by, classOutDir(outDir, args[0]))
			if errors.Is(err, class.ErrNotFound) {
				return withCode(exitUsage, err)
			}
			if err != nil {
				return withCode(exitEnv, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Class %s now expires %s. Hand out the new kubeconfigs (the old ones stop at the old expiry):\n", rec.Name, rec.Expires.Local().Format(time.DateTime))
			writeCredentials(cmd.OutOrStdout(), creds)
			return nil
		},
	}
	cmd.Flags().DurationVar(&by, "by", 2*time.Hour, "how much longer the class lasts")
	cmd.Flags().StringVar(&outDir, "out", "", "directory for the new kubeconfigs (default ./class-NAME)")
	return cmd
}

func newClassListCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the classes on the cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := opts.classCluster(cmd.Context())
			if err != nil {
				return err
			}
			recs, err := class.List(cmd.Context(), c.Client)
			if err != nil {
				return withCode(exitEnv, err)
			}
			writeClassList(cmd.OutOrStdout(), recs, time.Now())
			return nil
		},
	}
}

func writeClassList(w io.Writer, recs []*class.Record, now time.Time) {
	if len(recs) == 0 {
		fmt.Fprintln(w, "No classes on this cluster (kubedojo class create NAME --learners N).")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLASS\tLEARNERS\tEXERCISES\tEXPIRES\tLEFT")
	for _, r := range recs {
		left := "expired"
		if !r.Expired(now) {
			left = r.Expires.Sub(now).Round(time.Minute).String()
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", r.Name, len(r.Learners), len(r.Exercises), r.Expires.Local().Format(time.DateTime), left)
	}
	tw.Flush()
}

func newClassBoardCmd(opts *options) *cobra.Command {
	var (
		asJSON, asCSV bool
		stuck         time.Duration
	)
	cmd := &cobra.Command{
		Use:   "board NAME",
		Short: "Watch a class live: learners × exercises, done, in progress or stuck",
		Long: `The board follows every learner's progress record through one watch (no
polling). A cell is stuck when its exercise has been failing for longer than
--stuck; select it to read the failing check. --json and --csv print a
snapshot instead, for grading.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asCSV {
				return withCode(exitUsage, errors.New("--json and --csv: choose one"))
			}
			ctx := cmd.Context()
			c, err := opts.classCluster(ctx)
			if err != nil {
				return err
			}
			rec, err := class.Get(ctx, c.Client, args[0])
			if errors.Is(err, class.ErrNotFound) {
				return withCode(exitUsage, err)
			}
			if err != nil {
				return withCode(exitEnv, err)
			}
			if asJSON || asCSV {
				b, err := class.Snapshot(ctx, c.Client, rec)
				if err != nil {
					return withCode(exitEnv, err)
				}
				now := time.Now()
				snap := record.Snapshot{Class: rec.Name, Taken: now, StuckAfter: stuck, Rows: b.Rows(now, stuck)}
				if asCSV {
					return record.WriteCSV(cmd.OutOrStdout(), snap)
				}
				return record.WriteJSON(cmd.OutOrStdout(), snap)
			}
			updates := make(chan tea.Msg, 64)
			watchCtx, stop := context.WithCancel(ctx)
			defer stop()
			go func() {
				_ = class.WatchProgress(watchCtx, c.Client, rec.Name, func(ch class.Change) {
					var msg tea.Msg = board.UpdateMsg{Progress: ch.Progress, Deleted: ch.Deleted}
					switch {
					case ch.Err != nil:
						msg = board.WatchErrMsg{Err: ch.Err}
					case ch.Synced:
						msg = board.SyncedMsg{}
					}
					select {
					case updates <- msg:
					case <-watchCtx.Done():
					}
				})
			}()
			return tui.RunBoard(ctx, tui.BoardOptions{Board: class.NewBoard(rec), Updates: updates, Page: board.Options{StuckAfter: stuck}})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print a snapshot as JSON instead of opening the board")
	f.BoolVar(&asCSV, "csv", false, "print a snapshot as CSV instead of opening the board")
	f.DurationVar(&stuck, "stuck", 10*time.Minute, "how long an exercise fails before the board calls the learner stuck")
	return cmd
}
