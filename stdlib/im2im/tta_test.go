package im2im

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// TestTTAPredict trains a tiny FCN from YAML with model.predict.tta and
// predicts: labels, and the variance of the augmented predictions as a
// one-channel uncertainty map beside them.
func TestTTAPredict(t *testing.T) {
	data := t.TempDir()
	if _, err := synth.Write(data, synth.Semantic, 3, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("%DATA%", data, "%ROOT%", t.TempDir()).Replace(`
data: {path: %DATA%, patch: {size: [32, 32], per_image: 2}, val_ratio: 0.34}
model:
  net: {kind: unet, features: [4, 8], out_channels: 2}
  predict: {tta: flips+rot90}
trainer: {epochs: 1, batch_size: 2, seed: 3, root: %ROOT%, name: tta, backend: im2im-fast, quiet: true}
`)
	c, err := ParseConfig("tta.yaml", text)
	if err != nil {
		t.Fatal(err)
	}
	run, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	done, err := PredictFiles(t.Context(), run.Config, run.Checkpoint(), filepath.Join(data, "semantic_000_IM.ome.tiff"), out)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done[0].Uncertainty == "" {
		t.Fatalf("predicted %+v: want an uncertainty map", done)
	}
	v, shape, _ := readImage(t, done[0].Uncertainty)
	if shape[1] != 1 || shape[3] != 48 || shape[4] != 48 {
		t.Fatalf("uncertainty shape %v, want one channel of 48×48", shape)
	}
	for _, x := range v {
		if !(x >= 0 && x <= 0.25) {
			t.Fatalf("variance of probabilities %g outside [0, 0.25]", x)
		}
	}
}

func TestTTAProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model Model
		want  string
	}{
		{"unknown mode", FCN{Predict: Prediction{TTA: "rot180"}}, "model.predict.tta: want none, flips or flips+rot90"},
		{"probunet unknown mode", ProbUnet{Predict: Prediction{TTA: "mirror"}}, "model.predict.tta: want none, flips or flips+rot90"},
		{"anisotropic rot90", FCN{Net: UNet{Dims: 2, Features: []int{4, 8}, AxisStrides: [][]int{{1, 2}}}, Predict: Prediction{TTA: "flips+rot90"}},
			"model.predict.tta: rot90 swaps Y and X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{Data: Data{Path: t.TempDir(), Patch: Patch{Size: []int{32, 32}}}, Model: tc.model}
			err := c.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}
