// Command im2im is the command-line entry point of im2im: the Jupyter kernel, the
// headless notebook runner, training and inference from configs, image tools and
// version information. Each subcommand lives in its own cmd_*.go file and registers
// itself on the root command.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// rootCmd is the im2im command; subcommands add themselves in init functions.
var rootCmd = &cobra.Command{
	Use:   "im2im",
	Short: "Biomedical image-to-image deep learning in Go: Jupyter kernel, DSL, training and inference",
	Long: `im2im trains and applies image-to-image models (segmentation, label-free prediction,
denoising, modality transfer) on 2D/3D microscopy images. Use it from Jupyter through
its kernel, headless on notebooks, or directly on config files.`,
	SilenceUsage:  true,
	SilenceErrors: true,
}

// exitError carries a process exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func init() {
	// A bad flag is bad input: exit code 2, like every other usage error (1 means the
	// command ran and failed, e.g. a notebook cell).
	rootCmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: 2, err: fmt.Errorf("%s: %w (see %s --help)", c.CommandPath(), err, c.CommandPath())}
	})
}

func main() {
	// Cells redirect fd 2 into the notebook while they run; a crash (a panic in a goroutine
	// a cell started) must still print its trace on the real stderr.
	_ = debug.SetCrashOutput(os.Stderr, debug.CrashOptions{})
	err := rootCmd.Execute()
	for _, f := range atExit {
		f()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "im2im:", err)
		if ee, ok := err.(*exitError); ok {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

// atExit holds clean-up work main does when the command returns (the temporary
// directory of GoNB's display pipes).
var atExit []func()
