package im2im

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// tinyCycleGANYAML is unsupervised segmentation at unit-test size: nuclei
// images (A) and masks of other scenes (B, scaled to [-1, 1] so that 0 splits
// them), 32×32 patches, 2 epochs.
const tinyCycleGANYAML = `
data:
  path: %DATA%
  category: unpair
  patch: {size: [32, 32], per_image: 2}
  preprocess:
    - {name: scale_range, params: {keys: [GT], a_min: 0, a_max: 1, b_min: -1, b_max: 1}}
  val_ratio: 0.25
model:
  framework: cyclegan
  generator: {kind: unet, features: [4, 8]}
  discriminator: {nf: 4, n_layers: 2}
  metrics: [dice]
  predict: {output: labels}
trainer: {epochs: 2, batch_size: 2, seed: 3, root: %ROOT%, name: cyc, backend: im2im-fast, quiet: true}
`

// TestCycleGANFromYAML trains CycleGAN from YAML on unpaired folders whose
// domains differ in count and image size, then predicts masks and evaluates
// Dice on a paired test folder.
func TestCycleGANFromYAML(t *testing.T) {
	data := t.TempDir()
	if _, err := synth.Write(data, synth.Unpaired, 4, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	// One more mask of another size: the domains need not match.
	extra := t.TempDir()
	if _, err := synth.Write(extra, synth.Semantic, 1, synth.Options{Shape: []int{40, 56}, MinRadius: 3, MaxRadius: 6, Seed: 70}); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(extra, "semantic_000_GT.ome.tiff"), filepath.Join(data, "extra_GT.ome.tiff")); err != nil {
		t.Fatal(err)
	}
	test := t.TempDir()
	if _, err := synth.Write(test, synth.Semantic, 2, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 900}); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	text := strings.NewReplacer("%DATA%", data, "%ROOT%", root).Replace(tinyCycleGANYAML)
	c, err := ParseConfig("cyc.yaml", text)
	if err != nil {
		t.Fatal(err)
	}
	var steps int
	c.Trainer.OnProgress = func(p Progress) {
		if p.Phase == "train" && p.Losses["generator"] != 0 && p.Losses["discriminator"] != 0 {
			steps++
		}
	}
	run, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if steps == 0 {
		t.Fatal("no step reported generator and discriminator losses")
	}
	m := run.Config.Model.(CycleGAN)
	if m.PoolSize != 50 || m.Loss.GAN != "lsgan" || m.Loss.Weights.Cycle != 10 || m.Loss.Weights.Identity != 5 || m.Direction != "AtoB" {
		t.Errorf("resolved cyclegan %+v", m)
	}
	if _, err := ParseConfig("config.yaml", run.Config.YAML()); err != nil {
		t.Fatalf("resolved YAML does not load back: %v", err)
	}
	out, err := run.Predict(filepath.Join(test, "semantic_000_IM.ome.tiff"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pred, shape, _ := readImage(t, out[0])
	if shape[1] != 1 || shape[3] != 48 {
		t.Fatalf("prediction shape %v", shape)
	}
	for _, v := range pred {
		if v != 0 && v != 1 {
			t.Fatalf("labels hold %v", v)
		}
	}
	ev, err := run.Evaluate(test)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Names) != 1 || ev.Names[0] != "dice" || len(ev.Values) != 2 {
		t.Fatalf("evaluation %+v", ev)
	}
}

func TestCycleGANConfigProblems(t *testing.T) {
	c := Config{Data: Data{Path: t.TempDir(), Category: "embedseg"},
		Model: CycleGAN{Direction: "sideways", Loss: CycleLoss{GAN: "wgan"}}}
	err := c.Validate()
	for _, want := range []string{"data.category", "model.direction", "model.loss.gan"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want a problem at %s", err, want)
		}
	}
}
