package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/onnx"
	"github.com/im2im/im2im/stdlib/im2im"
)

// newExportCmd builds `im2im export` (its own parsing of dotted overrides).
func newExportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "export (--run DIR | -c CONFIG --checkpoint FILE) --out (MODEL.onnx | MODEL.zip) [--name N --authors A,B --license ID --input IMAGE]",
		Short: "Export a trained FCN model as ONNX (.onnx) or as a bioimage.io model package (.zip)",
		Long: `Writes the net of a trained FCN run (unet, attention_unet or dyn_unet, 2D or 3D) with its
weights. The model is the one of --run DIR (its config.yaml and best checkpoint) or of -c CONFIG
with --checkpoint FILE. A net, layer or setting that has no exported form is an error naming it
(exit code 2).

--out MODEL.onnx: an ONNX model (IR 8, opset 17): input "input" [batch, channels, spatial...]
float32 (each spatial size a multiple of the net's down-sampling factors, printed), output
"output", the net's logits (no sigmoid/softmax, no normalisation of the input).

--out MODEL.zip: a bioimage.io model package (format 0.5.3) that Fiji/deepImageJ, ilastik, the
zoo and im2im predict --model run: rdf.yaml with the run's normalisation as preprocessing
(scale_range, zero_mean_unit_variance, ...), its prediction output as postprocessing (sigmoid,
softmax, binarize), axes with pixel size and halo; the ONNX weights; test_input.npy and
test_output.npy computed by im2im from --input IMAGE (default: the run's first validation
image); cover.png; README.md; im2im_config.yaml. --name, --authors (comma-separated),
--license (SPDX id, default CC-BY-4.0) and --description fill the description; placeholders
and settings a package cannot express are printed as notes on stderr.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDotted(args, "config", "run", "checkpoint", "out", "name", "authors", "license", "input", "description")
			if err != nil {
				return badInput(err)
			}
			if a.help {
				return cmd.Help()
			}
			out := a.named["out"]
			if out == "" {
				return badf("export: --out MODEL.onnx (or MODEL.zip, a bioimage.io package) is required")
			}
			c, err := loadCLIConfig(a)
			if err != nil {
				return err
			}
			path, err := runCheckpoint(a)
			if err != nil {
				return err
			}
			if strings.EqualFold(filepath.Ext(out), ".zip") {
				return exportPackage(cmd, a, c, path, out)
			}
			if a.named["name"]+a.named["authors"]+a.named["license"]+a.named["input"]+a.named["description"] != "" {
				return badf("export: --name, --authors, --license, --input and --description describe a bioimage.io package: give --out MODEL.zip")
			}
			model, info, kind, err := im2im.ExportONNX(c, path)
			if err != nil {
				return badInput(err)
			}
			if err := os.WriteFile(out, model, 0o644); err != nil {
				return failed(fmt.Errorf("export: %w", err))
			}
			var ops []string
			for _, op := range slices.Sorted(maps.Keys(info.Ops)) {
				ops = append(ops, fmt.Sprintf("%s×%d", op, info.Ops[op]))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d bytes): %s %dD, %d → %d channels, spatial sizes multiples of %v, ONNX IR %d opset %d: %s\n",
				out, len(model), kind, info.Dims, info.InChannels, info.OutChannels, info.AxisDivisors,
				onnx.IRVersion, onnx.Opset, strings.Join(ops, " "))
			return nil
		},
	}
}

// exportPackage writes the bioimage.io package of `im2im export --out MODEL.zip`.
func exportPackage(cmd *cobra.Command, a dottedArgs, c im2im.Config, checkpoint, out string) error {
	o := im2im.ExportOptions{Name: a.named["name"], License: a.named["license"], Input: a.named["input"],
		Description: a.named["description"], RunDir: a.named["run"]}
	for _, s := range strings.Split(a.named["authors"], ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.Authors = append(o.Authors, s)
		}
	}
	e, err := im2im.ExportPackage(cmd.Context(), c, checkpoint, out, o)
	if err != nil {
		return badInput(err)
	}
	for _, n := range e.Notes {
		fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: bioimage.io model %q (format %s), test input %v, %s\n",
		out, e.Desc.Name, e.Desc.FormatVersion, e.TestShape, strings.Join(e.Files, " "))
	return nil
}
