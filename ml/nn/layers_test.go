package nn

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

func f32(seed uint64, dims ...int) *tensors.Tensor {
	v := in("x", seed, dims...).Values
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(3*x + 2) // mean ≈ 2, so running statistics visibly move
	}
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

func varValues(t *testing.T, ctx *context.Context, scope, name string) []float32 {
	t.Helper()
	v := ctx.GetVariableByScopeAndName(scope, name)
	if v == nil {
		t.Fatalf("variable %s/%s missing", scope, name)
	}
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

// TestBatchNormRunningStats checks that a training step updates the running mean and
// variance by momentum 0.1 towards the batch statistics, and that inference graphs
// normalize with the running values instead of the batch's.
func TestBatchNormRunningStats(t *testing.T) {
	b := newBackend(t)
	ctx := context.New()
	train, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), true)
		return Norm(ctx.In("bn"), x, NormBatch)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer train.Finalize()
	x := f32(1, 4, 2, 3, 3)
	xs := tensors.MustCopyFlatData[float32](x)
	if _, err := train.Exec(x); err != nil {
		t.Fatal(err)
	}
	// Batch statistics per channel, by hand.
	for c := range 2 {
		var sum, sq float64
		n := 0
		for s := range 4 {
			for i := range 9 {
				v := float64(xs[(s*2+c)*9+i])
				sum += v
				sq += v * v
				n++
			}
		}
		mean := sum / float64(n)
		unbiased := (sq - float64(n)*mean*mean) / float64(n-1)
		gotMean := varValues(t, ctx, "/bn", "running_mean")[c]
		gotVar := varValues(t, ctx, "/bn", "running_var")[c]
		if math.Abs(float64(gotMean)-0.1*mean) > 1e-5 || math.Abs(float64(gotVar)-(0.9+0.1*unbiased)) > 1e-4 {
			t.Fatalf("channel %d: running mean %v var %v, want %v and %v", c, gotMean, gotVar, 0.1*mean, 0.9+0.1*unbiased)
		}
	}
	// Inference uses the running statistics: output = (x - rm)/sqrt(rv + eps).
	infer, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return Norm(ctx.In("bn"), x, NormBatch)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer infer.Finalize()
	out, err := infer.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](out[0])
	rm, rv := varValues(t, ctx, "/bn", "running_mean"), varValues(t, ctx, "/bn", "running_var")
	for i, v := range xs {
		c := (i / 9) % 2
		want := (v - rm[c]) / float32(math.Sqrt(float64(rv[c])+NormEpsilon))
		if math.Abs(float64(got[i]-want)) > 1e-4 {
			t.Fatalf("inference output %d = %v, want %v", i, got[i], want)
		}
	}
	if rm2 := varValues(t, ctx, "/bn", "running_mean"); rm2[0] != rm[0] {
		t.Fatal("inference changed the running mean")
	}
}

func TestDropoutOnlyWhileTraining(t *testing.T) {
	b := newBackend(t)
	for _, training := range []bool{false, true} {
		ctx := context.New()
		exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
			ctx.SetTraining(x.Graph(), training)
			return Dropout(ctx, x, 0.5)
		})
		if err != nil {
			t.Fatal(err)
		}
		ones := make([]float32, 1000)
		for i := range ones {
			ones[i] = 1
		}
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(ones, 1, 1, 1000))
		exec.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		zeros, twos := 0, 0
		for _, v := range tensors.MustCopyFlatData[float32](out[0]) {
			switch v {
			case 0:
				zeros++
			case 2:
				twos++
			}
		}
		if !training && zeros != 0 {
			t.Fatalf("dropout active outside training: %d zeros", zeros)
		}
		if training && (zeros < 400 || zeros > 600 || zeros+twos != 1000) {
			t.Fatalf("dropout 0.5 while training: %d zeros, %d scaled values", zeros, twos)
		}
	}
}

func TestLayerShapes(t *testing.T) {
	b := newBackend(t)
	cases := []struct {
		name string
		in   []int
		f    func(ctx *context.Context, x *graph.Node) *graph.Node
		want []int
	}{
		{"conv k3 s1", []int{1, 2, 7, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node { return Conv(ctx, x, 5, 3, 1, true) }, []int{1, 5, 7, 6}},
		{"conv k3 s2 odd size", []int{1, 2, 7, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node { return Conv(ctx, x, 4, 3, 2, false) }, []int{1, 4, 4, 3}},
		{"conv 3D k2 s2", []int{1, 1, 4, 4, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node { return Conv(ctx, x, 3, 2, 2, true) }, []int{1, 3, 2, 2, 3}},
		{"upconv 3D", []int{2, 4, 2, 3, 2}, func(ctx *context.Context, x *graph.Node) *graph.Node { return UpConv(ctx, x, 3) }, []int{2, 3, 4, 6, 4}},
		{"conv 3D strides [1,2,2]", []int{1, 1, 3, 4, 6}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ConvAxes(ctx, x, 2, 3, []int{1, 2, 2}, true)
		}, []int{1, 2, 3, 2, 3}},
		{"upconv 3D [1,2,2]", []int{1, 4, 3, 2, 2}, func(ctx *context.Context, x *graph.Node) *graph.Node { return UpConvAxes(ctx, x, 2, []int{1, 2, 2}) }, []int{1, 2, 3, 4, 4}},
		{"residual unit [1,2,2]", []int{1, 2, 3, 4, 4}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ResidualUnitAxes(ctx, x, 3, []int{1, 2, 2}, 1, BlockConfig{})
		}, []int{1, 3, 3, 2, 2}},
		{"maxpool", []int{1, 2, 8, 6}, func(_ *context.Context, x *graph.Node) *graph.Node { return MaxPool(x, 2, 2) }, []int{1, 2, 4, 3}},
		{"residual unit strided", []int{1, 2, 8, 8}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return ResidualUnit(ctx, x, 6, 2, 2, BlockConfig{Norm: NormGroup})
		}, []int{1, 6, 4, 4}},
		{"attention gate", []int{1, 4, 4, 4}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return AttentionGate(ctx, Conv(ctx.In("g"), x, 3, 1, 1, true), x, 2, NormBatch)
		}, []int{1, 4, 4, 4}},
		{"norms", []int{2, 4, 3, 3}, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return Norm(ctx.In("i"), Norm(ctx.In("g"), Norm(ctx.In("n"), x, NormNone), NormGroup), NormInstance)
		}, []int{2, 4, 3, 3}},
		{"prelu", []int{1, 1, 2, 2}, func(ctx *context.Context, x *graph.Node) *graph.Node { return Act(ctx, x, ActPReLU) }, []int{1, 1, 2, 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exec, err := context.NewExec(b, context.New(), tc.f)
			if err != nil {
				t.Fatal(err)
			}
			defer exec.Finalize()
			out, err := exec.Exec(f32(2, tc.in...))
			if err != nil {
				t.Fatal(err)
			}
			got := out[0].Shape().Dimensions
			if len(got) != len(tc.want) {
				t.Fatalf("shape %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("shape %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestPReLUValues(t *testing.T) {
	b := newBackend(t)
	exec, err := context.NewExec(b, context.New(), func(ctx *context.Context, x *graph.Node) *graph.Node { return Act(ctx, x, ActPReLU) })
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions([]float32{-2, -1, 0.5, 3}, 1, 1, 4))
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-0.5, -0.25, 0.5, 3}
	for i, v := range tensors.MustCopyFlatData[float32](out[0]) {
		if v != want[i] {
			t.Fatalf("prelu = %v, want %v", tensors.MustCopyFlatData[float32](out[0]), want)
		}
	}
}

func TestUnknownNamesPanicClearly(t *testing.T) {
	b := newBackend(t)
	for _, f := range []func(ctx *context.Context, x *graph.Node) *graph.Node{
		func(ctx *context.Context, x *graph.Node) *graph.Node { return Norm(ctx, x, "layer") },
		func(ctx *context.Context, x *graph.Node) *graph.Node { return Act(ctx, x, "swish") },
	} {
		exec, err := context.NewExec(b, context.New(), f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = exec.Exec(f32(1, 1, 2, 2, 2))
		exec.Finalize()
		if err == nil {
			t.Fatal("unknown name accepted")
		}
		if msg := err.Error(); !strings.Contains(msg, "layer") && !strings.Contains(msg, "swish") {
			t.Fatalf("error does not name the culprit: %v", err)
		}
	}
}
