package metric

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/backend"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

type arr struct {
	dims []int
	v    []float64
}

func run(t *testing.T, b backends.Backend, f Fn, p, y arr) float64 {
	t.Helper()
	out, err := graph.ExecOnce(b, func(pn, yn *graph.Node) *graph.Node { return f(pn, yn) },
		tensors.FromFlatDataAndDimensions(p.v, p.dims...), tensors.FromFlatDataAndDimensions(y.v, y.dims...))
	if err != nil {
		t.Fatal(err)
	}
	return out.Value().(float64)
}

func TestMetricValues(t *testing.T) {
	b := newBackend(t)
	// 3×3 images for SSIM: the window is 3×3 (largest odd size that fits), one position.
	img := []float64{0.1, 0.5, 0.9, 0.3, 0.2, 0.8, 0.4, 0.6, 0.7}
	noisy := []float64{0.2, 0.4, 0.9, 0.1, 0.3, 0.7, 0.5, 0.6, 0.9}
	cases := []struct {
		name string
		f    Fn
		p, y arr
		want float64
	}{
		{"dice binary", Dice, arr{[]int{1, 1, 4}, []float64{1, 1, -1, -1}}, arr{[]int{1, 1, 4}, []float64{1, 0, 1, 0}}, 0.5},
		{"iou binary", IoU, arr{[]int{1, 1, 4}, []float64{1, 1, -1, -1}}, arr{[]int{1, 1, 4}, []float64{1, 0, 1, 0}}, 1.0 / 3},
		{"dice both empty", Dice, arr{[]int{1, 1, 3}, []float64{-1, -2, -3}}, arr{[]int{1, 1, 3}, []float64{0, 0, 0}}, 1},
		// 3 classes, 4 voxels: argmax = (0, 1, 2, 1); labels = (0, 1, 1, 2).
		// class 1: P={1,3}, Y={1,2} → dice 2·1/4 = 0.5, iou 1/3; class 2: P={2}, Y={3} → 0, 0.
		{"dice 3 classes", Dice, arr{[]int{1, 3, 4}, []float64{5, 0, 0, 0, 0, 5, 0, 5, 0, 0, 5, 0}}, arr{[]int{1, 1, 4}, []float64{0, 1, 1, 2}}, 0.25},
		{"iou 3 classes", IoU, arr{[]int{1, 3, 4}, []float64{5, 0, 0, 0, 0, 5, 0, 5, 0, 0, 5, 0}}, arr{[]int{1, 1, 4}, []float64{0, 1, 1, 2}}, 1.0 / 6},
		{"dice batch mean", Dice, arr{[]int{2, 1, 2}, []float64{1, 1, 1, -1}}, arr{[]int{2, 1, 2}, []float64{1, 1, 0, 1}}, 0.5},
		{"psnr", PSNR{DataRange: 1}.Fn, arr{[]int{1, 1, 2}, []float64{0, 0.5}}, arr{[]int{1, 1, 2}, []float64{0, 1}}, 10 * math.Log10(8)},
		{"psnr target range", PSNR{}.Fn, arr{[]int{1, 1, 2}, []float64{0, 1}}, arr{[]int{1, 1, 2}, []float64{0, 2}}, 10 * math.Log10(4/0.5)},
		{"pearson", Pearson, arr{[]int{1, 1, 3}, []float64{1, 2, 3}}, arr{[]int{1, 1, 3}, []float64{2, 4, 7}}, 5 / math.Sqrt(2*114.0/9)},
		{"pearson anti", Pearson, arr{[]int{1, 1, 3}, []float64{1, 2, 3}}, arr{[]int{1, 1, 3}, []float64{3, 2, 1}}, -1},
		{"ssim identical", SSIM{}.Fn, arr{[]int{1, 1, 3, 3}, img}, arr{[]int{1, 1, 3, 3}, img}, 1},
		{"ssim noisy", SSIM{DataRange: 1}.Fn, arr{[]int{1, 1, 3, 3}, noisy}, arr{[]int{1, 1, 3, 3}, img}, refSSIM3x3(noisy, img, 1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, b, tc.f, tc.p, tc.y)
			if math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("%s = %.12g, want %.12g", tc.name, got, tc.want)
			}
		})
	}
}

// refSSIM3x3 is SSIM at the single valid position of 3×3 images with the 3×3
// Gaussian window (σ 1.5), written out directly.
func refSSIM3x3(x, y []float64, r float64) float64 {
	g := []float64{math.Exp(-1 / 4.5), 1, math.Exp(-1 / 4.5)}
	s := g[0] + g[1] + g[2]
	var mx, my, sxx, syy, sxy float64
	for i := range 3 {
		for j := range 3 {
			w := g[i] * g[j] / (s * s)
			a, b := x[i*3+j], y[i*3+j]
			mx += w * a
			my += w * b
			sxx += w * a * a
			syy += w * b * b
			sxy += w * a * b
		}
	}
	sxx -= mx * mx
	syy -= my * my
	sxy -= mx * my
	c1, c2 := math.Pow(0.01*r, 2), math.Pow(0.03*r, 2)
	return (2*mx*my + c1) * (2*sxy + c2) / ((mx*mx + my*my + c1) * (sxx + syy + c2))
}

func TestSSIM3D(t *testing.T) {
	b := newBackend(t)
	n := 4 * 4 * 4
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Sin(float64(i))
	}
	got := run(t, b, SSIM{}.Fn, arr{[]int{1, 1, 4, 4, 4}, v}, arr{[]int{1, 1, 4, 4, 4}, v})
	if math.Abs(got-1) > 1e-12 {
		t.Fatalf("SSIM of a 3D volume with itself = %v, want 1", got)
	}
	w := append([]float64(nil), v...)
	for i := range w {
		w[i] += 0.3 * math.Cos(float64(3*i))
	}
	if got := run(t, b, SSIM{}.Fn, arr{[]int{1, 1, 4, 4, 4}, w}, arr{[]int{1, 1, 4, 4, 4}, v}); got >= 0.99 || got <= 0 {
		t.Fatalf("SSIM of a perturbed volume = %v, want in (0, 0.99)", got)
	}
}

func TestByName(t *testing.T) {
	for _, n := range Names {
		s, err := ByName(n)
		if err != nil || s.Fn == nil || !s.HigherIsBetter {
			t.Errorf("ByName(%q) = %+v, %v", n, s, err)
		}
	}
	if _, err := ByName("auc"); err == nil || !strings.Contains(err.Error(), "auc") {
		t.Errorf("unknown metric not reported: %v", err)
	}
}

func TestCompute(t *testing.T) {
	b := newBackend(t)
	got, err := Compute(b, IoU, []float32{1, 1, -1, -1}, []int{1, 1, 2, 2}, []float32{1, 0, 1, 0}, []int{1, 1, 2, 2})
	if err != nil || math.Abs(got-1.0/3) > 1e-6 {
		t.Fatalf("Compute(IoU) = %v, %v; want 1/3", got, err)
	}
	if _, err := Compute(b, Dice, []float32{1, 2, 3}, []int{1, 1, 2, 2}, []float32{1, 0, 1, 0}, []int{1, 1, 2, 2}); err == nil ||
		!strings.Contains(err.Error(), "prediction has 3 values") {
		t.Fatalf("bad prediction size not reported: %v", err)
	}
	if _, err := Compute(b, PSNR{}.Fn, []float32{1, 2, 3, 4}, []int{1, 1, 2, 2}, []float32{1, 0, 1, 0, 1, 1}, []int{1, 1, 2, 3}); err == nil ||
		!strings.Contains(err.Error(), "same shape") {
		t.Fatalf("shape mismatch not reported: %v", err)
	}
}

// FuzzByName: every name either gives a metric or an error naming it.
func FuzzByName(f *testing.F) {
	for _, n := range append([]string{"Jaccard", "", "r"}, Names...) {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s, err := ByName(name)
		if (s.Fn == nil) == (err == nil) {
			t.Fatalf("ByName(%q) = %+v, %v: want exactly one of a metric and an error", name, s, err)
		}
		if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) {
			t.Fatalf("error does not name %q: %v", name, err)
		}
	})
}
