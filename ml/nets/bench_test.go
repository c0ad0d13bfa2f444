package nets

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/im2im/im2im/ml/loss"
)

// benchDims reads IM2IM_BENCH_DIMS ("8,1,128,128" by default is too slow for the
// pure-Go conv; the default here is 2,1,64,64).
func benchDims() []int {
	s := os.Getenv("IM2IM_BENCH_DIMS")
	if s == "" {
		return []int{2, 1, 64, 64}
	}
	var dims []int
	for _, p := range strings.Split(s, ",") {
		v, _ := strconv.Atoi(p)
		dims = append(dims, v)
	}
	return dims
}

// BenchmarkUNetStep times one Adam training step of the reference U-Net (base 16,
// 16-32-64, two conv3×3+BN+ReLU per level, max-pool, ConvTranspose k2 s2, MSE) on the
// im2im backend; IM2IM_BENCH_DIMS sets the batch shape (2D or 3D).
func BenchmarkUNetStep(bm *testing.B) {
	dims := benchDims()
	b := newBackend(bm)
	net := UNet{Dims: len(dims) - 2, OutChannels: 1, Features: []int{16, 32, 64}, Down: DownMaxPool, Norm: "batch", Act: "relu"}
	ctx := context.New()
	opt := optimizers.Adam().LearningRate(1e-3).Done()
	step, err := context.NewExec(b, ctx, func(ctx *context.Context, x, y *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), true)
		l := loss.MSE{}.Loss(net.Build(ctx, x), y)
		opt.UpdateGraph(ctx, x.Graph(), l)
		return l
	})
	if err != nil {
		bm.Fatal(err)
	}
	defer step.Finalize()
	x, y := randomInput(1, dims...), randomInput(2, dims...)
	if _, err := step.Exec(x, y); err != nil { // compile + warm-up
		bm.Fatal(err)
	}
	bm.ResetTimer()
	for range bm.N {
		if _, err := step.Exec(x, y); err != nil {
			bm.Fatal(err)
		}
	}
}
