package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/config"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newVersionCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the kubedojo version and the node image (Kubernetes version) of a new lab",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "kubedojo %s\n", buildVersion())
			img := opts.settings.NodeImage
			if img.Source == config.SourceDefault {
				fmt.Fprintf(w, "node image: %s (Kubernetes %s, kubedojo's default)\n", img.V, lab.DefaultKubernetesVersion)
			} else {
				fmt.Fprintf(w, "node image: %s (from %s; the default is %s, Kubernetes %s)\n", img.V, img.Source, lab.DefaultNodeImage, lab.DefaultKubernetesVersion)
			}
			fmt.Fprintln(w, "an existing lab keeps the image it was created with (kubedojo lab status shows it)")
			return nil
		},
	}
}
