package nn

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestChannelDropout checks that training graphs zero whole channels at about the
// rate and scale the kept ones by 1/(1−rate), and that inference graphs are the identity.
func TestChannelDropout(t *testing.T) {
	b := newBackend(t)
	const batch, ch, n, rate = 8, 50, 6, 0.3
	for _, training := range []bool{true, false} {
		ctx := context.New()
		exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
			ctx.SetTraining(x.Graph(), training)
			return ChannelDropout(ctx, x, rate)
		})
		if err != nil {
			t.Fatal(err)
		}
		ones := make([]float32, batch*ch*n*n)
		for i := range ones {
			ones[i] = 1
		}
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(ones, batch, ch, n, n))
		if err != nil {
			t.Fatal(err)
		}
		exec.Finalize()
		v := tensors.MustCopyFlatData[float32](out[0])
		dropped := 0
		for c := range batch * ch {
			first := v[c*n*n]
			for _, x := range v[c*n*n : (c+1)*n*n] {
				if x != first {
					t.Fatalf("training=%v: channel %d is not uniform (%v and %v)", training, c, first, x)
				}
			}
			switch {
			case first == 0:
				dropped++
			case !training && first != 1, training && math.Abs(float64(first)-1/(1-rate)) > 1e-6:
				t.Fatalf("training=%v: kept channel %d = %v", training, c, first)
			}
		}
		frac := float64(dropped) / (batch * ch)
		if (training && math.Abs(frac-rate) > 0.08) || (!training && dropped != 0) {
			t.Fatalf("training=%v: dropped fraction %.3f, rate %g", training, frac, rate)
		}
	}
}
