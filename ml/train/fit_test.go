package train

import (
	stdctx "context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

func TestFitLearnsWithEachOptimizer(t *testing.T) {
	cases := []Optimizer{
		{Kind: "adamw", LR: 0.02},
		{Kind: "adam", LR: 0.02, WeightDecay: 1e-4},
		{Kind: "sgd", LR: 0.1, Momentum: 0.9, Nesterov: true},
	}
	for _, o := range cases {
		t.Run(o.Kind, func(t *testing.T) {
			tr := newTrainer(t, mlp(16, 1), Config{Epochs: 25, Optimizer: o, Seed: 1})
			res, err := tr.Fit(stdctx.Background(), regressionData(128, 16, 1), &Samples{Items: regression(64, 2), BatchSize: 32})
			if err != nil {
				t.Fatal(err)
			}
			first, last := res.History[0], res.History[len(res.History)-1]
			if !(last.TrainLoss < 0.1*first.TrainLoss) || !last.Validated || last.Val["loss"] > 0.05 {
				t.Fatalf("%s did not learn: train loss %.4g → %.4g, val %v", o.Kind, first.TrainLoss, last.TrainLoss, last.Val)
			}
			if len(res.StepLosses) != 25*8 {
				t.Errorf("%d step losses, want %d", len(res.StepLosses), 25*8)
			}
			if res.SamplesPerSec <= 0 || res.Elapsed <= 0 {
				t.Errorf("throughput %v samples/s over %v", res.SamplesPerSec, res.Elapsed)
			}
		})
	}
}

// TestSameSeedSameCurve: the same seed on the same backend gives the same loss curve
// bit for bit; another seed gives another.
func TestSameSeedSameCurve(t *testing.T) {
	run := func(seed int64) []float64 {
		tr := newTrainer(t, mlp(8, 1), Config{Epochs: 3, Seed: seed, Optimizer: Optimizer{LR: 0.01}})
		res, err := tr.Fit(stdctx.Background(), regressionData(64, 8, seed), nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.StepLosses
	}
	a, b, c := run(5), run(5), run(6)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: loss %v vs %v with the same seed", i, a[i], b[i])
		}
	}
	if a[0] == c[0] && a[len(a)-1] == c[len(c)-1] {
		t.Fatal("seeds 5 and 6 gave the same loss curve")
	}
}

func TestCheckpointsAndResume(t *testing.T) {
	data := func() *Samples { return regressionData(48, 8, 3) }
	val := &Samples{Items: regression(16, 4), BatchSize: 16}
	ref := newTrainer(t, mlp(8, 1), Config{Epochs: 5, Seed: 2})
	want, err := ref.Fit(stdctx.Background(), data(), val)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	cfg := Config{Epochs: 3, Seed: 2, Dir: dir, Resume: true}
	a := newTrainer(t, mlp(8, 1), cfg)
	ra, err := a.Fit(stdctx.Background(), data(), val)
	if err != nil {
		t.Fatal(err)
	}
	if ra.ResumedAt != -1 {
		t.Errorf("a fresh run reports ResumedAt %d", ra.ResumedAt)
	}
	for _, f := range []string{"last.ckpt", "best.ckpt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("%s not written: %v", f, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("checkpoint dir holds %d entries, want only last.ckpt and best.ckpt (no temporary files)", len(entries))
	}
	c, err := ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Step != 18 || c.State.Epoch != 3 || len(c.State.History) != 3 {
		t.Fatalf("last.ckpt state: step %d epoch %d history %d", c.State.Step, c.State.Epoch, len(c.State.History))
	}
	best, err := ReadCheckpoint(filepath.Join(dir, "best.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	if best.State.BestEpoch != ra.BestEpoch || best.State.Epoch != ra.BestEpoch {
		t.Errorf("best.ckpt is from epoch %d, the best epoch is %d", best.State.Epoch, ra.BestEpoch)
	}

	cfg.Epochs = 5
	b := newTrainer(t, mlp(8, 1), cfg)
	rb, err := b.Fit(stdctx.Background(), data(), val)
	if err != nil {
		t.Fatal(err)
	}
	if rb.ResumedAt != 18 {
		t.Fatalf("ResumedAt = %d, want 18", rb.ResumedAt)
	}
	sameCurve(t, rb.StepLosses, want.StepLosses)
	if len(rb.History) != 5 || rb.History[4].Val["loss"] != want.History[4].Val["loss"] {
		t.Errorf("resumed history %v\nwant %v", rb.History, want.History)
	}
}

func sameCurve(t *testing.T, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d step losses, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("step %d: loss %v, uninterrupted run %v", i+1, got[i], want[i])
		}
	}
}

// nanData yields a NaN input in batch 1 of epoch 1.
type nanData struct{ *Samples }

func (d nanData) Batch(epoch, i int) (Batch, error) {
	b, err := d.Samples.Batch(epoch, i)
	if err == nil && epoch == 1 && i == 1 {
		b.X.Data = append([]float32(nil), b.X.Data...)
		b.X.Data[0] = float32(math.NaN())
	}
	return b, err
}

func TestNaNLossStops(t *testing.T) {
	dir := t.TempDir()
	tr := newTrainer(t, mlp(8, 1), Config{Epochs: 4, Seed: 1, Dir: dir})
	_, err := tr.Fit(stdctx.Background(), nanData{regressionData(32, 8, 1)}, nil)
	if err == nil || !strings.Contains(err.Error(), "loss is NaN") || !strings.Contains(err.Error(), "last good checkpoint") {
		t.Fatalf("err = %v, want a NaN loss error naming the kept checkpoint", err)
	}
	if !strings.Contains(err.Error(), "step 6 (epoch 2, batch 1)") {
		t.Errorf("err = %v, want it to name step 6 (epoch 2, batch 1)", err)
	}
	if s := tr.State().Step; s != 5 {
		t.Errorf("state step %d after the NaN step, want 5", s)
	}
	for name, w := range weights(t, tr) {
		for _, v := range w {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s holds %v: the NaN step was applied", name, v)
			}
		}
	}
	c, err := ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Step != 4 {
		t.Errorf("last.ckpt is from step %d, want 4 (end of epoch 1)", c.State.Step)
	}
}

func TestCancelReturnsWithinOneStepAndContinues(t *testing.T) {
	data := func() *Samples { return regressionData(32, 8, 9) }
	ref := newTrainer(t, mlp(8, 1), Config{Epochs: 3, Seed: 4})
	want, err := ref.Fit(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := stdctx.WithCancel(stdctx.Background())
	dir := t.TempDir()
	tr := newTrainer(t, mlp(8, 1), Config{Epochs: 3, Seed: 4, Dir: dir, Progress: func(p Progress) {
		if p.Phase == "train" && p.Step == 3 {
			cancel()
		}
	}})
	_, err = tr.Fit(ctx, data(), nil)
	if !errors.Is(err, stdctx.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s := tr.State().Step; s != 3 {
		t.Fatalf("cancelled after step %d, want 3", s)
	}
	c, err := ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil || c.State.Step != 3 {
		t.Fatalf("last.ckpt after cancel: %v, step %v", err, c)
	}
	res, err := tr.Fit(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	sameCurve(t, res.StepLosses, want.StepLosses)
}

func TestEarlyStopping(t *testing.T) {
	flat := Metric{Name: "flat", HigherIsBetter: true, Fn: func(p, _ *graph.Node) *graph.Node { return graph.ScalarOne(p.Graph(), p.DType()) }}
	tr, err := New(testBackend(t), mlp(4, 1), mse, []Metric{flat}, Config{Epochs: 10, Monitor: "flat", Patience: 2})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Fit(stdctx.Background(), regressionData(16, 8, 1), &Samples{Items: regression(8, 2), BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.History) != 3 || !strings.Contains(res.Stopped, "early stopping after epoch 3") || res.BestEpoch != 1 {
		t.Fatalf("history %d epochs, stopped %q, best epoch %d", len(res.History), res.Stopped, res.BestEpoch)
	}
}

func TestValEvery(t *testing.T) {
	var vals []int
	tr := newTrainer(t, mlp(4, 1), Config{Epochs: 5, ValEvery: 2, Progress: func(p Progress) {
		if p.Phase == "val" {
			vals = append(vals, p.Epoch)
		}
	}})
	res, err := tr.Fit(stdctx.Background(), regressionData(16, 8, 1), &Samples{Items: regression(8, 2), BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 3 || vals[0] != 2 || vals[1] != 4 || vals[2] != 5 {
		t.Fatalf("validated after epochs %v, want [2 4 5]", vals)
	}
	if res.History[0].Validated || !res.History[1].Validated || res.History[1].Val["mae"] <= 0 {
		t.Errorf("history %+v", res.History)
	}
}

// TestPlateauScheduleInFit: a monitored value that never improves halves the rate
// every Patience+1 validations.
func TestPlateauScheduleInFit(t *testing.T) {
	flat := Metric{Name: "flat", Fn: func(p, _ *graph.Node) *graph.Node { return graph.ScalarOne(p.Graph(), p.DType()) }}
	tr, err := New(testBackend(t), mlp(4, 1), mse, []Metric{flat}, Config{Epochs: 6, Monitor: "flat",
		Optimizer: Optimizer{Kind: "sgd", LR: 0.1}, Schedule: Schedule{Kind: "plateau", Patience: 1, Factor: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Fit(stdctx.Background(), regressionData(16, 8, 1), &Samples{Items: regression(8, 2), BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.025}
	for i, r := range res.History {
		if math.Abs(r.LR-want[i]) > 1e-12 {
			t.Fatalf("epoch %d ran at lr %v, want %v (history %+v)", i+1, r.LR, want[i], res.History)
		}
	}
	if s := tr.State().Plateau; s.Scale != 0.25 {
		t.Errorf("plateau scale after 6 flat validations = %v, want 0.25", s.Scale)
	}
}

// cancelAt cancels a context when batch `at` is requested.
type cancelAt struct {
	*Samples
	at     int
	cancel func()
}

func (d cancelAt) Batch(epoch, i int) (Batch, error) {
	if i == d.at {
		d.cancel()
	}
	return d.Samples.Batch(epoch, i)
}

func TestCancelDuringValidation(t *testing.T) {
	ctx, cancel := stdctx.WithCancel(stdctx.Background())
	dir := t.TempDir()
	tr := newTrainer(t, mlp(4, 1), Config{Epochs: 3, Dir: dir})
	val := cancelAt{&Samples{Items: regression(12, 2), BatchSize: 4}, 1, cancel}
	res, err := tr.Fit(ctx, regressionData(16, 8, 1), val)
	if !errors.Is(err, stdctx.Canceled) || !strings.Contains(err.Error(), "validation cancelled at batch 2") {
		t.Fatalf("err = %v, want a cancelled validation", err)
	}
	if len(res.History) != 1 || res.History[0].Validated {
		t.Fatalf("history %+v, want epoch 1 recorded without validation", res.History)
	}
	c, err := ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
	if err != nil || c.State.Epoch != 1 || c.State.Step != 2 {
		t.Fatalf("last.ckpt: %v, state %+v", err, c)
	}
}
