package framework

import (
	stdctx "context"
	"math"
	"testing"

	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// sampleSpread returns, over voxels, the mean and standard deviation of the
// difference between two samples' channel ch (out is [1, S·C, spatial...]).
func sampleSpread(out []float32, c, n, a, b, ch int) (mean, std float64) {
	var sum, sq float64
	for i := 0; i < n; i++ {
		d := float64(out[(a*c+ch)*n+i] - out[(b*c+ch)*n+i])
		sum += d
		sq += d * d
	}
	mean = sum / float64(n)
	return mean, math.Sqrt(math.Max(sq/float64(n)-mean*mean, 0))
}

// TestProbUnetSamplesDiffer builds an untrained ProbUnet per case and checks
// that its prior samples differ, and not by a constant: the combiner's ReLUs
// let z change each voxel differently (mmv's affine combiner could not).
func TestProbUnetSamplesDiffer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dims    int
		spatial []int
		seg     bool
		out     int
	}{
		{"2D segmentation", 2, []int{16, 16}, true, 2},
		{"2D regression", 2, []int{16, 16}, false, 1},
		{"3D segmentation", 3, []int{8, 8, 8}, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l Loss = loss.CE{}
			if !tc.seg {
				l = loss.MSE{}
			}
			p := ProbUnet{Net: nets.UNet{Dims: tc.dims, OutChannels: tc.out, Features: []int{4, 8}},
				Loss: l, Segmentation: tc.seg, Samples: 3, Trainer: train.Config{Epochs: 1, Seed: 1}}
			m, err := New(learnBackend(t), p)
			if err != nil {
				t.Fatal(err)
			}
			n := 1
			for _, s := range tc.spatial {
				n *= s
			}
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)*0.37) + math.Cos(float64(i)*0.11))
			}
			out, shape, err := m.Predictor()(stdctx.Background(), x, append([]int{1, 1}, tc.spatial...))
			if err != nil {
				t.Fatal(err)
			}
			if shape[1] != 3*tc.out {
				t.Fatalf("output shape %v, want %d stacked channels", shape, 3*tc.out)
			}
			for _, pair := range [][2]int{{0, 1}, {1, 2}} {
				mean, std := sampleSpread(out, tc.out, n, pair[0], pair[1], 0)
				t.Logf("samples %v: difference mean %.4g, std over voxels %.4g", pair, mean, std)
				if std < 1e-4 || std < 0.01*math.Abs(mean) {
					t.Fatalf("samples %v differ by a near-constant (mean %.4g, std %.4g)", pair, mean, std)
				}
			}
		})
	}
}

// TestProbUnetSampleStats checks the mean and uncertainty of stacked samples
// against hand-computed values.
func TestProbUnetSampleStats(t *testing.T) {
	logit := func(p float64) float32 { return float32(math.Log(p / (1 - p))) }
	for _, tc := range []struct {
		name      string
		s         sampleStats
		out       []float32
		shape     []int
		mean, unc []float64
	}{
		{
			// one sigmoid channel, 2 samples, 2 voxels: agreeing 0.5/0.5 (entropy 1,
			// MI 0), and disagreeing 0.9/0.1 (mean 0.5: entropy 1, MI 1−H(0.9)/ln2).
			name: "sigmoid", s: sampleStats{samples: 2, segmentation: true},
			out: []float32{0, logit(0.9), 0, logit(0.1)}, shape: []int{2, 2},
			mean: []float64{0, 0},
			unc:  []float64{1, 1, 0, 1 - (-(0.9*math.Log(0.9) + 0.1*math.Log(0.1)) / math.Ln2)},
		},
		{
			// two softmax channels, 1 voxel, 2 identical confident samples.
			name: "softmax agree", s: sampleStats{samples: 2, segmentation: true},
			out: []float32{10, -10, 10, -10}, shape: []int{4, 1},
			mean: []float64{0, math.Log(math.Exp(-20) / (1 + math.Exp(-20)))},
			unc:  []float64{0, 0},
		},
		{
			name: "regression", s: sampleStats{samples: 2},
			out: []float32{1, 5, 3, 5}, shape: []int{2, 2},
			mean: []float64{2, 5}, unc: []float64{1, 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := tc.s.mean(tc.out, tc.shape)
			if err != nil {
				t.Fatal(err)
			}
			u, _, err := tc.s.uncertainty(tc.out, tc.shape)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.mean {
				if math.Abs(float64(m[i])-want) > 1e-3 {
					t.Errorf("mean[%d] = %g, want %g", i, m[i], want)
				}
			}
			for i, want := range tc.unc {
				if math.Abs(float64(u[i])-want) > 1e-3 {
					t.Errorf("uncertainty[%d] = %g, want %g", i, u[i], want)
				}
			}
		})
	}
}

// TestProbUnetValidate lists a bad declaration's problems at their paths.
func TestProbUnetValidate(t *testing.T) {
	p := ProbUnet{Net: nets.UNet{Dims: 4, OutChannels: 2}, LatentDim: -1, Beta: -1, Samples: -2}
	got := map[string]bool{}
	for _, pr := range p.Validate() {
		got[pr.Path] = true
	}
	for _, want := range []string{"model.net.dims", "model.loss", "model.latent_dim", "model.beta", "model.samples"} {
		if !got[want] {
			t.Errorf("no problem at %s; got %v", want, p.Validate())
		}
	}
}

// TestProbUnetWithTTA predicts a whole image with test-time augmentation: the
// prior samples of every flipped window are combined (T·S samples), giving 0/1
// labels and a two-channel entropy/MI map in [0, 1] of the image's size.
func TestProbUnetWithTTA(t *testing.T) {
	p := ProbUnet{Net: nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}}, Loss: loss.CE{}, Segmentation: true, Samples: 2,
		Trainer: train.Config{Epochs: 1, Seed: 1}, Predict: Predict{Output: OutputLabels, TTA: TTAFlips, Window: []int{16, 16}}}
	m, err := New(learnBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 20*24)
	for i := range x {
		x[i] = float32(math.Sin(float64(i) * 0.21))
	}
	pred, unc, err := m.PredictUncertainty(stdctx.Background(), x, []int{1, 20, 24})
	if err != nil {
		t.Fatal(err)
	}
	if pred.Shape[0] != 1 || unc.Shape[0] != 2 || len(pred.Data) != 20*24 || len(unc.Data) != 2*20*24 {
		t.Fatalf("prediction %v, uncertainty %v: want 1 label channel and entropy + MI of 20×24", pred.Shape, unc.Shape)
	}
	for i, v := range pred.Data {
		if v != 0 && v != 1 {
			t.Fatalf("label %d = %v", i, v)
		}
	}
	for i, v := range unc.Data {
		if v < -1e-6 || v > 1+1e-6 || math.IsNaN(float64(v)) {
			t.Fatalf("uncertainty %d = %v outside [0, 1]", i, v)
		}
	}
}
