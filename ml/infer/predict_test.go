package infer

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// affine returns a predictor producing, per input channel c, the channels a*x+b
// for each (a, b) pair; it also checks the batch shape it is given.
func affine(t *testing.T, ab ...[2]float32) Predictor {
	return func(_ context.Context, in []float32, shape []int) ([]float32, []int, error) {
		if prod(shape) != len(in) {
			t.Fatalf("predictor got %d values for shape %v", len(in), shape)
		}
		n, c := shape[0], shape[1]
		sp := prod(shape[2:])
		oc := c * len(ab)
		out := make([]float32, n*oc*sp)
		for k := 0; k < n; k++ {
			for ch := 0; ch < c; ch++ {
				for j, p := range ab {
					dst := out[(k*oc+ch*len(ab)+j)*sp:]
					src := in[(k*c+ch)*sp:]
					for i := 0; i < sp; i++ {
						dst[i] = p[0]*src[i] + p[1]
					}
				}
			}
		}
		return out, append([]int{n, oc}, shape[2:]...), nil
	}
}

func random(shape []int, seed int64) []float32 {
	r := rand.New(rand.NewSource(seed))
	x := make([]float32, prod(shape))
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

func TestStarts(t *testing.T) {
	cases := []struct {
		n, w    int
		overlap float64
		want    []int
	}{
		{10, 10, 0.5, []int{0}},
		{5, 10, 0.5, []int{0}},
		{20, 8, 0, []int{0, 8, 12}},
		{20, 8, 0.5, []int{0, 4, 8, 12}},
		{21, 8, 0.5, []int{0, 4, 8, 12, 13}},
		{9, 8, 0.99, []int{0, 1}},
	}
	for _, tc := range cases {
		got := starts(tc.n, tc.w, tc.overlap)
		if len(got) != len(tc.want) {
			t.Errorf("starts(%d, %d, %v) = %v, want %v", tc.n, tc.w, tc.overlap, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("starts(%d, %d, %v) = %v, want %v", tc.n, tc.w, tc.overlap, got, tc.want)
				break
			}
		}
	}
}

// TestIdentityAndAffineReproduce: a per-voxel affine predictor must give exactly the
// affine image back, borders and padded images included, whatever the tiling.
func TestIdentityAndAffineReproduce(t *testing.T) {
	cases := []struct {
		name  string
		shape []int
		opt   Options
	}{
		{"2D overlap .25", []int{1, 37, 53}, Options{Window: []int{16, 16}, Overlap: 0.25}},
		{"2D overlap .5 batch 3", []int{2, 40, 33}, Options{Window: []int{16, 8}, Overlap: 0.5, BatchSize: 3}},
		{"2D fixed batch", []int{1, 30, 30}, Options{Window: []int{16, 16}, Overlap: 0.5, BatchSize: 4, FixedBatch: true}},
		{"2D constant blend", []int{1, 25, 19}, Options{Window: []int{8, 8}, Overlap: 0.5, Blend: Constant}},
		{"2D smaller than window reflect", []int{1, 5, 7}, Options{Window: []int{16, 16}}},
		{"2D smaller than window zero", []int{1, 5, 20}, Options{Window: []int{16, 16}, Padding: PadZero, Overlap: 0.5}},
		{"3D", []int{1, 9, 20, 21}, Options{Window: []int{8, 8, 8}, Overlap: 0.5, BatchSize: 2}},
		{"3D one plane", []int{2, 1, 12, 12}, Options{Window: []int{4, 8, 8}, Overlap: 0.25}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := random(tc.shape, 1)
			pairs := [][2]float32{{1, 0}, {2, 1}}
			got, shape, err := Predict(context.Background(), x, tc.shape, affine(t, pairs...), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			c := tc.shape[0]
			if shape[0] != 2*c || len(shape) != len(tc.shape) {
				t.Fatalf("output shape %v for input %v", shape, tc.shape)
			}
			sp := prod(tc.shape[1:])
			for ch := 0; ch < c; ch++ {
				for j, p := range pairs {
					o := got[(ch*len(pairs)+j)*sp:]
					for i := 0; i < sp; i++ {
						want := p[0]*x[ch*sp+i] + p[1]
						if math.Abs(float64(o[i]-want)) > 1e-6*math.Max(1, math.Abs(float64(want))) {
							t.Fatalf("channel %d pair %v voxel %d: got %v, want %v", ch, p, i, o[i], want)
						}
					}
				}
			}
		})
	}
}

// TestGaussianBlend checks the blend of two overlapping windows against hand-computed
// gaussian weights: window k predicts the constant k everywhere.
func TestGaussianBlend(t *testing.T) {
	calls := 0
	pred := func(_ context.Context, in []float32, shape []int) ([]float32, []int, error) {
		out := make([]float32, len(in))
		for i := range out {
			out[i] = float32(calls)
		}
		calls++
		return out, shape, nil
	}
	got, _, err := Predict(context.Background(), make([]float32, 12), []int{1, 1, 12},
		pred, Options{Window: []int{1, 8}, Overlap: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("predictor called %d times, want 2 windows (starts 0 and 4)", calls)
	}
	g := func(i int) float64 { d := float64(i) - 3.5; return math.Exp(-d * d / 2) } // sigma = 0.125*8 = 1
	for x := 0; x < 12; x++ {
		var want float64
		switch {
		case x < 4:
			want = 0
		case x >= 8:
			want = 1
		default:
			w0, w1 := g(x), g(x-4)
			want = w1 / (w0 + w1)
		}
		if math.Abs(float64(got[x])-want) > 1e-6 {
			t.Errorf("x=%d: blended %v, want %v", x, got[x], want)
		}
	}
}

func TestPredictErrors(t *testing.T) {
	id := affine(t, [2]float32{1, 0})
	bad := func(_ context.Context, in []float32, shape []int) ([]float32, []int, error) {
		return in[:len(in)/2], []int{shape[0], 1, shape[2] / 2, shape[3]}, nil
	}
	failing := func(context.Context, []float32, []int) ([]float32, []int, error) {
		return nil, nil, errors.New("boom")
	}
	cases := []struct {
		name  string
		x     []float32
		shape []int
		pred  Predictor
		opt   Options
		want  string
	}{
		{"window rank", make([]float32, 16), []int{1, 4, 4}, id, Options{Window: []int{4}}, "spatial axes"},
		{"overlap 1", make([]float32, 16), []int{1, 4, 4}, id, Options{Window: []int{4, 4}, Overlap: 1}, "overlap"},
		{"size mismatch", make([]float32, 15), []int{1, 4, 4}, id, Options{Window: []int{4, 4}}, "needs 16 values"},
		{"no channel axis", make([]float32, 4), []int{4}, id, Options{Window: []int{4}}, "want [C, spatial"},
		{"zero window", make([]float32, 16), []int{1, 4, 4}, id, Options{Window: []int{0, 4}}, "must be positive"},
		{"predictor shape", make([]float32, 16), []int{1, 4, 4}, bad, Options{Window: []int{4, 4}}, "spatial extents must match"},
		{"predictor error", make([]float32, 16), []int{1, 4, 4}, failing, Options{Window: []int{4, 4}}, "boom"},
	}
	for _, tc := range cases {
		_, _, err := Predict(context.Background(), tc.x, tc.shape, tc.pred, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestCancelAndProgress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	pred := func(c context.Context, in []float32, shape []int) ([]float32, []int, error) {
		calls++
		cancel()
		return in, shape, nil
	}
	_, _, err := Predict(ctx, make([]float32, 64*64), []int{1, 64, 64}, pred, Options{Window: []int{16, 16}})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err = %v after %d calls, want context.Canceled after 1", err, calls)
	}
	var seen []int
	_, _, err = Predict(context.Background(), make([]float32, 20*20), []int{1, 20, 20}, affine(t, [2]float32{1, 0}),
		Options{Window: []int{8, 8}, BatchSize: 4, Progress: func(done, total int) {
			if total != 9 {
				t.Errorf("total = %d, want 9 windows", total)
			}
			seen = append(seen, done)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || seen[0] != 4 || seen[1] != 8 || seen[2] != 9 {
		t.Errorf("progress %v, want [4 8 9]", seen)
	}
}
