package framework

import (
	"math"
	"os"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/backend/fast"
	"github.com/im2im/im2im/ml/train"
)

// learnBackend is GOMLX_BACKEND's choice when set, else the fast pure-Go backend
// (same results as the default pure-Go one, several times quicker on convolutions).
func learnBackend(t *testing.T) backends.Backend {
	t.Helper()
	var b backends.Backend
	var err error
	if os.Getenv(backend.EnvVar) != "" {
		b, _, err = backend.New()
	} else {
		b, err = backends.NewWithConfig(fast.Name)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

func skipIfShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end training test; skipped with -short")
	}
}

// synthSamples generates n samples of a kind, seeds from seed0 on.
func synthSamples(t *testing.T, kind synth.Kind, o synth.Options, seed0, n int) []*array.Sample {
	t.Helper()
	out := make([]*array.Sample, n)
	for i := range out {
		o.Seed = uint64(seed0 + i)
		s, err := synth.Generate(kind, o)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

func pairs(t *testing.T, s []*array.Sample) []train.Sample {
	t.Helper()
	p, err := Samples(s, "IM", "GT")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dice is the foreground Dice coefficient of two label images (non-zero = foreground).
func dice(pred, gt []float32) float64 {
	var inter, a, b float64
	for i := range pred {
		p, g := pred[i] != 0, gt[i] != 0
		if p {
			a++
		}
		if g {
			b++
		}
		if p && g {
			inter++
		}
	}
	if a+b == 0 {
		return 1
	}
	return 2 * inter / (a + b)
}

// psnr is the peak signal-to-noise ratio of x against ref, with ref's value range as peak.
func psnr(x, ref []float32) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	var mse float64
	for i := range ref {
		lo, hi = math.Min(lo, float64(ref[i])), math.Max(hi, float64(ref[i]))
		d := float64(x[i]) - float64(ref[i])
		mse += d * d
	}
	mse /= float64(len(ref))
	return 10 * math.Log10((hi-lo)*(hi-lo)/mse)
}
