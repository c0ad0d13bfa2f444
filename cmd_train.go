package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/stdlib/im2im"
)

// newTrainCmd builds `im2im train` (its own parsing of dotted overrides).
func newTrainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "train -c CONFIG.yaml|PRESET [--section.key=value ...]",
		Short: "Train a model from a YAML config (or a preset) with dotted overrides",
		Long: `Trains the model (fcn, pix2pix, cyclegan, probunet or embedseg) declared in a YAML
config (data, model, trainer; snake_case keys as the im2im package's structs). -c also accepts a preset name (` + strings.Join(im2im.Presets(), ", ") + `).
Any --section.key=value overrides the config (pyrallis style), e.g.
  im2im train -c semanticseg_2d --data.path=data/nuclei --data.patch.size=64,64 --trainer.epochs=5
The run directory (trainer.root/trainer.name) receives config.yaml (resolved), run.yaml,
metrics.csv and checkpoints/. Exit code 2: bad config; 1: training failed.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDotted(args, "config")
			if err != nil {
				return badInput(err)
			}
			if a.help {
				return cmd.Help()
			}
			c, err := loadCLIConfig(a)
			if err != nil {
				return err
			}
			if err := c.Validate(); err != nil {
				return badInput(err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			run, err := im2im.TrainContext(ctx, c)
			if err != nil {
				return badIfInvalid(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), run.String())
			return nil
		},
	}
}
