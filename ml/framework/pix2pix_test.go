package framework

import (
	stdctx "context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// tinyPix2Pix is a pix2pix small enough for unit tests (1 → 3 channels, 16×16).
func tinyPix2Pix(epochs int, dir string) Pix2Pix {
	adam := train.Optimizer{Kind: "adam", LR: 1e-3, Beta1: 0.5, Beta2: 0.999}
	return Pix2Pix{
		Generator:     nets.UNet{Dims: 2, OutChannels: 3, Features: []int{4, 8}, Norm: "batch", Dropout: 0.1},
		Discriminator: nets.PatchGAN{Dims: 2, NF: 4, NLayers: 1, Scales: 2},
		Loss:          GANLoss{Criterion: loss.GANLSGAN, Reconstruction: loss.L1{}, WeightGAN: 1, WeightRec: 10, WeightFM: 10},
		Trainer:       train.Config{Epochs: epochs, Seed: 3, Dir: dir, Resume: dir != "", Optimizer: adam},
		DOptimizer:    adam,
	}
}

func stainPairs(t *testing.T, n int) []train.Sample {
	return pairs(t, synthSamples(t, synth.Stain, synth.Options{Shape: []int{16, 16}, MinRadius: 2, MaxRadius: 4}, 0, n))
}

// TestPix2PixResumeIsExact trains 3 epochs in one go and 1 + 2 resumed: both
// nets, both optimizers' states and the generator's batch norm and dropout must
// come back from last.ckpt, so the losses of both objectives match bit for bit.
func TestPix2PixResumeIsExact(t *testing.T) {
	samples := stainPairs(t, 8)
	data := func() *train.Samples { return &train.Samples{Items: samples, BatchSize: 4, Shuffle: true, Seed: 2} }
	type rec struct{ g, d []float64 }
	run := func(epochs int, dir string, r *rec) *train.Result {
		p := tinyPix2Pix(epochs, dir)
		p.Trainer.Progress = func(pr train.Progress) {
			if pr.Phase == "train" && pr.Losses != nil {
				r.g, r.d = append(r.g, pr.Losses["g"]), append(r.d, pr.Losses["d"])
			}
		}
		m, err := New(unitBackend(t), p)
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Train(stdctx.Background(), data(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	var want, got rec
	run(3, "", &want)
	dir := t.TempDir()
	var first rec
	run(1, dir, &first)
	res := run(3, dir, &got)
	if res.ResumedAt != 2 || len(want.g) != 6 || len(first.g)+len(got.g) != 6 {
		t.Fatalf("resumed at %d; %d+%d steps, want 2 and 2+4 of %d", res.ResumedAt, len(first.g), len(got.g), len(want.g))
	}
	all := rec{append(first.g, got.g...), append(first.d, got.d...)}
	for i := range want.g {
		if all.g[i] != want.g[i] || all.d[i] != want.d[i] {
			t.Fatalf("step %d: resumed g %v d %v, uninterrupted g %v d %v", i+1, all.g[i], all.d[i], want.g[i], want.d[i])
		}
	}
	c, err := train.ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]int{}
	for _, v := range c.Vars {
		for _, s := range []string{GeneratorScope + "/", DiscriminatorScope + "/"} {
			if strings.HasPrefix(v.Name, s) {
				scopes[s]++
			}
		}
	}
	if scopes[GeneratorScope+"/"] == 0 || scopes[DiscriminatorScope+"/"] == 0 {
		t.Fatalf("checkpoint variables per net: %v; want both nets", scopes)
	}
}

// TestPix2PixPredictsFromCheckpoint loads a trained generator for prediction
// (the discriminator is not needed) and predicts a whole image.
func TestPix2PixPredictsFromCheckpoint(t *testing.T) {
	dir := t.TempDir()
	m, err := New(unitBackend(t), tinyPix2Pix(1, dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Train(stdctx.Background(), &train.Samples{Items: stainPairs(t, 4), BatchSize: 4}, nil); err != nil {
		t.Fatal(err)
	}
	p := tinyPix2Pix(1, "")
	p.Predict.Window = []int{16, 16}
	loaded, err := New(unitBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Load(filepath.Join(dir, "last.ckpt"), []int{1, 1, 16, 16}); err != nil {
		t.Fatal(err)
	}
	out, shape, err := loaded.Predict(stdctx.Background(), make([]float32, 24*20), []int{1, 24, 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 3 || shape[0] != 3 || shape[1] != 24 || shape[2] != 20 || len(out) != 3*24*20 {
		t.Fatalf("prediction shape %v (%d values), want [3 24 20]", shape, len(out))
	}
}

func TestPix2PixProblems(t *testing.T) {
	p := tinyPix2Pix(1, "")
	p.Generator = nets.UNet{Dims: 2, Features: []int{4}}
	p.Discriminator.NLayers = 9
	p.Loss = GANLoss{Criterion: "wgan", WeightGAN: 0, WeightRec: 5}
	p.Init = "xavier"
	p.DOptimizer.Kind = "rmsprop"
	got := p.Validate()
	want := []string{"model.generator.features", "model.discriminator.n_layers", "model.loss.gan", "model.loss.weights.gan",
		"model.loss.reconstruction", "model.init", "discriminator.optimizer.kind"}
	paths := map[string]bool{}
	for _, pr := range got {
		paths[pr.Path] = true
	}
	for _, w := range want {
		if !paths[w] {
			t.Errorf("no problem at %s; got %v", w, got)
		}
	}
}

// TestPix2PixInitFromFCN starts a generator from an FCN run of the same net (its
// variables have no /generator scope), refuses an FCN of another shape, and
// refuses a checkpoint of zeros.
func TestPix2PixInitFromFCN(t *testing.T) {
	b := unitBackend(t)
	samples := stainPairs(t, 4)
	fcnDir := t.TempDir()
	fcn := FCN{Net: nets.UNet{Dims: 2, OutChannels: 3, Features: []int{4, 8}, Norm: "batch", Dropout: 0.1}, Loss: loss.L1{},
		Trainer: train.Config{Epochs: 1, Seed: 1, Dir: fcnDir}}
	m, err := New(b, fcn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Train(stdctx.Background(), &train.Samples{Items: samples, BatchSize: 4}, nil); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(fcnDir, "last.ckpt")
	fit := func(p Pix2Pix) (*train.Result, error) {
		g, err := New(b, p)
		if err != nil {
			t.Fatal(err)
		}
		return g.Train(stdctx.Background(), &train.Samples{Items: samples, BatchSize: 4}, nil)
	}
	p := tinyPix2Pix(1, "")
	p.Trainer.InitFrom = ckpt
	res, err := fit(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Init.Loaded) == 0 || !strings.HasPrefix(res.Init.Loaded[0], GeneratorScope+"/") {
		t.Fatalf("loaded %v: want the generator's variables", res.Init.Loaded)
	}
	other := tinyPix2Pix(1, "")
	other.Generator = nets.UNet{Dims: 2, OutChannels: 3, Features: []int{4, 16}, Norm: "batch"}
	other.Trainer.InitFrom = ckpt
	if _, err := fit(other); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Fatalf("a generator of other shapes loaded: %v", err)
	}
	// A checkpoint of zeros: the FCN's variables set to zero, saved.
	zm, err := New(b, fcn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zm.Trainer().Predict(train.Tensor{Shape: []int{1, 1, 16, 16}, Data: make([]float32, 256)}); err != nil {
		t.Fatal(err)
	}
	for v := range zm.Trainer().Context().IterVariables() {
		if err := v.SetValue(tensors.FromShape(v.Shape())); err != nil {
			t.Fatal(err)
		}
	}
	if err := zm.Trainer().Save(filepath.Join(fcnDir, "zero.ckpt")); err != nil {
		t.Fatal(err)
	}
	zero := tinyPix2Pix(1, "")
	zero.Trainer.InitFrom = filepath.Join(fcnDir, "zero.ckpt")
	if _, err := fit(zero); err == nil || !strings.Contains(err.Error(), "zero") {
		t.Fatalf("a checkpoint of zeros loaded: %v", err)
	}
}
