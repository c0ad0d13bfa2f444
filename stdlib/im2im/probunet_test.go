package im2im

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// tinyProbUnetYAML is a ProbUnet config small enough for a unit test:
// two-class segmentation of 32×32 patches, 3 epochs.
const tinyProbUnetYAML = `
data:
  path: %DATA%
  patch: {size: [32, 32], per_image: 2}
  val_ratio: 0.25
model:
  framework: probunet
  net: {kind: unet, features: [4, 8], out_channels: 2}
  samples: 4
trainer: {epochs: 3, batch_size: 2, seed: 3, root: %ROOT%, name: pu, backend: im2im-fast, quiet: true}
`

// TestProbUnetFromYAML trains a ProbUnet from YAML end to end, checks the
// resolved defaults, then predicts: labels and a two-channel uncertainty map
// in [0, 1] beside them, named in the sidecar, and evaluates.
func TestProbUnetFromYAML(t *testing.T) {
	run, data := trainTinyYAML(t, synth.Semantic, 48, 3, 6, tinyProbUnetYAML)
	r := run.Config
	m, ok := r.Model.(ProbUnet)
	if !ok {
		t.Fatalf("run model %T", r.Model)
	}
	if m.LatentDim != 6 || m.Beta != 1 || m.KLClamp != 20 || m.Samples != 4 || m.Loss.Kind() != "dice_ce" ||
		m.Predict.Output != "labels" || m.Metrics[0] != "dice" {
		t.Errorf("resolved probunet: %+v", m)
	}
	if f := run.Images(); f.Err() != nil || !strings.Contains(f.String(), "uncertainty (entropy)") {
		t.Errorf("image panels %q (%v): want an uncertainty panel", f.String(), f.Err())
	}
	out := t.TempDir()
	done, err := PredictFiles(t.Context(), r, run.Checkpoint(), filepath.Join(data, "semantic_000_IM.ome.tiff"), out)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(out, "semantic_000_uncertainty.ome.tiff")
	if len(done) != 1 || done[0].Uncertainty != want {
		t.Fatalf("predicted %+v, want the uncertainty map %s", done, want)
	}
	labels, shape, _ := readImage(t, done[0].Path)
	if shape[1] != 1 || shape[3] != 48 || shape[4] != 48 {
		t.Fatalf("prediction shape %v, want one channel of 48×48", shape)
	}
	for _, v := range labels {
		if v != 0 && v != 1 {
			t.Fatalf("label %g", v)
		}
	}
	unc, ushape, _ := readImage(t, want)
	if ushape[1] != 2 || ushape[3] != 48 || ushape[4] != 48 {
		t.Fatalf("uncertainty shape %v, want 2 channels (entropy, mutual information) of 48×48", ushape)
	}
	for _, v := range unc {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("uncertainty %g outside [0, 1]", v)
		}
	}
	b, err := os.ReadFile(done[0].Sidecar())
	if err != nil {
		t.Fatal(err)
	}
	var side map[string]any
	if err := json.Unmarshal(b, &side); err != nil || side["uncertainty"] != want {
		t.Errorf("sidecar %s (%v): want uncertainty %s", b, err, want)
	}
	ev, err := run.Evaluate(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Names) == 0 || ev.Names[0] != "dice" || math.IsNaN(ev.Values[0][0]) {
		t.Fatalf("evaluation %v", ev)
	}
	// Predicting the output folder again skips the uncertainty maps.
	if files, err := predictInputs(out, "IM"); err == nil || len(files) != 0 {
		t.Errorf("inputs in the output folder: %v, %v; want none", files, err)
	}
}

func TestProbUnetProblemPaths(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model ProbUnet
		want  []string
	}{
		{"latent settings", ProbUnet{LatentDim: -1, Beta: -2, Samples: -3, KLClamp: -1},
			[]string{"model.latent_dim", "model.beta", "model.samples", "model.kl_clamp"}},
		{"backbone kind", ProbUnet{Net: AttentionUNet{}}, []string{"model.net.kind"}},
		{"backbone dims", ProbUnet{Net: UNet{Dims: 3}}, []string{"model.net.dims"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{Data: Data{Path: t.TempDir(), Patch: Patch{Size: []int{32, 32}}}, Model: tc.model}
			err := c.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v", err)
			}
			got := map[string]bool{}
			for _, p := range ve.Problems {
				got[p.Path] = true
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("no problem at %s; got:\n%v", w, err)
				}
			}
		})
	}
}

// TestProbUnetPresets checks that both presets validate with a data path
// and name the probunet framework.
func TestProbUnetPresets(t *testing.T) {
	for _, name := range []string{"probunet_2d", "probunet_3d"} {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		c.Data.Path = t.TempDir()
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if c.Model.Framework() != "probunet" || !strings.Contains(c.Resolved().YAML(), "framework: probunet") {
			t.Errorf("%s: framework %s", name, c.Model.Framework())
		}
	}
}
