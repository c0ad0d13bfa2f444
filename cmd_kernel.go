package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/kernel"
	"github.com/im2im/im2im/kernel/supervise"
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
			if superviseChildren {
				// Jupyter watches this process; the kernel runs in a child.
				exe, err := os.Executable()
				if err != nil {
					return failed(fmt.Errorf("kernel: %w", err))
				}
				code, err := kernel.Supervise(exe, os.Args[1:], log.New(kernel.LogWriter(), "im2im kernel supervisor: ", log.LstdFlags))
				if err != nil {
					return failed(fmt.Errorf("kernel: %w", err))
				}
				return exitWith(code)
			}
			crash, err := supervise.TakeCrash()
			if err != nil {
				logger.Print(err)
			}
			if dir := kernel.ServeGonbPipe(logger); dir != "" {
				atExit = append(atExit, func() { os.RemoveAll(dir) })
			}
			k, err := kernel.New(info, logger)
			if err != nil {
				return err
			}
			k.Supervised(reporter, crash)
			return k.Run(context.Background())
		},
	}
	cmd.Flags().StringVar(&connFile, "connection-file", "", "Jupyter connection file (JSON with ports and key)")
	return cmd
}

// buildVersion is the module version of this binary (e.g. "(devel)").
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	// A build from a checkout: the commit Go stamped (go build records it; go
	// run does not), "+dirty" when the tree had changes.
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "dev (this build carries no commit: go run, or GOFLAGS=-buildvcs=false)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "dev-" + rev + dirty
	if at != "" {
		v += " (" + at + ")"
	}
	return v
}
