package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/im2im/im2im/stdlib/im2im"
)

// loadCLIConfig loads -c FILE|PRESET (or RUN/config.yaml with --run) with overrides.
func loadCLIConfig(a dottedArgs) (im2im.Config, error) {
	path := a.named["config"]
	if run := a.named["run"]; run != "" && path == "" {
		path = filepath.Join(run, "config.yaml")
		if _, err := os.Stat(path); err != nil {
			return im2im.Config{}, badf("--run %s: no training run there (no config.yaml); give the run directory `im2im train` printed (trainer.root/trainer.name)", run)
		}
	}
	if path == "" {
		return im2im.Config{}, badf("give -c FILE.yaml (or a preset: %s)", strings.Join(im2im.Presets(), ", "))
	}
	if c, ok, err := loadMMVConfig(path, a.overrides, os.Stderr); ok {
		return c, err
	}
	c, err := im2im.LoadConfig(path, a.overrides...)
	if err != nil {
		return c, badInput(err)
	}
	return c, nil
}

// needModel refuses a command that uses a trained model (predict, evaluate)
// when neither --run nor -c names one.
func needModel(a dottedArgs) error {
	if a.named["run"] == "" && a.named["config"] == "" {
		return badf("give --run DIR (a training run) or -c FILE.yaml with --checkpoint FILE")
	}
	return nil
}

// runCheckpoint returns --checkpoint, else the best (or last) checkpoint of --run.
func runCheckpoint(a dottedArgs) (string, error) {
	if c := a.named["checkpoint"]; c != "" {
		return c, nil
	}
	run := a.named["run"]
	if run == "" {
		return "", badf("give --checkpoint FILE or --run DIR")
	}
	for _, n := range []string{"best.ckpt", "last.ckpt"} {
		p := filepath.Join(run, "checkpoints", n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", badf("run %s has no checkpoints/best.ckpt or last.ckpt", run)
}
