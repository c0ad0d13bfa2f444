package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/stdlib/im2im"
)

// newConfigCmd builds `im2im config` and its subcommands.
func newConfigCmd() *cobra.Command {
	cmd := commandGroup(&cobra.Command{
		Use:   "config",
		Short: "Work with config files (convert mmv_im2im configs)",
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "convert MMV.yaml",
		Short: "Print the im2im config equivalent to an mmv_im2im config, commented where a setting was dropped or approximated",
		Long: `Reads an mmv_im2im YAML config (FCN, pix2pix, cyclegan, embedseg or ProbUnet; train or
inference) and prints the equivalent im2im YAML. Settings im2im does not have are listed in a comment at the top; approximated ones are
commented beside their im2im key. A part im2im cannot honour (another framework, an unknown
transform, loss or scheduler) is exit code 2 naming each with its line.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conv, err := convertMMVFile(args[0])
			if err != nil {
				return err
			}
			_, err = io.WriteString(cmd.OutOrStdout(), conv.YAML)
			return err
		},
	})
	return cmd
}

// convertMMVFile converts an mmv_im2im config file (bad input: exit code 2).
func convertMMVFile(path string, overrides ...string) (*im2im.MMVConversion, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput(err)
	}
	if !im2im.IsMMVConfig(b) {
		return nil, badf("%s: not an mmv_im2im config (no mode, data.data_path, data.dataloader, trainer.params or module_name blocks)", path)
	}
	conv, err := im2im.ConvertMMV(path, b, overrides...)
	if err != nil {
		return nil, badInput(err)
	}
	return conv, nil
}

// loadMMVConfig loads an mmv_im2im config for -c, printing each dropped or
// approximated setting to w; ok is false when path is not an mmv config.
func loadMMVConfig(path string, overrides []string, w io.Writer) (c im2im.Config, ok bool, err error) {
	b, rerr := os.ReadFile(path)
	if rerr != nil || !im2im.IsMMVConfig(b) {
		return c, false, nil
	}
	conv, err := convertMMVFile(path, overrides...)
	if err != nil {
		return c, true, err
	}
	printMMVNotes(w, path, conv)
	return conv.Config, true, nil
}

// printMMVNotes writes one warning line per network the conversion replaced,
// then every dropped or approximated setting.
func printMMVNotes(w io.Writer, path string, conv *im2im.MMVConversion) {
	for _, n := range conv.Warnings() {
		fmt.Fprintf(w, "im2im: warning: %s:%d: %s: %s\n", path, n.Line, n.Path, n.Message)
	}
	fmt.Fprintf(w, "im2im: %s is an mmv_im2im config: converted, %d setting(s) dropped, approximated or replaced (`im2im config convert %s` prints the im2im config):\n", path, len(conv.Notes), path)
	for _, n := range conv.Notes {
		fmt.Fprintf(w, "  %s: %s\n", path, n)
	}
}

// mmvPredictDefaults fills predict's --input, --output and --checkpoint from
// an mmv_im2im inference config given with -c (data.inference_input.dir,
// data.inference_output.path, model.checkpoint) where the flags are absent.
// A config that does not convert is left to loadCLIConfig to report.
func mmvPredictDefaults(a dottedArgs) {
	path := a.named["config"]
	if path == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil || !im2im.IsMMVConfig(b) {
		return
	}
	conv, err := im2im.ConvertMMV(path, b, a.overrides...)
	if err != nil {
		return
	}
	inf := conv.Inference
	for flag, v := range map[string]string{"input": inf.Input, "output": inf.Output, "checkpoint": inf.Checkpoint} {
		if a.named[flag] == "" && v != "" {
			a.named[flag] = v
		}
	}
}
