package framework

import (
	stdctx "context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// TestReplayPool pushes batches of constant images (image k is all k) through
// a pool of 3 and checks the reference semantics: until full, every element is
// stored and returned as is; afterwards each returned image is either the new
// one or one pushed before (never made up), about half are swapped, and the
// fill count stays at the capacity.
func TestReplayPool(t *testing.T) {
	b := unitBackend(t)
	ctx := context.New()
	ctx.SetRNGStateFromSeed(7)
	p := replayPool{scope: "/pool", size: 3}
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		return p.pushPop(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	next := 1
	swapped, after := 0, 0
	for step := 0; step < 40; step++ {
		in := make([]float32, 2*4)
		for e := 0; e < 2; e++ {
			for i := 0; i < 4; i++ {
				in[e*4+i] = float32(next + e)
			}
		}
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(in, 2, 1, 2, 2))
		if err != nil {
			t.Fatal(err)
		}
		got := tensors.MustCopyFlatData[float32](out[0])
		for e := 0; e < 2; e++ {
			v := got[e*4]
			for i := 1; i < 4; i++ {
				if got[e*4+i] != v {
					t.Fatalf("step %d: element %d mixes images: %v", step, e, got[e*4:e*4+4])
				}
			}
			pushed := next + e
			switch {
			case pushed <= 3 && v != float32(pushed):
				t.Fatalf("step %d: pool not yet full, got image %v for pushed %d", step, v, pushed)
			case v > float32(pushed) || v < 1:
				t.Fatalf("step %d: image %v was never pushed (pushed %d)", step, v, pushed)
			}
			if pushed > 3 {
				after++
				if v != float32(pushed) {
					swapped++
				}
			}
		}
		next += 2
	}
	if f := float64(swapped) / float64(after); f < 0.3 || f > 0.7 {
		t.Errorf("%d of %d elements swapped once full, want about half", swapped, after)
	}
	count := ctx.GetVariableByScopeAndName("/pool", "count")
	if v := tensors.MustCopyFlatData[float32](count.MustValue())[0]; v != 3 {
		t.Errorf("fill count %v, want 3", v)
	}
}

func tinyCycleGAN(epochs int, dir string) CycleGAN {
	adam := train.Optimizer{Kind: "adam", LR: 1e-3, Beta1: 0.5, Beta2: 0.999}
	return CycleGAN{
		Generator:     nets.UNet{Dims: 2, OutChannels: 1, Features: []int{4, 8}, Dropout: 0.1},
		Discriminator: nets.PatchGAN{Dims: 2, NF: 4, NLayers: 1},
		Criterion:     loss.GANLSGAN, WeightGAN: 1, WeightCycle: 10, WeightIdentity: 5, PoolSize: 4,
		Trainer:    train.Config{Epochs: epochs, Seed: 3, Dir: dir, Resume: dir != "", Optimizer: adam},
		DOptimizer: adam,
	}
}

// TestCycleGANResumeIsExact: 3 epochs in one go equal 1 + 2 resumed, bit for
// bit, so all four nets, both optimizers and both replay pools are in the
// checkpoint; and a BtoA model predicts with G_BA from it.
func TestCycleGANResumeIsExact(t *testing.T) {
	samples := pairs(t, synthSamples(t, synth.Semantic, synth.Options{Shape: []int{16, 16}, MinRadius: 2, MaxRadius: 4}, 0, 8))
	data := func() *train.Samples { return &train.Samples{Items: samples, BatchSize: 4, Shuffle: true, Seed: 2} }
	run := func(epochs int, dir string) []float64 {
		var d []float64
		c := tinyCycleGAN(epochs, dir)
		c.Trainer.Progress = func(p train.Progress) {
			if p.Phase == "train" {
				d = append(d, p.Losses["generator"], p.Losses["discriminator"])
			}
		}
		m, err := New(unitBackend(t), c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Train(stdctx.Background(), data(), data()); err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := run(3, "")
	dir := t.TempDir()
	got := append(run(1, dir), run(3, dir)...)
	if len(got) != len(want) {
		t.Fatalf("%d losses resumed, %d uninterrupted", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("loss %d: resumed %v, uninterrupted %v", i, got[i], want[i])
		}
	}
	c, err := train.ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range c.Vars {
		names = append(names, v.Name)
	}
	all := strings.Join(names, " ")
	for _, s := range []string{GeneratorABScope + "/", GeneratorBAScope + "/", DiscriminatorAScope + "/", DiscriminatorBScope + "/", poolAScope + "/images", poolBScope + "/count"} {
		if !strings.Contains(all, s) {
			t.Errorf("checkpoint lacks %s", s)
		}
	}
	ba := tinyCycleGAN(1, "")
	ba.Direction = BtoA
	ba.Predict.Window = []int{16, 16}
	m, err := New(unitBackend(t), ba)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Load(filepath.Join(dir, "last.ckpt"), []int{1, 1, 16, 16}); err != nil {
		t.Fatal(err)
	}
	if _, shape, err := m.Predict(stdctx.Background(), make([]float32, 20*24), []int{1, 20, 24}); err != nil || shape[0] != 1 {
		t.Fatalf("BtoA prediction: shape %v, %v", shape, err)
	}
	for v := range m.Trainer().Context().IterVariables() {
		if strings.HasPrefix(v.ScopeAndName(), GeneratorABScope) {
			t.Errorf("a BtoA prediction built G_AB (%s)", v.ScopeAndName())
		}
	}
}

func TestCycleGANProblems(t *testing.T) {
	c := tinyCycleGAN(1, "")
	c.Criterion, c.WeightGAN, c.WeightCycle, c.PoolSize, c.Direction = "wgan", 0, -1, -2, "up"
	paths := map[string]bool{}
	for _, p := range c.Validate() {
		paths[p.Path] = true
	}
	for _, w := range []string{"model.loss.gan", "model.loss.weights.gan", "model.loss.weights", "model.pool_size", "model.direction"} {
		if !paths[w] {
			t.Errorf("no problem at %s (got %v)", w, paths)
		}
	}
	// Domains of different channel counts are refused while building, naming both shapes.
	m, err := New(unitBackend(t), tinyCycleGAN(1, ""))
	if err != nil {
		t.Fatal(err)
	}
	bad := []train.Sample{{X: train.Tensor{Shape: []int{1, 16, 16}, Data: make([]float32, 256)}, Y: train.Tensor{Shape: []int{2, 16, 16}, Data: make([]float32, 512)}}}
	_, err = m.Train(stdctx.Background(), &train.Samples{Items: bad, BatchSize: 1}, nil)
	if err == nil || !strings.Contains(err.Error(), "domain A patches") {
		t.Fatalf("mismatched domains: %v", err)
	}
}
