package framework

import (
	stdctx "context"
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// tilingModel trains a small U-Net with the given norm and features on
// synthetic nuclei patches for a few seconds and returns it (raw output: Post
// is nil).
func tilingModel(t *testing.T, dims int, norm string, features []int) *Model {
	t.Helper()
	patch := []int{32, 32}
	if dims == 3 {
		patch = []int{8, 16, 16}
	}
	o := synth.Options{Shape: patch, MinRadius: 3, MaxRadius: 5}
	train_ := &train.Samples{Items: pairs(t, synthSamples(t, synth.Semantic, o, 0, 16)), BatchSize: 4, Shuffle: true}
	f := FCN{
		Net:     nets.UNet{Dims: dims, OutChannels: 2, Features: features, Norm: norm},
		Loss:    loss.DiceCE{},
		Trainer: train.Config{Epochs: 6, Seed: 1, Dir: t.TempDir(), Optimizer: train.Optimizer{Kind: "adam", LR: 1e-2}},
	}
	m, err := New(learnBackend(t), f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Train(stdctx.Background(), train_, nil); err != nil {
		t.Fatal(err)
	}
	return m
}

// tilingImage is a synthetic nuclei image of the given shape whose first half
// along the last axis is replaced by its own background (a large empty region);
// nuclei lie everywhere else, many across window borders.
func tilingImage(t *testing.T, shape []int) ([]float32, []int) {
	t.Helper()
	s := synthSamples(t, synth.Semantic, synth.Options{Shape: shape, MinRadius: 3, MaxRadius: 6}, 500, 1)[0]
	im, gt := s.Arrays["IM"], s.Arrays["GT"]
	var bg []float32
	for i, g := range gt.Data {
		if g == 0 {
			bg = append(bg, im.Data[i])
		}
	}
	x := shape[len(shape)-1]
	for i := range im.Data {
		if i%x < x/2 {
			im.Data[i] = bg[(i*7919)%len(bg)]
		}
	}
	return im.Data, im.Shape
}

// softmax2 returns the foreground probability of two-channel logits [2, n...].
func softmax2(out []float32) []float64 {
	n := len(out) / 2
	p := make([]float64, n)
	for i := range p {
		p[i] = 1 / (1 + math.Exp(float64(out[i]-out[n+i])))
	}
	return p
}

// compareTiling returns the fraction of voxels whose labels agree and the mean
// and 99th percentile of the probability differences of two predictions.
func compareTiling(a, b []float32) (agree, mean, p99 float64) {
	pa, pb := softmax2(a), softmax2(b)
	same := 0
	d := make([]float64, len(pa))
	for i := range pa {
		if (pa[i] > 0.5) == (pb[i] > 0.5) {
			same++
		}
		d[i] = math.Abs(pa[i] - pb[i])
		mean += d[i]
	}
	sort.Float64s(d)
	return float64(same) / float64(len(pa)), mean / float64(len(d)), d[len(d)*99/100]
}

// tiling is one way to tile an image: a declared window, or the window a
// budget of maxVoxels forces, and an overlap.
type tiling struct {
	window    []int
	maxVoxels int
	overlap   float64
}

// sameAsWhole is the test's tolerance: labels agree on ≥ 99.5 % of the voxels,
// the foreground probabilities differ by at most 0.01 on average and 0.1 on
// 99 % of the voxels (the rest lie near window borders, where a window's zero
// padding differs from the image around it).
func sameAsWhole(agree, mean, p99 float64) bool { return agree >= 0.995 && mean <= 0.01 && p99 <= 0.1 }

// TestPredictionIndependentOfTiling: one image (nuclei across window borders,
// half of it empty background) predicted whole and tiled (several windows and
// overlaps, declared or forced by a small budget) by a trained net gives the
// same labels and probabilities (sameAsWhole) — with batch norm (running
// statistics) and with instance and group norm (whole-image statistics: one
// pass over the windows per norm layer). The same tilings with each window
// normalised by its own statistics must differ for at least one of them: the
// comparison can fail.
func TestPredictionIndependentOfTiling(t *testing.T) {
	cases := []struct {
		dims     int
		norm     string
		features []int
		image    []int
		tilings  []tiling
	}{
		{2, "batch", []int{4, 8}, []int{96, 96}, []tiling{
			{window: []int{32, 32}, overlap: 0.25},
			{window: []int{64, 32}, overlap: 0},
			{maxVoxels: 48 * 48, overlap: 0.25}}},
		{2, "instance", []int{4, 8}, []int{96, 96}, []tiling{
			{window: []int{32, 32}, overlap: 0.25},
			{window: []int{48, 48}, overlap: 0.5},
			{window: []int{64, 32}, overlap: 0},
			{maxVoxels: 48 * 48, overlap: 0.25}}},
		{2, "group", []int{16, 32}, []int{96, 96}, []tiling{
			{window: []int{32, 32}, overlap: 0.25},
			{maxVoxels: 40 * 40, overlap: 0.5}}},
		{3, "batch", []int{4, 8}, []int{16, 48, 48}, []tiling{
			{window: []int{8, 16, 16}, overlap: 0.5},
			{maxVoxels: 8 * 24 * 24, overlap: 0.25}}},
		{3, "instance", []int{4, 8}, []int{16, 48, 48}, []tiling{
			{window: []int{8, 16, 16}, overlap: 0.5},
			{window: []int{16, 32, 32}, overlap: 0.25},
			{maxVoxels: 8 * 24 * 24, overlap: 0.25}}},
		{3, "group", []int{8, 16}, []int{16, 48, 48}, []tiling{
			{window: []int{8, 24, 24}, overlap: 0.5}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dD_%s", c.dims, c.norm), func(t *testing.T) {
			m := tilingModel(t, c.dims, c.norm, c.features)
			x, shape := tilingImage(t, c.image)
			if w := m.Window(shape[1:]); !w.Whole {
				t.Fatalf("default window for %v: %v, want the whole image", shape[1:], w)
			}
			whole, _, err := m.Predict(stdctx.Background(), x, shape)
			if err != nil {
				t.Fatal(err)
			}
			compare := func(tl tiling, wholeStats bool) bool {
				m.inf.Window, m.inf.MaxVoxels, m.inf.Overlap, m.inf.WholeImageStats = tl.window, tl.maxVoxels, tl.overlap, wholeStats
				tiled, _, err := m.Predict(stdctx.Background(), x, shape)
				if err != nil {
					t.Fatal(err)
				}
				w := m.Window(shape[1:])
				if w.Whole {
					t.Fatalf("%v: want several windows", w)
				}
				if per := c.norm != "batch" && wholeStats; (w.NormPasses > 1) != per {
					t.Errorf("%v: %d normalisation passes reported", w, w.NormPasses)
				}
				agree, mean, p99 := compareTiling(whole, tiled)
				t.Logf("overlap %.2f, whole-image statistics %v, %v: labels agree %.3f %%, |Δp| mean %.4f, 99th percentile %.4f",
					tl.overlap, wholeStats, w, 100*agree, mean, p99)
				return sameAsWhole(agree, mean, p99)
			}
			if c.norm == "batch" {
				checkRunningStats(t, m, shape[1:])
			}
			differs := false
			for _, tl := range c.tilings {
				if !compare(tl, true) {
					t.Errorf("tiled %v overlap %.2f differs from the whole image", tl.window, tl.overlap)
				}
				if c.norm != "batch" && !compare(tl, false) {
					differs = true
				}
			}
			if c.norm != "batch" && !differs {
				t.Errorf("with per-window statistics every tiling agrees with the whole image: the test cannot fail")
			}
		})
	}
}

// checkRunningStats: a batch-norm net predicts a window the same alone and
// batched with a very different one, so inference normalises with the running
// statistics, not the batch's.
func checkRunningStats(t *testing.T, m *Model, spatial []int) {
	t.Helper()
	win := make([]int, len(spatial))
	for i, s := range spatial {
		win[i] = s / 2
	}
	n := prod(win)
	x, _ := tilingImage(t, spatial)
	one := append([]int{1, 1}, win...)
	alone, _, err := m.Predictor()(stdctx.Background(), x[:n], one)
	if err != nil {
		t.Fatal(err)
	}
	pair := append(append([]float32(nil), x[:n]...), make([]float32, n)...)
	for i := n; i < 2*n; i++ {
		pair[i] = 50
	}
	two := append([]int{2, 1}, win...)
	batched, _, err := m.Predictor()(stdctx.Background(), pair, two)
	if err != nil {
		t.Fatal(err)
	}
	for i := range alone {
		if math.Abs(float64(alone[i]-batched[i])) > 1e-4 {
			t.Fatalf("output %d: %v alone, %v batched with another window: inference uses batch statistics", i, alone[i], batched[i])
		}
	}
}
