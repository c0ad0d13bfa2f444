package loss

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/im2im/im2im/ml/gradcheck"
)

// args returns the case as (pred, instances, centres) arrays.
func (c embedCase) args() []arr {
	d := c.dims()
	lead := func(ch int) []int { return append([]int{c.batch, ch}, c.spatial...) }
	return []arr{{lead(2*d + 1), c.pred}, {lead(1), c.inst}, {lead(1), c.centres}}
}

func embeddingFn(cfg SpatialEmbeddingConfig) func(x []*graph.Node) *graph.Node {
	return func(x []*graph.Node) *graph.Node { return SpatialEmbedding(cfg, x[0], x[1], x[2]) }
}

var embedCases = []struct {
	name string
	cfg  SpatialEmbeddingConfig
	c    embedCase
}{
	{"2D", SpatialEmbeddingConfig{Dims: 2}, discCase(1, 2, []int{40, 48}, 9, SpatialEmbeddingConfig{}.WithDefaults().Step)},
	{"2D step 1/255 fg 4.5", SpatialEmbeddingConfig{Dims: 2, Step: [3]float64{0, 1.0 / 255, 1.0 / 255}, ForegroundWeight: 4.5},
		discCase(2, 1, []int{32, 40}, 6, [3]float64{0, 1.0 / 255, 1.0 / 255})},
	{"3D anisotropy 4", SpatialEmbeddingConfig{Dims: 3, Anisotropy: 4}, discCase(3, 1, []int{6, 20, 24}, 5, [3]float64{4.0 / 1023, 1.0 / 1023, 1.0 / 1023})},
	{"2D ids above max_instances", SpatialEmbeddingConfig{Dims: 2, MaxInstances: 4}, discCase(4, 1, []int{24, 24}, 7, SpatialEmbeddingConfig{}.WithDefaults().Step)},
}

// TestSpatialEmbeddingMatchesReference compares the loss with a float64 loop over
// instances using a true sort (refSpatialEmbedding), and logs the relative error per
// bin count (the measurement behind DefaultLovaszBins).
func TestSpatialEmbeddingMatchesReference(t *testing.T) {
	b := newBackend(t)
	for _, tc := range embedCases {
		t.Run(tc.name, func(t *testing.T) {
			want := refSpatialEmbedding(tc.cfg, tc.c)
			var report []string
			for _, bins := range []int{64, 256, 0, 2048} {
				cfg := tc.cfg
				cfg.Bins = bins
				got := eval(t, b, embeddingFn(cfg), tc.c.args()...)
				rel := math.Abs(got-want) / math.Abs(want)
				report = append(report, fmt.Sprintf("bins %d: %.2e", cfg.WithDefaults().Bins, rel))
				if bins == 0 && !(rel <= 1e-3) {
					t.Errorf("loss %.8g, reference %.8g: relative error %.2e > 1e-3", got, want, rel)
				}
			}
			t.Logf("reference %.6g; relative error %s", want, strings.Join(report, ", "))
		})
	}
}

// TestSpatialEmbeddingNoObjects checks that a crop without objects gives the
// background seed term only, finite.
func TestSpatialEmbeddingNoObjects(t *testing.T) {
	b := newBackend(t)
	c := discCase(5, 2, []int{16, 16}, 3, SpatialEmbeddingConfig{}.WithDefaults().Step)
	for i := range c.inst {
		c.inst[i], c.centres[i] = 0, 0
	}
	got := eval(t, b, embeddingFn(SpatialEmbeddingConfig{Dims: 2}), c.args()...)
	n := c.voxels()
	want := 0.0
	for bi := range c.batch {
		for v := range n {
			s := 1 / (1 + math.Exp(-c.pred[(bi*5+4)*n+v]))
			want += s * s / float64(n*c.batch)
		}
	}
	if math.IsNaN(got) || math.Abs(got-want) > 1e-12 {
		t.Fatalf("no-object loss %v, want the seed term %v", got, want)
	}
	if ref := refSpatialEmbedding(SpatialEmbeddingConfig{Dims: 2}, c); math.Abs(ref-want) > 1e-12 {
		t.Fatalf("reference %v disagrees with %v", ref, want)
	}
}

// objectTerms is instance + 10·variance, batch mean: the part of the loss whose
// gradient w.r.t. the whole prediction is the true derivative of its value (the
// Lovász weights are piecewise constant and the variance term's detached mean has a
// zero derivative). The seed term's φ is detached, so it is checked w.r.t. the seed
// channel only.
func objectTerms(cfg SpatialEmbeddingConfig, pred, inst, cen *graph.Node) *graph.Node {
	i, v, _ := spatialEmbeddingTerms(cfg, pred, inst, cen)
	return graph.ReduceAllMean(graph.Add(i, graph.MulScalar(v, 10)))
}

// TestSpatialEmbeddingGradient checks the gradients by finite differences of the
// same graph, 2D and 3D: of the object terms w.r.t. the prediction, of the seed
// term w.r.t. the seed channel (the rest held constant).
func TestSpatialEmbeddingGradient(t *testing.T) {
	b := newBackend(t)
	step := [3]float64{1.0 / 31, 1.0 / 31, 1.0 / 31}
	cases := []struct {
		name string
		cfg  SpatialEmbeddingConfig
		c    embedCase
	}{
		{"2D", SpatialEmbeddingConfig{Dims: 2, MaxInstances: 8, Step: step}, discCase(6, 2, []int{8, 10}, 3, step)},
		{"3D", SpatialEmbeddingConfig{Dims: 3, MaxInstances: 4, Step: step}, discCase(7, 1, []int{4, 6, 6}, 2, step)},
	}
	for _, tc := range cases {
		a := tc.c.args()
		consts := func(g *graph.Graph) (inst, cen *graph.Node) {
			return graph.Reshape(graph.Const(g, a[1].v), a[1].dims...), graph.Reshape(graph.Const(g, a[2].v), a[2].dims...)
		}
		t.Run(tc.name+" object terms", func(t *testing.T) {
			f := func(x []*graph.Node) *graph.Node {
				inst, cen := consts(x[0].Graph())
				return objectTerms(tc.cfg, x[0], inst, cen)
			}
			in := []gradcheck.Input{{Name: "pred", Dims: a[0].dims, Values: a[0].v}}
			if _, err := gradcheck.Check(b, f, in, gradcheck.Options{MaxElements: 150, Seed: 5, Tol: 1e-4}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run(tc.name+" seed term", func(t *testing.T) {
			d := tc.c.dims()
			f := func(x []*graph.Node) *graph.Node {
				inst, cen := consts(x[0].Graph())
				rest := graph.SliceAxis(graph.Reshape(graph.Const(x[0].Graph(), a[0].v), a[0].dims...), 1, graph.AxisRange(0, 2*d))
				_, _, s := spatialEmbeddingTerms(tc.cfg, graph.Concatenate([]*graph.Node{rest, x[0]}, 1), inst, cen)
				return graph.ReduceAllMean(s)
			}
			seedDims := append([]int{tc.c.batch, 1}, tc.c.spatial...)
			n := tc.c.voxels()
			var seed []float64
			for bi := range tc.c.batch {
				seed = append(seed, a[0].v[(bi*(2*d+1)+2*d)*n:(bi*(2*d+1)+2*d+1)*n]...)
			}
			in := []gradcheck.Input{{Name: "seed", Dims: seedDims, Values: seed}}
			if _, err := gradcheck.Check(b, f, in, gradcheck.Options{MaxElements: 100, Seed: 5}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSpatialEmbeddingGradientNearExact compares the object terms' gradient
// (histogram Lovász weights) with central differences of the sort-based reference.
func TestSpatialEmbeddingGradientNearExact(t *testing.T) {
	b := newBackend(t)
	cfg := SpatialEmbeddingConfig{Dims: 2, MaxInstances: 8}
	c := discCase(8, 1, []int{16, 20}, 4, cfg.WithDefaults().Step)
	a := c.args()
	grad := graph.MustExecOnceN(b, func(p, i, ce *graph.Node) []*graph.Node {
		return graph.Gradient(objectTerms(cfg, p, i, ce), p)
	}, a[0].tensor(), a[1].tensor(), a[2].tensor())
	got := tensors.MustCopyFlatData[float64](grad[0])
	ref := func() float64 {
		inst, vari, _ := refEmbeddingTerms(cfg, c)
		return inst + 10*vari
	}
	var num, diff float64
	const eps = 1e-6
	for i := 0; i < len(c.pred); i += 7 {
		orig := c.pred[i]
		c.pred[i] = orig + eps
		up := ref()
		c.pred[i] = orig - eps
		down := ref()
		c.pred[i] = orig
		fd := (up - down) / (2 * eps)
		num += fd * fd
		diff += (fd - got[i]) * (fd - got[i])
	}
	rel := math.Sqrt(diff / num)
	if !(rel < 0.02) {
		t.Fatalf("gradient differs from the exact loss's by %.3g (relative L2)", rel)
	}
	t.Logf("relative L2 difference to the exact gradient: %.2e", rel)
}

// TestSpatialEmbeddingErrors checks that bad configs and shapes name the culprit.
func TestSpatialEmbeddingErrors(t *testing.T) {
	cfgs := []struct {
		cfg  SpatialEmbeddingConfig
		want string
	}{
		{SpatialEmbeddingConfig{Dims: 1}, "spatial_embedding.dims"},
		{SpatialEmbeddingConfig{Dims: 2, Step: [3]float64{0, -1, 0}}, "spatial_embedding.step[1]"},
		{SpatialEmbeddingConfig{Dims: 2, Bins: 1}, "spatial_embedding.bins"},
		{SpatialEmbeddingConfig{Dims: 2, MaxInstances: -1}, "spatial_embedding.max_instances"},
		{SpatialEmbeddingConfig{Dims: 2, ForegroundWeight: -1}, "spatial_embedding.foreground_weight"},
	}
	for _, tc := range cfgs {
		if err := tc.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	b := newBackend(t)
	shapes := []struct {
		pred, inst []int
		want       string
	}{
		{[]int{1, 4, 8, 8}, []int{1, 1, 8, 8}, "want [batch, 5, 2 spatial axes]"},
		{[]int{1, 5, 8, 8}, []int{1, 1, 8, 6}, "to match prediction [1 5 8 8]"},
	}
	for _, tc := range shapes {
		exec, err := graph.NewExec(b, embeddingFn(SpatialEmbeddingConfig{Dims: 2}))
		if err != nil {
			t.Fatal(err)
		}
		zeros := func(d []int) *tensors.Tensor {
			n := 1
			for _, v := range d {
				n *= v
			}
			return tensors.FromFlatDataAndDimensions(make([]float32, n), d...)
		}
		_, err = exec.Exec(zeros(tc.pred), zeros(tc.inst), zeros(tc.inst))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("pred %v, instances %v: %v, want %q", tc.pred, tc.inst, err, tc.want)
		}
		exec.Finalize()
	}
}
