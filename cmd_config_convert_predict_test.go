package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/stdlib/im2im"
)

// mmvPreset reads one of mmv_im2im's preset configs from the shared
// reference copy (skipping without it).
func mmvPreset(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "shared", "reference", "mmv_presets", name))
	if err != nil {
		t.Skipf("no mmv_im2im preset: %v", err)
	}
	return b
}

// TestPredictMMVInferenceConfig: a model trained from mmv's labelfree_3d
// inference preset (its fnet replaced by a UNet, with a warning line) predicts
// with `im2im predict -c` that preset, given the folders mmv reads
// (data.inference_input.dir, data.inference_output.path, inserted above the
// net: its func_name moves to line 23); --output wins over
// the config's folder.
func TestPredictMMVInferenceConfig(t *testing.T) {
	preset := mmvPreset(t, "preset_inference_labelfree_3d.yaml")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, err := im2im.Synth("labelfree", data, 2, 4, 8, 32, 32); err != nil {
		t.Fatal(err)
	}
	tiny := []string{"--model.net.features=4,8"}
	cfg := filepath.Join(dir, "mmv_inference.yaml")
	text := strings.Replace(string(preset), "  inference_input:\n", "  inference_input:\n    dir: "+data+"\n    data_type: _IM.ome.tiff\n", 1)
	text = strings.Replace(text, "\nmodel:\n", "\n  inference_output:\n    path: "+filepath.Join(dir, "pred")+"\n\nmodel:\n", 1)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	b, _ := os.ReadFile(cfg)
	conv, err := im2im.ConvertMMV(cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	var notes bytes.Buffer
	printMMVNotes(&notes, cfg, conv)
	if !strings.Contains(notes.String(), "im2im: warning: "+cfg+":23: model.net.func_name: mmv's fnet") ||
		!strings.Contains(notes.String(), "replaced by im2im's UNet") {
		t.Errorf("no warning line for the replaced net:\n%s", notes.String())
	}
	if !strings.Contains(conv.YAML, "# WARNING: mmv model.net.func_name (line 23) replaced") {
		t.Errorf("converted YAML lacks the warning comment:\n%s", conv.YAML)
	}

	train := append([]string{"-c", cfg, "--data.path=" + data, "--data.val_ratio=0.5", "--data.patch.size=8,16,16",
		"--trainer.epochs=1", "--trainer.batch_size=2", "--trainer.root=" + filepath.Join(dir, "runs"), "--trainer.name=lf",
		"--trainer.backend=im2im-fast", "--trainer.quiet=true"}, tiny...)
	if out, err := runCmd(t, newTrainCmd(), train...); err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	ckpt := filepath.Join(dir, "runs", "lf", "checkpoints", "last.ckpt")

	tests := []struct {
		name  string
		extra []string
		out   string
	}{
		{"config folders", nil, filepath.Join(dir, "pred")},
		{"--output wins", []string{"--output", filepath.Join(dir, "other")}, filepath.Join(dir, "other")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"-c", cfg, "--checkpoint", ckpt, "--model.predict.window=8,16,16"}, tiny...), tt.extra...)
			out, err := runCmd(t, newPredictCmd(), args...)
			if err != nil || !strings.Contains(out, "predicted 2 image(s)") {
				t.Fatalf("predict: %v\n%s", err, out)
			}
			for _, s := range []string{"labelfree_000", "labelfree_001"} {
				if _, err := os.Stat(filepath.Join(tt.out, s+"_pred.ome.tiff")); err != nil {
					t.Errorf("no prediction in %s: %v", tt.out, err)
				}
			}
		})
	}
}
