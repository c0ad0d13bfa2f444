package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/stdlib/im2im"
)

// newEvaluateCmd builds `im2im evaluate` (its own parsing of dotted overrides).
func newEvaluateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "evaluate (--run DIR | -c CONFIG --checkpoint FILE) [--data PATH] [--instances] [--csv FILE] [--section.key=value ...]",
		Short: "Evaluate a trained model on a paired dataset: metrics per image and their mean",
		Long: `Predicts every image of the paired dataset --data (default: the config's data.path;
all of it, no split) and prints the
model's metrics (model.metrics) per image and their mean as a table; --csv also writes it as CSV.
An embedseg model is scored on its instances (ap50, ap75, map, f1, matched_iou: objects
matched one to one by IoU, DSB 2018 / StarDist average precision). --instances scores a
segmentation model the same way: the connected components of its labels against the
instance labels of --data (touching objects merge).`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDottedSwitches(args, []string{"instances"}, "config", "run", "checkpoint", "data", "csv")
			if err != nil {
				return badInput(err)
			}
			if a.help {
				return cmd.Help()
			}
			if err := needModel(a); err != nil {
				return err
			}
			c, err := loadCLIConfig(a)
			if err != nil {
				return err
			}
			data := a.named["data"]
			if data == "" && c.Data.Path != "" {
				// The config's data when --data is not given: the images the model
				// trained on (and its validation split), so the scores flatter it.
				data = c.Data.Path
				fmt.Fprintf(cmd.ErrOrStderr(), "evaluate: no --data: scoring the config's data.path %s, which holds the images this model TRAINED on; give --data DIR with held-out images for an honest score\n", data)
			}
			if data == "" {
				return badf("evaluate: give --data PATH (the config has no data.path)")
			}
			ckpt, err := runCheckpoint(a)
			if err != nil {
				return err
			}
			evaluate := im2im.EvaluateContext
			if a.named["instances"] == "true" {
				evaluate = im2im.EvaluateInstances
			}
			ev, err := evaluate(cmd.Context(), c, ckpt, data)
			if err != nil {
				return badIfInvalid(err) // unusable --data images are bad input
			}
			fmt.Fprint(cmd.OutOrStdout(), ev.Table())
			if p := a.named["csv"]; p != "" {
				if err := os.WriteFile(p, []byte(ev.CSV()), 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
