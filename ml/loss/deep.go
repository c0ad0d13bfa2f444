package loss

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Deep applies Head to each head of a deep-supervision prediction (nets.DynUNet while
// training: heads of OutChannels channels concatenated on axis 1) and sums them with
// weights 0.5^i normalized to 1 (main head first), as MONAI's DeepSupervisionLoss.
// A prediction with exactly OutChannels channels (evaluation) is passed through.
type Deep struct {
	Head        Loss
	OutChannels int
}

// Loss implements Loss.
func (l Deep) Loss(pred, target *graph.Node) *graph.Node {
	c := pred.Shape().Dimensions[1]
	if l.OutChannels < 1 || c%l.OutChannels != 0 {
		panic(fmt.Errorf("loss deep: prediction has %d channels, not a multiple of out_channels %d", c, l.OutChannels))
	}
	heads := c / l.OutChannels
	if heads == 1 {
		return l.Head.Loss(pred, target)
	}
	var total float64
	for i := range heads {
		total += pow2(-i)
	}
	var sum *graph.Node
	for i := range heads {
		h := graph.Slice(pred, graph.AxisRange(), graph.AxisRange(i*l.OutChannels, (i+1)*l.OutChannels))
		term := graph.MulScalar(l.Head.Loss(h, target), pow2(-i)/total)
		if sum == nil {
			sum = term
		} else {
			sum = graph.Add(sum, term)
		}
	}
	return sum
}

func pow2(e int) float64 {
	v := 1.0
	for ; e < 0; e++ {
		v /= 2
	}
	return v
}
