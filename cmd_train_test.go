package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/data/synth"
)

// runCmd runs a fresh command with args and returns stdout and the error.
func runCmd(t *testing.T, c *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	c.SetOut(&out)
	c.SetErr(&out)
	c.SetArgs(args)
	c.SilenceUsage, c.SilenceErrors = true, true
	err := c.Execute()
	return out.String(), err
}

// segFixture writes 4 synthetic 48×48 nuclei pairs to dir/nuclei and the config
// dir/seg.yaml: that data path and the data keys dataYAML (lines indented by two
// spaces), a tiny 2-class U-Net, and the trainer keys trainerYAML with root dir/runs.
// It returns the data folder and the config path.
func segFixture(t *testing.T, dir, dataYAML, trainerYAML string) (data, cfg string) {
	t.Helper()
	data = filepath.Join(dir, "nuclei")
	if _, err := synth.Write(data, synth.Semantic, 4, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6}); err != nil {
		t.Fatal(err)
	}
	cfg = filepath.Join(dir, "seg.yaml")
	yaml := "data:\n  path: " + data + "\n" + dataYAML + "model:\n  net: {kind: unet, features: [4, 8], out_channels: 2}\n" +
		"trainer: {" + trainerYAML + ", root: " + filepath.Join(dir, "runs") + "}\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, cfg
}

func TestTrainPredictEvaluateCommands(t *testing.T) {
	dir := t.TempDir()
	data, cfg := segFixture(t, dir, "  patch: {size: [64, 64], per_image: 2}\n  val_ratio: 0.25\n",
		"epochs: 3, batch_size: 2, lr: 0.01, backend: im2im-fast")
	// Overrides fix the patch size and the run name; epochs from the command line.
	out, err := runCmd(t, newTrainCmd(), "-c", cfg, "--data.patch.size=32,32", "--trainer.name", "cli", "--trainer.epochs=2")
	if err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	run := filepath.Join(dir, "runs", "cli")
	if !strings.Contains(out, "run "+run+": 2 epochs, 6 steps on im2im-fast") {
		t.Errorf("train output %q", out)
	}
	resolved, _ := os.ReadFile(filepath.Join(run, "config.yaml"))
	for _, want := range []string{"size: [32, 32]", "epochs: 2", "kind: dice_ce", "name: cli"} {
		if !strings.Contains(string(resolved), want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, resolved)
		}
	}
	for _, f := range []string{"metrics.csv", "run.yaml", "checkpoints/last.ckpt"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Error(err)
		}
	}

	// A second run with the same name is refused (exit 2) and leaves the first alone.
	before, _ := os.ReadFile(filepath.Join(run, "metrics.csv"))
	out, err = runCmd(t, newTrainCmd(), "-c", cfg, "--data.patch.size=32,32", "--trainer.name", "cli", "--trainer.epochs=1")
	if exitCode(err) != exitBadInput || !strings.Contains(fmt.Sprint(err), "is taken") {
		t.Errorf("second train with a taken name: exit %d, %v\n%s", exitCode(err), err, out)
	}
	if after, _ := os.ReadFile(filepath.Join(run, "metrics.csv")); !bytes.Equal(before, after) {
		t.Error("second train with a taken name changed the first run's metrics.csv")
	}

	pred := filepath.Join(dir, "pred")
	out, err = runCmd(t, newPredictCmd(), "--run", run, "--input", data, "--output", pred)
	if err != nil || !strings.Contains(out, "predicted 4 image(s)") {
		t.Fatalf("predict: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(pred, "semantic_003_pred.ome.tiff")); err != nil {
		t.Error(err)
	}
	csv := filepath.Join(dir, "eval.csv")
	out, err = runCmd(t, newEvaluateCmd(), "--run", run, "--data", data, "--csv", csv)
	if err != nil || !strings.Contains(out, "semantic_000") || !strings.Contains(out, "mean") || !strings.Contains(out, "dice") {
		t.Fatalf("evaluate: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(csv); !strings.HasPrefix(string(b), "image,dice\n") || strings.Count(string(b), "\n") != 6 {
		t.Errorf("eval csv:\n%s", b)
	}
	// Without --data, evaluate uses the config's data.path.
	out2, err := runCmd(t, newEvaluateCmd(), "--run", run)
	if err != nil || !strings.Contains(out2, out) || !strings.Contains(out2, "images this model TRAINED on") {
		t.Fatalf("evaluate without --data: %v\n%s\nwant\n%s\nand a warning that these are training images", err, out2, out)
	}
	_, err = runCmd(t, newEvaluateCmd(), "-c", "semanticseg_2d", "--checkpoint", filepath.Join(run, "checkpoints", "last.ckpt"))
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "give --data PATH (the config has no data.path)") {
		t.Errorf("evaluate with neither --data nor data.path: %v", err)
	}
}

func TestTrainCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.yaml")
	os.WriteFile(cfg, []byte("data:\n  patch: {size: [30, 30]}\nmodel:\n  net: {kind: unet, features: [8, 16, 32]}\ntrainer: {lr: -1}\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"every problem", []string{"-c", cfg}, []string{"data.path: missing", "data.patch.size[0]: 30 is not a multiple of 4", "data.patch.size[1]: 30 is not a multiple of 4", "trainer.lr: must be positive"}},
		{"unknown override", []string{"-c", cfg, "--trainer.epoch=3"}, []string{`trainer.epoch: unknown key; did you mean "epochs"?`}},
		{"unknown option", []string{"-c", cfg, "--epochs=3"}, []string{"unknown option --epochs"}},
		{"no config", []string{}, []string{"give -c FILE.yaml"}},
		{"unknown preset", []string{"--config", "semanticseg_2", "--data.path=/x"}, []string{`did you mean "semanticseg_2d"?`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(t, newTrainCmd(), tc.args...)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("error %v, want exit code 2", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	if _, err := runCmd(t, newPredictCmd(), "-c", "semanticseg_2d", "--input", dir, "--output", dir); err == nil || !strings.Contains(err.Error(), "--checkpoint FILE or --run DIR") {
		t.Errorf("predict without checkpoint: %v", err)
	}
}
