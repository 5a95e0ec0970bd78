package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
	"github.com/kubedojo/kubedojo/tui/styles"
)

func newLabCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Manage the practice cluster: up, down, status, shell, node, reset, preload",
		Long: `The lab is a local kind cluster that kubedojo creates and owns (named
"kubedojo" unless --lab-name says otherwise). Its kubeconfig is private, under
the state directory: kubedojo never edits ~/.kube/config unless you pass
--export-kubeconfig to "lab up".

With --kubeconfig/--context kubedojo uses an existing cluster instead, but only
with --allow-foreign-cluster, and then only creates, changes and deletes the
namespaces and objects it labels itself.`,
		Args: noSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLabUpCmd(opts), newLabDownCmd(opts), newLabStatusCmd(opts), newLabShellCmd(opts), newLabNodeCmd(opts), newLabResetCmd(opts), newLabPreloadCmd(opts))
	return cmd
}

func newLabUpCmd(opts *options) *cobra.Command {
	var export, recreate bool
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create the lab cluster, or start it again if it stopped",
		Long: `up checks for Docker or Podman, then creates the kind cluster (or reuses it,
restarting node containers that stopped after a reboot), waits until it is
ready and preloads the course's images into its nodes. It repairs what an
exercise that breaks the control plane or a kubelet left broken when that
attempt cannot be continued, and names the attempts it leaves in place.

A new lab has one control plane and --workers worker nodes (default 1, or the
config file's workers). A lab that exists keeps the layout it was made with:
when it has fewer workers than wanted or than some exercises need, or its
nodes lack crictl (made from an older node image), up says which exercises
that affects and how to recreate it; it never recreates it by itself.

An existing lab is never deleted because it is slow: up waits (up to 3
minutes, saying how long and whether a node container is paused) and, if it
is still not ready, stops with advice and leaves it as it is. A lab that is
certainly broken (a node container that does not start, a missing control
plane) is recreated only when you agree: on a terminal up asks, elsewhere it
stops with the reason; --recreate agrees in advance. Recreating deletes
everything in the cluster; your progress is kept.`,
		Example: `  kubedojo lab up                        # a control plane and one worker
  kubedojo lab up --workers 0            # the control plane alone, for a small machine
  KUBEDOJO_NODE_IMAGE=local/kind-node:v1.33.13 kubedojo lab up   # an image of your own`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			course, err := opts.loadCourse()
			if err != nil {
				return err
			}
			opts.exportKubeconfig, opts.recreate = export, recreate
			l, err := opts.openLab(course)
			if err != nil {
				return err
			}
			start := time.Now()
			pp := newProgressPrinter(cmd.ErrOrStderr())
			warn := func(w string) { fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w) }
			repairs, err := session.Up(cmd.Context(), l, course.Exercises(), warn, pp.Update)
			pp.Close()
			var pfe *session.PreflightError
			if errors.As(err, &pfe) {
				for _, p := range pfe.Problems {
					fmt.Fprintln(cmd.ErrOrStderr(), styles.IconFail, p)
				}
				return withCode(exitEnv, errors.New("the lab cannot start on this machine yet (see above)"))
			}
			if broken := brokenLab(err); broken != nil && !recreate && askRecreate(cmd.InOrStdin(), cmd.ErrOrStderr(), broken) {
				opts.recreate = true
				if l, err = opts.openLab(course); err != nil {
					return err
				}
				pp = newProgressPrinter(cmd.ErrOrStderr())
				repairs, err = session.Up(cmd.Context(), l, course.Exercises(), nil, pp.Update)
				pp.Close()
			}
			printRepairs(cmd.OutOrStdout(), repairs)
			if err != nil {
				return withCode(exitEnv, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "lab %q is ready (%s)\nkubeconfig: %s\nopen a shell with: kubedojo lab shell\n",
				l.Name(), time.Since(start).Round(100*time.Millisecond), l.KubeconfigPath())
			if !l.Foreign() {
				labAdvice(cmd, l, course)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&export, "export-kubeconfig", false, "also merge the lab's context into ~/.kube/config")
	cmd.Flags().BoolVar(&recreate, "recreate", false, "delete and create the lab again if it is broken or still not ready after the wait, without asking (a healthy lab is kept)")
	return cmd
}

// labAdvice prints, after lab up, what keeps the lab from serving some of
// the course (too few workers, an old node image) and how to recreate it.
// Finding out is best effort: the lab is up either way.
func labAdvice(cmd *cobra.Command, l *lab.Lab, course *lessons.Course) {
	s, err := session.Connect(cmd.Context(), l)
	if err != nil {
		return
	}
	caps, err := s.Env.Capabilities(cmd.Context())
	if err != nil {
		return
	}
	for _, a := range caps.Advice(course.Exercises(), l.Workers()) {
		fmt.Fprintln(cmd.ErrOrStderr(), "note:", a)
	}
}

func newLabDownCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "down",
		Short: "Delete the lab cluster (your progress is kept)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := opts.openLab(nil)
			if err != nil {
				return err
			}
			start := time.Now()
			if err := l.Down(cmd.Context()); err != nil {
				return withCode(exitEnv, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "lab %q deleted (%s)\n", l.Name(), time.Since(start).Round(100*time.Millisecond))
			return nil
		},
	}
}

func newLabStatusCmd(opts *options) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show whether the lab exists, runs and is healthy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := opts.openLab(nil)
			if err != nil {
				return err
			}
			st, err := l.Status(cmd.Context())
			if err != nil && !errors.Is(err, lab.ErrNoRuntime) {
				return withCode(exitEnv, err)
			}
			// Without an answering engine the status still says so (and
			// what to do), on stdout like any other state.
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(statusJSON(st)); err != nil {
					return err
				}
			} else {
				printStatus(cmd, st, err == nil)
			}
			if !st.Ready() {
				return withCode(exitEnv, errSilent)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

func statusJSON(s lab.Status) map[string]any {
	return map[string]any{
		"name": s.Name, "context": s.Context, "kubeconfig": s.KubeconfigPath, "foreign": s.Foreign,
		"runtime": s.Runtime, "exists": s.Exists, "running": s.Running, "apiHealthy": s.APIHealthy,
		"nodes": s.Nodes, "nodesReady": s.NodesReady, "nodeImage": s.NodeImage,
		"kubernetesVersion": s.KubernetesVersion, "ready": s.Ready(), "problem": s.Problem,
	}
}

// printStatus writes the status for people; looked is false when the
// container engine could not be asked about the nodes.
func printStatus(cmd *cobra.Command, s lab.Status, looked bool) {
	w := cmd.OutOrStdout()
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	kind := "kubedojo's own kind cluster"
	if s.Foreign {
		kind = "an existing cluster (kubedojo only touches what it labels)"
	}
	fmt.Fprintf(w, "lab:         %s (%s)\n", s.Name, kind)
	fmt.Fprintf(w, "context:     %s\nkubeconfig:  %s\n", s.Context, s.KubeconfigPath)
	if s.Runtime != "" {
		fmt.Fprintf(w, "runtime:     %s\n", s.Runtime)
	}
	if looked {
		fmt.Fprintf(w, "exists:      %s\nrunning:     %s\napi healthy: %s\n", yes(s.Exists), yes(s.Running), yes(s.APIHealthy))
	}
	if s.Nodes > 0 {
		fmt.Fprintf(w, "nodes:       %d/%d ready\n", s.NodesReady, s.Nodes)
	}
	if s.KubernetesVersion != "" {
		fmt.Fprintf(w, "kubernetes:  %s\n", s.KubernetesVersion)
	}
	if s.NodeImage != "" {
		fmt.Fprintf(w, "node image:  %s\n", s.NodeImage)
	}
	if s.Ready() {
		fmt.Fprintln(w, "status:      ready")
	} else {
		fmt.Fprintf(w, "status:      not ready: %s\n", s.Problem)
	}
}

func newLabShellCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "shell [EXERCISE]",
		Short: "Open your shell with KUBECONFIG set to the lab (an exercise's shell gets a kubeconfig of its own, in its namespace)",
		Example: `  kubedojo lab shell
  kubedojo lab shell pods-basics/first-pod   # kubectl defaults to namespace pod-1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			course, l, err := opts.courseAndLab()
			if err != nil {
				return err
			}
			msg := "kubedojo lab shell: KUBECONFIG=" + l.KubeconfigPath()
			sh, err := func() (*exec.Cmd, error) {
				if len(args) == 0 {
					return l.ShellCommand(nil)
				}
				ex, err := findExercise(course, args[0])
				if err != nil {
					return nil, err
				}
				msg = fmt.Sprintf("kubedojo lab shell: KUBECONFIG=%s (exercise %s's own; other terminals keep theirs)", l.ExerciseKubeconfigPath(ex), ex.ID)
				return l.ShellCommand(ex)
			}()
			var ee *exitError
			if errors.As(err, &ee) {
				return err
			}
			if err != nil {
				return withCode(exitEnv, err)
			}
			sh.Stdin, sh.Stdout, sh.Stderr = os.Stdin, os.Stdout, os.Stderr
			fmt.Fprintln(cmd.ErrOrStderr(), msg+"; exit to return")
			if err := sh.Run(); err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					return withCode(ee.ExitCode(), errSilent)
				}
				return withCode(exitEnv, err)
			}
			return nil
		},
	}
}

func newLabResetCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "reset [EXERCISE]",
		Short: "Set an exercise up from scratch (delete and recreate its environment)",
		Long: `reset deletes the exercise's namespaces and everything its start state
created, undoes the cluster-wide changes it declares (node labels, CoreDNS,
ClusterRoles…), removes the cluster-scoped objects you made for it (those its
checks name, and ClusterRoleBindings for its namespaces only, if they did not
exist when it was set up), and applies the start state again. Use it to start
an exercise from the command line, or to start over: your progress records the
exercise as started, and a passing "kubedojo check" records it done.

Without an exercise, reset repairs the lab instead: every exercise that
broke the control plane or a kubelet and is still on the lab is cleaned up
(attempts in progress too), and reset says what it repaired.`,
		Example: `  kubedojo lab reset services/fix-selector
  kubedojo lab reset                      # repair the control plane and kubelets`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return repairLab(cmd.Context(), cmd, opts)
			}
			ex, s, err := opts.exerciseSession(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := s.Unavailable(cmd.Context(), ex); s.Class != nil && err != nil {
				return withCode(exitEnv, err) // a class learner cannot set it up at all
			}
			start := time.Now()
			if err := s.Env.Reset(cmd.Context(), ex); err != nil && !errors.Is(err, lab.ErrKept) {
				return withCode(exitEnv, fmt.Errorf("reset %s: %w", ex.ID, err))
			} else if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", err)
			}
			opts.attempts(cmd.Context(), cmd.ErrOrStderr()).started(ex)
			if s.Class != nil {
				// The class's eligibility was judged above.
			} else if caps, err := s.Env.Capabilities(cmd.Context()); err == nil {
				if ok, why := caps.Serves(ex); !ok {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: this lab cannot run all of %s: %s\n", ex.ID, why)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is ready (%s); namespace %s\n", ex.ID, time.Since(start).Round(10*time.Millisecond), ex.DefaultNamespace())
			return nil
		},
	}
}

func newLabPreloadCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "preload [IMAGE...]",
		Short: "Load the course's images from your local image store into the lab's nodes",
		Long: `preload copies images from Docker's (or Podman's) local store into every lab
node, so exercises never wait for a pull and an offline machine works. Without
arguments it loads the images the course declares and those of the add-ons its
exercises need (Traefik).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			course, l, err := opts.courseAndLab()
			if err != nil {
				return err
			}
			images := args
			if len(images) == 0 {
				images = append(slices.Clone(course.Images), lab.AddonImages(lab.AddonsFor(course.Exercises()))...)
			}
			pp := newProgressPrinter(cmd.ErrOrStderr())
			err = l.Preload(cmd.Context(), images, pp.Update)
			pp.Close()
			if err != nil {
				return withCode(exitEnv, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d image(s) present on every node\n", len(images))
			return nil
		},
	}
}
