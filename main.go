// Command im2im is the command-line entry point of im2im: the Jupyter kernel, the
// headless notebook runner, training and inference from configs, image tools and
// version information. Each subcommand lives in its own cmd_*.go file with a
// newXCmd constructor; newRootCmd adds them all to the root command.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/kernel/supervise"

	// A build without cgo (no C compiler found) fails naming the fix.
	_ "github.com/im2im/im2im/ml/cgocheck"
)

// newRootCmd builds the im2im command with every subcommand (fresh flag state per
// call, so tests can run several command lines in one process).
func newRootCmd() *cobra.Command {
	root := commandGroup(&cobra.Command{
		Use:   "im2im",
		Short: "Biomedical image-to-image deep learning in Go: Jupyter kernel, DSL, training and inference",
		Long: `im2im trains and applies image-to-image models (segmentation, label-free prediction,
denoising, modality transfer) on 2D/3D microscopy images. Use it from Jupyter through
its kernel, headless on notebooks, or directly on config files.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	})
	root.AddCommand(
		newKernelCmd(),
		newInstallCmd(),
		newRunCmd(),
		newTrainCmd(),
		newPredictCmd(),
		newEvaluateCmd(),
		newExportCmd(),
		newConfigCmd(),
		newDataCmd(),
		newImageCmd(),
		newBenchCmd(),
		newVersionCmd(),
	)
	// A bad flag is bad input: exit code 2, like every other usage error (1 means the
	// command ran and failed, e.g. a notebook cell). Subcommands inherit this.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return badf("%s: %w (see %s --help)", c.CommandPath(), err, c.CommandPath())
	})
	return root
}

func main() {
	rep, err := supervise.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "im2im:", err)
		os.Exit(exitBadInput)
	}
	if rep == nil {
		// Cells redirect fd 2 into the notebook while they run; a crash (a panic in a
		// goroutine a cell started) must still print its trace on the real stderr. (A
		// supervised child writes it to its supervisor, which forwards it.)
		_ = debug.SetCrashOutput(os.Stderr, debug.CrashOptions{})
	}
	reporter, superviseChildren = rep, rep == nil
	err = newRootCmd().Execute()
	for _, f := range atExit {
		f()
	}
	code := exitCode(err)
	var ce childExit
	if err != nil && !errors.As(err, &ce) {
		fmt.Fprintln(os.Stderr, "im2im:", err)
	}
	rep.Exit(code)
	os.Exit(code)
}

// atExit holds clean-up work main does when the command returns (the temporary
// directory of GoNB's display pipes).
var atExit []func()
