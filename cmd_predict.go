package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/stdlib/im2im"
)

// newPredictCmd builds `im2im predict` (its own parsing of dotted overrides).
func newPredictCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "predict (--run DIR | -c CONFIG --checkpoint FILE | --model PACKAGE.zip) --input PATH --output DIR [--section.key=value ...]",
		Short: "Predict images (a file or a folder) with a trained model; writes <name>_pred.ome.tiff",
		Long: `Predicts every image of --input (a file, or a folder: its X_IM files if any, else
every image) in sliding windows and writes <stem>_pred.ome.tiff files to --output,
each with <stem>_pred.json naming the window used (printed too). The window is
--model.predict.window if set, else the whole image when it has at most
--model.predict.max_voxels voxels (default 1048576), else the largest window under that budget.
Every time point is predicted (the output keeps T), and every z plane for a 2D model;
--model.predict.channels=0,2 (one: =[1]) selects the input channels (default: all, which must be
as many as the net takes); --model.predict.dtype=float32|uint8|uint16 sets the written
type (default: uint8 labels, uint16 beyond 256 classes, float32 for prob and raw).
The model is the one of --run DIR (its config.yaml and best checkpoint) or of -c CONFIG
with --checkpoint FILE. Dotted overrides change the config, e.g. --model.predict.overlap=0.5.

--model PACKAGE.zip runs a bioimage.io model package (a .zip or its folder) with ONNX weights,
exported by im2im or from the zoo, as bioimage.io consumers do: the package's preprocessing,
the ONNX graph (run by im2im's own Go interpreter, in tiles overlapping by twice the package's
halo when the image exceeds the budget), its postprocessing; float32 outputs (uint8 after
binarize). An operator the interpreter lacks is an error naming it.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDotted(args, "config", "run", "checkpoint", "input", "output", "model")
			if err != nil {
				return badInput(err)
			}
			if a.help {
				return cmd.Help()
			}
			mmvPredictDefaults(a) // an mmv_im2im inference config names its folders
			if a.named["input"] == "" || a.named["output"] == "" {
				return badf("predict: --input PATH and --output DIR are required")
			}
			if pkg := a.named["model"]; pkg != "" {
				return predictPackage(cmd, a, pkg)
			}
			if err := needModel(a); err != nil {
				return err
			}
			c, err := loadCLIConfig(a)
			if err != nil {
				return err
			}
			ckpt, err := runCheckpoint(a)
			if err != nil {
				return err
			}
			files, err := im2im.PredictFiles(cmd.Context(), c, ckpt, a.named["input"], a.named["output"])
			for _, f := range files {
				fmt.Fprintln(cmd.OutOrStdout(), f)
			}
			if err != nil {
				return badIfInvalid(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "predicted %d image(s) with %s\n", len(files), ckpt)
			return nil
		},
	}
}

// predictPackage is `im2im predict --model PACKAGE`.
func predictPackage(cmd *cobra.Command, a dottedArgs, pkg string) error {
	if a.named["run"] != "" || a.named["config"] != "" || a.named["checkpoint"] != "" || len(a.overrides) > 0 {
		return badf("predict: --model %s runs the package as it is: drop --run, -c, --checkpoint and dotted overrides", pkg)
	}
	files, err := im2im.PredictPackage(cmd.Context(), pkg, a.named["input"], a.named["output"])
	for _, f := range files {
		fmt.Fprintln(cmd.OutOrStdout(), f)
	}
	if err != nil {
		return badInput(err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "predicted %d image(s) with the bioimage.io package %s\n", len(files), pkg)
	return nil
}
