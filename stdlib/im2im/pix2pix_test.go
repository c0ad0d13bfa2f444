package im2im

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/synth"
)

// tinyPix2PixYAML is a pix2pix config small enough for a unit test: 1 → 3
// channels (stain transfer), 32×32 patches, 2 epochs.
const tinyPix2PixYAML = `
data:
  path: %DATA%
  patch: {size: [32, 32], per_image: 2}
  val_ratio: 0.25
model:
  framework: pix2pix
  generator: {kind: unet, features: [4, 8], out_channels: 3}
  discriminator: {nf: 4, n_layers: 2, scales: 2}
  loss: {gan: lsgan, weights: {reconstruction: 10, feature_matching: 5}}
  optimizer:
    discriminator: {lr: 1e-3}
trainer: {epochs: 2, batch_size: 2, seed: 3, root: %ROOT%, name: p2p, backend: im2im-fast, quiet: true}
`

// TestPix2PixFromYAML trains pix2pix from a YAML file end to end, then predicts
// and evaluates with the run: the generator's RGB output is written, the
// resolved config names the paper's defaults, and the metrics are finite.
func TestPix2PixFromYAML(t *testing.T) {
	data := t.TempDir()
	if _, err := synth.Write(data, synth.Stain, 4, synth.Options{Shape: []int{48, 48}, MinRadius: 3, MaxRadius: 6, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	path := filepath.Join(t.TempDir(), "p2p.yaml")
	text := strings.NewReplacer("%DATA%", data, "%ROOT%", root).Replace(tinyPix2PixYAML)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	var losses []map[string]float64
	c.Trainer.OnProgress = func(p Progress) {
		if p.Phase == "train" {
			losses = append(losses, p.Losses)
		}
	}
	run, err := TrainConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) == 0 || losses[0]["generator"] == 0 || losses[0]["discriminator"] == 0 {
		t.Fatalf("progress losses %v: want generator and discriminator", losses)
	}
	r := run.Config
	m, ok := r.Model.(Pix2Pix)
	if !ok {
		t.Fatalf("run model %T", r.Model)
	}
	if m.Optimizer.Generator.Kind != "adam" || m.Optimizer.Generator.Beta1 != 0.5 || r.Trainer.LR != 2e-4 ||
		m.Optimizer.Discriminator.LR != 1e-3 || m.Init != "normal" || m.Loss.Reconstruction != "l1" || m.Loss.Weights.GAN != 1 {
		t.Errorf("resolved pix2pix: %+v, lr %v", m, r.Trainer.LR)
	}
	again, err := ParseConfig("config.yaml", r.YAML())
	if err != nil {
		t.Fatalf("resolved YAML does not load back: %v\n%s", err, r.YAML())
	}
	if again.YAML() != r.YAML() {
		t.Errorf("YAML round trip differs:\n%s\nvs\n%s", again.YAML(), r.YAML())
	}
	out := t.TempDir()
	written, err := run.Predict(filepath.Join(data, "stain_000_IM.ome.tiff"), out)
	if err != nil {
		t.Fatal(err)
	}
	pred, shape, _ := readImage(t, written[0])
	if shape[1] != 3 || shape[3] != 48 || shape[4] != 48 {
		t.Fatalf("prediction shape %v, want 3 channels of 48×48", shape)
	}
	for _, v := range pred {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN in the prediction")
		}
	}
	ev, err := run.Evaluate(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Names) != 2 || ev.Names[0] != "psnr" || len(ev.Values) != 4 {
		t.Fatalf("evaluation %v: want psnr, ssim for 4 images", ev)
	}
}

func TestPix2PixProblemPaths(t *testing.T) {
	c := Config{
		Data: Data{Path: t.TempDir(), Patch: Patch{Size: []int{16, 16}}},
		Model: Pix2Pix{Generator: UNet{Dims: 2, Features: []int{4, 8, 16, 32, 64, 128}}, Discriminator: PatchGAN{NLayers: 3},
			Loss:      GANLoss{GAN: "wgan", Reconstruction: "none", Weights: GANWeights{Reconstruction: 3}},
			Optimizer: GANOptimizers{Discriminator: Optimizer{Kind: "rmsprop"}}, Init: "xavier"},
	}
	err := c.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	got := map[string]bool{}
	for _, p := range ve.Problems {
		got[p.Path] = true
	}
	for _, want := range []string{"data.patch.size[0]", "data.patch.size", "model.loss.gan", "model.loss.weights.reconstruction",
		"model.optimizer.discriminator.kind", "model.init"} {
		if !got[want] {
			t.Errorf("no problem at %s; got:\n%v", want, err)
		}
	}
}
