package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/onnx"
	"github.com/im2im/im2im/ml/train"
	"github.com/im2im/im2im/stdlib/im2im"
)

// newExportCmd builds `im2im export` (its own parsing of dotted overrides).
func newExportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "export (--run DIR | -c CONFIG --checkpoint FILE) --out MODEL.onnx",
		Short: "Export a trained FCN model's net as an ONNX file (IR 8, opset 17)",
		Long: `Writes the net of a trained FCN run (unet, attention_unet or dyn_unet, 2D or 3D) with its
weights as an ONNX model: input "input" [batch, channels, spatial...] float32 (each spatial
size a multiple of the net's down-sampling factors, printed), output "output", the net's logits
(no sigmoid/softmax, no normalisation of the input: apply the run's as im2im predict does).
The model is the one of --run DIR (its config.yaml and best checkpoint) or of -c CONFIG with
--checkpoint FILE. A net or layer that has no ONNX form is an error naming it (exit code 2).
bioimage.io packages (rdf.yaml, test tensors, cover) are not written yet.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDotted(args, "config", "run", "checkpoint", "out")
			if err != nil {
				return badInput(err)
			}
			if a.help {
				return cmd.Help()
			}
			out := a.named["out"]
			if out == "" {
				return badf("export: --out MODEL.onnx is required")
			}
			c, err := loadCLIConfig(a)
			if err != nil {
				return err
			}
			net, kind, err := exportNet(c.Resolved())
			if err != nil {
				return badInput(err)
			}
			path, err := runCheckpoint(a)
			if err != nil {
				return err
			}
			ckpt, err := train.ReadCheckpoint(path)
			if err != nil {
				return badInput(err)
			}
			model, info, err := onnx.Export(net, ckpt, onnx.Options{Doc: fmt.Sprintf("im2im %s from %s", kind, path)})
			if err != nil {
				return badInput(fmt.Errorf("export: %s: %w", path, err))
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

// exportNet returns the net of an FCN config as ml/nets declares it, and its kind.
func exportNet(c im2im.Config) (any, string, error) {
	var m im2im.FCN
	switch v := c.Model.(type) {
	case im2im.FCN:
		m = v
	case *im2im.FCN:
		m = *v
	default:
		f := "(none)"
		if c.Model != nil {
			f = c.Model.Framework()
		}
		return nil, "", fmt.Errorf("export: model.framework %s has no ONNX export yet (only fcn)", f)
	}
	switch n := m.Net.(type) {
	case im2im.UNet:
		return nets.UNet(n), n.Kind(), nil
	case im2im.AttentionUNet:
		return nets.AttentionUNet(n), n.Kind(), nil
	case im2im.DynUNet:
		return nets.DynUNet(n), n.Kind(), nil
	}
	return nil, "", fmt.Errorf("export: model.net %T has no ONNX export (unet, attention_unet, dyn_unet)", m.Net)
}
