package main

import (
	"context"
	"log"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/kernel"
)

// newKernelCmd builds `im2im kernel`, the process Jupyter starts.
func newKernelCmd() *cobra.Command {
	var connFile string
	cmd := &cobra.Command{
		Use:   "kernel --connection-file FILE",
		Short: "Run the im2im Jupyter kernel (started by Jupyter through the installed kernelspec)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if connFile == "" {
				return badf("kernel: --connection-file is required")
			}
			info, err := kernel.ReadConnectionFile(connFile)
			if err != nil {
				return badInput(err)
			}
			kernel.Version = buildVersion()
			logger := log.New(kernel.LogWriter(), "im2im kernel: ", log.LstdFlags)
			if dir := kernel.ServeGonbPipe(logger); dir != "" {
				atExit = append(atExit, func() { os.RemoveAll(dir) })
			}
			k, err := kernel.New(info, logger)
			if err != nil {
				return err
			}
			return k.Run(context.Background())
		},
	}
	cmd.Flags().StringVar(&connFile, "connection-file", "", "Jupyter connection file (JSON with ports and key)")
	return cmd
}

// buildVersion is the module version of this binary (e.g. "(devel)").
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "dev"
}
