package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/backend"
)

// newVersionCmd builds `im2im version`.
func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print im2im, Go and GoMLX versions and which training backend would be used",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			writeVersion(cmd.OutOrStdout())
			return nil
		},
	}
}

// writeVersion prints one "key: value" line per fact.
func writeVersion(w io.Writer) {
	mainVersion, gomlxVersion := buildVersion(), "(not linked)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/gomlx/gomlx" {
				gomlxVersion = d.Version
			}
		}
	}
	fmt.Fprintf(w, "im2im:   %s\n", mainVersion)
	fmt.Fprintf(w, "go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "gomlx:   %s\n", gomlxVersion)
	fmt.Fprintf(w, "backend: %s\n", backend.Choose())
}
