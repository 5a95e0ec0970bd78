package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/styles"
)

func newVerifyCmd(opts *options) *cobra.Command {
	var all, asJSON, keep, force bool
	var junit string
	var parallel int
	cmd := &cobra.Command{
		Use:   "verify [EXERCISE...|--all]",
		Short: "Prove exercises: the start state fails its checks, the reference solution passes them",
		Long: `verify is for lesson authors and CI. For each exercise it sets up the start
state, asserts that the checks do not already pass (and none hits an
environment error), applies the reference solution, waits for every check to
pass (each check's "eventually" bounds the wait), and cleans up.

Exercises whose tier or add-on this cluster cannot serve are reported as
"not verified" with the reason, never as passed. verify refuses to run on
a lab where one of the exercises has an attempt (set up, or a namespace
made for it), since it would delete it, unless --force. Exercises marked exclusive
(cluster-wide changes) run alone, after the others.

Exit status: 0 when no exercise failed, 1 when one failed, 2 when the
environment broke.`,
		Example: `  kubedojo verify --all
  kubedojo --course ./my-workshop verify --all --junit verify.xml
  kubedojo verify services/fix-selector --keep`,
		RunE: func(cmd *cobra.Command, args []string) error {
			course, err := opts.loadCourse()
			if err != nil {
				return err
			}
			var exs []*lessons.Exercise
			switch {
			case all && len(args) > 0:
				return withCode(exitUsage, fmt.Errorf("give exercise ids or --all, not both"))
			case all:
				exs = course.Exercises()
			case len(args) == 0:
				return withCode(exitUsage, fmt.Errorf("name exercises to verify, or pass --all"))
			default:
				for _, a := range args {
					ex, err := findExercise(course, a)
					if err != nil {
						return err
					}
					exs = append(exs, ex)
				}
			}
			s, err := opts.labSession(cmd.Context(), course)
			if err != nil {
				return err
			}
			if !force {
				if err := refuseAttempts(cmd.Context(), s.Env, exs); err != nil {
					return err
				}
			}
			caps, err := s.Env.Capabilities(cmd.Context())
			if err != nil {
				return withCode(exitEnv, fmt.Errorf("find out what the cluster can serve: %w", err))
			}
			results, err := s.Grader.VerifyAll(cmd.Context(), s.Env, exs, caps.Serves, parallel, checks.VerifyOptions{KeepOnFailure: keep}, func(r checks.VerifyResult) {
				if !asJSON {
					printVerify(cmd.ErrOrStderr(), r)
				}
			})
			if err != nil {
				return withCode(exitEnv, err)
			}
			if junit != "" {
				if err := writeJUnit(junit, course, results); err != nil {
					return withCode(exitEnv, err)
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			}
			return verifySummary(cmd.OutOrStdout(), results, !asJSON)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "verify every exercise of the course")
	cmd.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report to this file")
	cmd.Flags().IntVar(&parallel, "parallel", 3, "exercises verified at once (exclusive ones always run alone)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.Flags().BoolVar(&keep, "keep", false, "leave a failed exercise's environment in place to inspect it")
	cmd.Flags().BoolVar(&force, "force", false, "verify exercises even where an attempt is on the lab (it is deleted)")
	return cmd
}

// refuseAttempts is verify's guard: verify sets each exercise up from
// scratch and deletes it afterwards, so it does not run on a lab where
// one of them has an attempt, which it would delete, unless --force.
// (Scratch namespaces are no way out: tasks, manifests, checks and
// solution scripts name the exercise's namespaces.)
func refuseAttempts(ctx context.Context, env *lab.Environment, exs []*lessons.Exercise) error {
	var busy []string
	for _, ex := range exs {
		st, err := env.State(ctx, ex)
		if err != nil {
			return withCode(exitEnv, err)
		}
		if st.Attempt() {
			busy = append(busy, ex.ID)
		}
	}
	if len(busy) == 0 {
		return nil
	}
	return withCode(exitUsage, fmt.Errorf("verify would delete your work: %d exercise(s) have an attempt on this lab (set up, or a namespace made for them): %s. "+
		"verify sets each exercise up from scratch and deletes it afterwards. Verify on a lab of its own (--lab-name and --state-dir), "+
		"or pass --force to delete those attempts", len(busy), strings.Join(busy, ", ")))
}

func printVerify(w io.Writer, r checks.VerifyResult) {
	var mark string
	switch r.Status {
	case checks.Verified:
		mark = theme().Pass.Render(styles.IconPass + " verified    ")
	case checks.NotVerified:
		mark = theme().Muted.Render("- not verified")
	case checks.VerifyFailed:
		mark = theme().Fail.Render(styles.IconFail + " FAILED      ")
	default:
		mark = theme().Error.Render(styles.IconError + " error       ")
	}
	line := fmt.Sprintf("%s %-46s %s", mark, r.Exercise, theme().Muted.Render(fmt.Sprintf("%s, %s", r.Tier, r.Duration.Round(100*time.Millisecond))))
	if r.Status == checks.Verified && r.Start != nil {
		line += theme().Muted.Render(fmt.Sprintf(", %d/%d checks fail on the start state", r.Start.Counts().Fail, len(r.Start.Results)))
	}
	lipgloss.Fprintln(w, line)
	if r.Reason != "" {
		lipgloss.Fprintln(w, "    "+r.Reason)
	}
}

func verifySummary(w io.Writer, results []checks.VerifyResult, text bool) error {
	counts := map[checks.VerifyStatus]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	if text {
		fmt.Fprintf(w, "%d verified, %d failed, %d errors, %d not verified (of %d)\n",
			counts[checks.Verified], counts[checks.VerifyFailed], counts[checks.VerifyError], counts[checks.NotVerified], len(results))
	}
	switch {
	case counts[checks.VerifyFailed] > 0:
		return withCode(exitFail, errSilent)
	case counts[checks.VerifyError] > 0:
		return withCode(exitEnv, errSilent)
	}
	return nil
}

// JUnit XML, as CI systems read it.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(path string, course *lessons.Course, results []checks.VerifyResult) error {
	bySuite := map[string]*junitSuite{}
	var names []string
	for _, r := range results {
		lesson, _, _ := strings.Cut(r.Exercise, "/")
		s := bySuite[lesson]
		if s == nil {
			s = &junitSuite{Name: course.ID + "/" + lesson}
			bySuite[lesson] = s
			names = append(names, lesson)
		}
		c := junitCase{Name: r.Exercise, Classname: course.ID + "." + lesson, Time: r.Duration.Seconds()}
		msg := &junitMessage{Message: r.Reason, Text: r.Reason}
		switch r.Status {
		case checks.VerifyFailed:
			c.Failure = msg
			s.Failures++
		case checks.VerifyError:
			c.Error = msg
			s.Errors++
		case checks.NotVerified:
			c.Skipped = msg
			s.Skipped++
		}
		s.Tests++
		s.Time += c.Time
		s.Cases = append(s.Cases, c)
	}
	sort.Strings(names)
	var out junitSuites
	for _, n := range names {
		out.Suites = append(out.Suites, *bySuite[n])
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := writePrivateFile(path, append([]byte(xml.Header), data...)); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}
