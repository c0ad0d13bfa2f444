package framework

import (
	"fmt"

	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/train"
)

// EmbedSegData serves an EmbedSeg dataset's batches with each crop's
// instance ids (channel 0 of the target [N, 2, spatial...]) renumbered 1..K
// in raster order of first appearance, as the loss's one-hot masks expect;
// channel 1 (the centres) is left as is. Ids beyond the loss's
// MaxInstances are ignored by the loss.
type EmbedSegData struct {
	train.Dataset
}

// Batch implements train.Dataset.
func (d EmbedSegData) Batch(epoch, i int) (train.Batch, error) {
	b, err := d.Dataset.Batch(epoch, i)
	if err != nil {
		return b, err
	}
	y := b.Y
	if len(y.Shape) < 3 || y.Shape[1] != 2 {
		return b, fmt.Errorf("embedseg: target batch %v: want [N, 2 (instances, centres), spatial...]", y.Shape)
	}
	vox := len(y.Data) / (y.Shape[0] * 2)
	data := make([]float32, len(y.Data))
	copy(data, y.Data) // the loader's arrays may be shared
	ids := make([]int32, vox)
	for n := 0; n < y.Shape[0]; n++ {
		ch := data[n*2*vox : n*2*vox+vox]
		for k, v := range ch {
			ids[k] = int32(v)
		}
		instance.Relabel(ids)
		for k, v := range ids {
			ch[k] = float32(v)
		}
	}
	b.Y = train.Tensor{Shape: y.Shape, Data: data}
	return b, nil
}
