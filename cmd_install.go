package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/kernel"
)

// goRunBuild reports whether exe lies in a go-build work directory (where `go run`
// builds, deleted when the command exits): a kernelspec must not point there.
func goRunBuild(exe string) bool {
	for _, part := range strings.Split(filepath.ToSlash(exe), "/") {
		if strings.HasPrefix(part, "go-build") {
			return true
		}
	}
	return false
}

// newInstallCmd builds `im2im install`, which writes the Jupyter kernelspec.
func newInstallCmd() *cobra.Command {
	var user, sysPrefix bool
	var prefix string
	cmd := &cobra.Command{
		Use:   "install [--user | --sys-prefix | --prefix DIR]",
		Short: `Install the Jupyter kernelspec "im2im" (kernel.json and logos) pointing at this binary`,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, b := range []bool{user, sysPrefix, prefix != ""} {
				if b {
					n++
				}
			}
			if n > 1 {
				return badf("install: use only one of --user, --sys-prefix, --prefix")
			}
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("install: locating this binary: %w", err)
			}
			if exe, err = filepath.EvalSymlinks(exe); err != nil {
				return fmt.Errorf("install: %w", err)
			}
			if goRunBuild(exe) {
				return badf("install: this binary (%s) is a temporary `go run` build, deleted when it exits; "+
					"build one first: go build -o ~/go/bin/im2im . && ~/go/bin/im2im install --user", exe)
			}
			dir, err := kernel.KernelsDir(prefix, sysPrefix)
			if err != nil {
				return err
			}
			spec, err := kernel.Install(dir, exe)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed kernelspec %q in %s\n", kernel.SpecName, spec)
			return nil
		},
	}
	cmd.Flags().BoolVar(&user, "user", false, "install for the current user (the default)")
	cmd.Flags().BoolVar(&sysPrefix, "sys-prefix", false, "install into the Python environment's prefix (VIRTUAL_ENV, CONDA_PREFIX or python3's sys.prefix)")
	cmd.Flags().StringVar(&prefix, "prefix", "", "install into DIR/share/jupyter/kernels")
	return cmd
}
