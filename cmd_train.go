package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/stdlib/im2im"
)

// dottedArgs is a command line of named options plus pyrallis-style dotted
// config overrides (--data.patch.size=32,128,128 or --data.patch.size 32,128,128).
type dottedArgs struct {
	named     map[string]string
	overrides []string
	help      bool
}

// parseDotted splits args: names lists the command's own options (long names;
// "config" also answers to -c); anything else of the form --a.b[=v] is an override.
func parseDotted(args []string, names ...string) (dottedArgs, error) {
	return parseDottedSwitches(args, nil, names...)
}

// parseDottedSwitches is parseDotted with switches: options that take no value
// (--zstd; --zstd=false also works), recorded in named as "true" or the value.
func parseDottedSwitches(args []string, switches []string, names ...string) (dottedArgs, error) {
	out := dottedArgs{named: map[string]string{}}
	own := map[string]bool{}
	for _, n := range names {
		own[n] = true
	}
	isSwitch := map[string]bool{}
	for _, n := range switches {
		isSwitch[n] = true
	}
	names = append(names[:len(names):len(names)], switches...)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-h" || a == "--help" {
			out.help = true
			continue
		}
		if a == "-c" {
			a = "--config"
		}
		if !strings.HasPrefix(a, "--") {
			return out, fmt.Errorf("unexpected argument %q (options are --name value or --section.key=value)", a)
		}
		key, val, hasVal := strings.Cut(a[2:], "=")
		if isSwitch[key] {
			if !hasVal {
				val = "true"
			}
			out.named[key] = val
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return out, fmt.Errorf("option --%s needs a value", key)
			}
			i++
			val = args[i]
		}
		switch {
		case own[key]:
			out.named[key] = val
		case strings.Contains(key, "."):
			out.overrides = append(out.overrides, key+"="+val)
		default:
			return out, fmt.Errorf("unknown option --%s (options: --%s, or a dotted config key like --trainer.epochs=5)", key, strings.Join(names, ", --"))
		}
	}
	return out, nil
}

// loadCLIConfig loads -c FILE|PRESET (or RUN/config.yaml with --run) with overrides.
func loadCLIConfig(a dottedArgs) (im2im.Config, error) {
	path := a.named["config"]
	if run := a.named["run"]; run != "" && path == "" {
		path = filepath.Join(run, "config.yaml")
	}
	if path == "" {
		return im2im.Config{}, &exitError{code: 2, err: fmt.Errorf("give -c FILE.yaml (or a preset: %s)", strings.Join(im2im.Presets(), ", "))}
	}
	c, err := im2im.LoadConfig(path, a.overrides...)
	if err != nil {
		return c, &exitError{code: 2, err: err}
	}
	return c, nil
}

// runCheckpoint returns --checkpoint, else the best (or last) checkpoint of --run.
func runCheckpoint(a dottedArgs) (string, error) {
	if c := a.named["checkpoint"]; c != "" {
		return c, nil
	}
	run := a.named["run"]
	if run == "" {
		return "", &exitError{code: 2, err: errors.New("give --checkpoint FILE or --run DIR")}
	}
	for _, n := range []string{"best.ckpt", "last.ckpt"} {
		p := filepath.Join(run, "checkpoints", n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", &exitError{code: 2, err: fmt.Errorf("run %s has no checkpoints/best.ckpt or last.ckpt", run)}
}

func newTrainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "train -c CONFIG.yaml|PRESET [--section.key=value ...]",
		Short: "Train a model from a YAML config (or a preset) with dotted overrides",
		Long: `Trains the FCN declared in a YAML config (data, model, trainer; snake_case keys as
the im2im package's structs). -c also accepts a preset name (` + strings.Join(im2im.Presets(), ", ") + `).
Any --section.key=value overrides the config (pyrallis style), e.g.
  im2im train -c semanticseg_2d --data.path=data/nuclei --data.patch.size=64,64 --trainer.epochs=5
The run directory (trainer.root/trainer.name) receives config.yaml (resolved), run.yaml,
metrics.csv and checkpoints/. Exit code 2: bad config; 1: training failed.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDotted(args, "config")
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if a.help {
				return cmd.Help()
			}
			c, err := loadCLIConfig(a)
			if err != nil {
				return err
			}
			if err := c.Validate(); err != nil {
				return &exitError{code: 2, err: err}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			run, err := im2im.TrainContext(ctx, c)
			if err != nil {
				var ve *im2im.ValidationError
				if errors.As(err, &ve) {
					return &exitError{code: 2, err: err}
				}
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), run.String())
			return nil
		},
	}
}

func init() { rootCmd.AddCommand(newTrainCmd()) }
