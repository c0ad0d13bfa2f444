package framework

import (
	stdctx "context"
	"math"
	"testing"

	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
)

// channelError is the largest, over the channels of two raw outputs [C, n...]
// that vary, of the mean absolute difference divided by the first output's
// standard deviation in that channel.
func channelError(a, b []float32, channels int) float64 {
	n := len(a) / channels
	worst := 0.0
	for c := 0; c < channels; c++ {
		x, y := a[c*n:(c+1)*n], b[c*n:(c+1)*n]
		var mean, sq, diff float64
		for i := range x {
			mean += float64(x[i])
			diff += math.Abs(float64(x[i] - y[i]))
		}
		mean /= float64(n)
		for i := range x {
			sq += (float64(x[i]) - mean) * (float64(x[i]) - mean)
		}
		if sd := math.Sqrt(sq / float64(n)); sd > 1e-6 {
			worst = math.Max(worst, diff/float64(n)/sd)
		}
	}
	return worst
}

// TestOtherFrameworksIndependentOfTiling: the frameworks other than FCN whose
// nets have instance norm (pix2pix's U-Net generator, ProbUnet's U-Net with its
// fixed prior samples, EmbedSeg's U-Net head)
// predict a tiled image like the whole image (raw outputs within 5 % of each
// channel's spread on average) with whole-image statistics, and differ with
// per-window statistics (so the comparison can fail). Untrained nets: their
// outputs depend on the normalisation as much as trained ones do.
func TestOtherFrameworksIndependentOfTiling(t *testing.T) {
	cases := []struct {
		name     string
		fw       Framework
		channels int
		tol      float64 // of a channel's spread, mean absolute difference
	}{
		{"pix2pix", Pix2Pix{
			Generator:     nets.UNet{Dims: 2, OutChannels: 3, Features: []int{4, 8}},
			Discriminator: nets.PatchGAN{Dims: 2, NF: 4, NLayers: 1},
			Loss:          GANLoss{Criterion: loss.GANVanilla, Reconstruction: loss.L1{}, WeightGAN: 1, WeightRec: 100},
			Predict:       Predict{Output: OutputRaw}}, 3, 0.05},
		{"probunet", ProbUnet{
			Net:  nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}},
			Loss: loss.DiceCE{}, Segmentation: true,
			Predict: Predict{Output: OutputRaw}}, 2, 0.06}, // its prior net pools over each window: latent means are the window's (5 % at 32² windows, 0.5 % at 48²)
		{"embedseg_unet", EmbedSeg{Dims: 2,
			Net:     nets.UNet{Dims: 2, OutChannels: 5, Features: []int{4, 8}, HeadInit: nets.HeadInitEmbedSeg},
			Predict: Predict{Output: OutputRaw}}, 5, 0.05},
	}
	x, shape := tilingImage(t, []int{96, 96})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := New(learnBackend(t), c.fw)
			if err != nil {
				t.Fatal(err)
			}
			whole, _, err := m.Predict(stdctx.Background(), x, shape)
			if err != nil {
				t.Fatal(err)
			}
			differs := false
			for _, tl := range []tiling{{window: []int{32, 32}, overlap: 0.25}, {window: []int{48, 48}, overlap: 0.5}} {
				for _, wholeStats := range []bool{true, false} {
					m.inf.Window, m.inf.Overlap, m.inf.WholeImageStats = tl.window, tl.overlap, wholeStats
					tiled, _, err := m.Predict(stdctx.Background(), x, shape)
					if err != nil {
						t.Fatal(err)
					}
					e := channelError(whole, tiled, c.channels)
					t.Logf("window %v overlap %.2f, whole-image statistics %v: error %.4f of a channel's spread", tl.window, tl.overlap, wholeStats, e)
					if wholeStats && e > c.tol {
						t.Errorf("window %v: tiled differs from whole by %.3f of a channel's spread", tl.window, e)
					}
					differs = differs || (!wholeStats && e > c.tol)
				}
			}
			if !differs {
				t.Errorf("per-window statistics agree with the whole image too: the comparison cannot fail")
			}
		})
	}
}
