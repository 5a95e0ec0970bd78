package main

import (
	"errors"
	"os"
	"os/exec"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newLabNodeCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "node [NODE]",
		Short: "Open a root shell inside a lab node (static pods, the kubelet, crictl, etcd)",
		Long: `node opens an interactive root shell inside one of the lab's node containers:
the control plane unless NODE names another node, or says "worker" (the first
worker). Node-level exercises (static pods, the scheduler's manifest, the
kubelet service, etcd snapshots, crictl) are done there, not on your machine;
kubedojo's checks read the node the same way. Leave the shell with exit.

Only kubedojo's own kind lab offers this; on an existing cluster it refuses and
says why.`,
		Example: `  kubedojo lab node                  # the control plane
  kubedojo lab node worker           # the first worker
  kubedojo lab node kubedojo-worker`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := opts.openLab(nil)
			if err != nil {
				return err
			}
			node := ""
			if len(args) == 1 {
				node = args[0]
			}
			stdin := cmd.InOrStdin()
			f, isFile := stdin.(*os.File)
			sh, err := l.NodeShellCommand(cmd.Context(), node, isFile && term.IsTerminal(int(f.Fd())))
			if err != nil {
				return withCode(exitEnv, err)
			}
			sh.Cmd.Stdin, sh.Cmd.Stdout, sh.Cmd.Stderr = stdin, cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := sh.Cmd.Run(); err != nil {
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
