package im2im

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/onnx"
)

// Largest test tile side per spatial axis (2D, 3D): test tensors and covers
// stay small.
const (
	testTile2D = 256
	testTile3D = 48
)

// testTensors are a package's test input and output and the axis sizes
// derived from the net and the test image.
type testTensors struct {
	source           string
	raw              []float32 // [1, C, spatial...], before preprocessing
	inShape          []int
	logits, out      []float32 // the net's output; after postprocessing
	outShape         []int
	min, step, halo  []int
	scale            []float64
	unit             string
	preprocessedDiff float64 // max |declared preprocessing − the run's normalisation|
}

// cutTestInput reads the run's input image and cuts a centred tile whose
// sizes are valid for the net (min + n·step, at most testTile per axis).
func cutTestInput(r Config, path string, info onnx.Info, halo []int) (*testTensors, error) {
	d := r.Data
	s, err := dataset.Load(dataset.Subject{ID: "test", Files: map[string]string{d.Input: path}}, d.Dims)
	if err != nil {
		return nil, fmt.Errorf("export: test image: %w", err)
	}
	a := s.Arrays[d.Input]
	chans, err := predictChannels(r.fcn().Predict, a.Shape[0])
	if err != nil {
		return nil, fmt.Errorf("export: test image %s: %w", path, err)
	}
	if len(chans) != info.InChannels {
		return nil, fmt.Errorf("export: test image %s: %s, the net takes %d", path, describeChannels(r.fcn().Predict, chans), info.InChannels)
	}
	spatial := a.Shape[1:]
	t := &testTensors{source: path, min: make([]int, d.Dims), step: make([]int, d.Dims), halo: make([]int, d.Dims)}
	t.scale, t.unit = pixelSize(path, d.Dims)
	limit := testTile2D
	if d.Dims == 3 {
		limit = testTile3D
	}
	tile := make([]int, d.Dims)
	for ax := range d.Dims {
		step := 1
		if ax < len(info.AxisDivisors) {
			step = max(info.AxisDivisors[ax], 1)
		}
		h := halo[ax]
		mn := step * ((2*h + 1 + step - 1) / step)
		size := min(spatial[ax], max(limit, mn))
		size -= (size - mn) % step
		if size < mn { // a small image: the halo shrinks to fit
			size = spatial[ax] - spatial[ax]%step
			if size < step {
				return nil, fmt.Errorf("export: test image %s: spatial size %v is below the net's size step %d on axis %d", path, spatial, step, ax)
			}
			mn, h = size, (size-1)/2
		}
		t.min[ax], t.step[ax], t.halo[ax], tile[ax] = mn, step, h, size
	}
	t.inShape = append([]int{1, len(chans)}, tile...)
	t.raw = make([]float32, 0, prodInts(t.inShape))
	vox := prodInts(spatial)
	for _, c := range chans {
		plane := a.Data[c*vox : (c+1)*vox]
		t.raw = append(t.raw, cropCentre(plane, spatial, tile)...)
	}
	return t, nil
}

func prodInts(v []int) int {
	n := 1
	for _, x := range v {
		n *= x
	}
	return n
}

// cropCentre returns the centred window of size tile of a row-major volume.
func cropCentre(x []float32, shape, tile []int) []float32 {
	off := make([]int, len(shape))
	for i := range shape {
		off[i] = (shape[i] - tile[i]) / 2
	}
	out := make([]float32, 0, prodInts(tile))
	last := len(shape) - 1
	idx := make([]int, last)
	for row := 0; row < prodInts(tile[:last]); row++ {
		rem := row
		for a := last - 1; a >= 0; a-- {
			idx[a] = rem % tile[a]
			rem /= tile[a]
		}
		src := 0
		for a := 0; a < last; a++ {
			src = src*shape[a] + idx[a] + off[a]
		}
		src = src*shape[last] + off[last]
		out = append(out, x[src:src+tile[last]]...)
	}
	return out
}

// axesOf names the axes of a [batch, channel, spatial...] tensor.
func axesOf(dims int) []string { return append([]string{"batch", "channel"}, spaceIDs(dims)...) }

// compute runs the declared preprocessing, the net (im2im's own, from the
// checkpoint) and the declared postprocessing on the test input. The
// preprocessing must agree with the run's normalisation of the same tile.
func (t *testTensors) compute(ctx context.Context, r Config, checkpoint string, pre, post []bioimageio.Processing) error {
	dims := r.Data.Dims
	in := &bioimageio.Array{Axes: axesOf(dims), Shape: t.inShape, Data: slices.Clone(t.raw)}
	if err := bioimageio.Apply(pre, in); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	s := array.NewSample("test")
	ours, err := array.FromData(slices.Clone(t.raw), t.inShape[1:]...)
	if err != nil {
		return err
	}
	s.Arrays[r.Data.Input] = ours
	if s, err = preprocess(r.Data, s); err != nil {
		return fmt.Errorf("export: the run's preprocessing of the test tile: %w", err)
	}
	got := s.Arrays[r.Data.Input]
	if got == nil || len(got.Data) != len(in.Data) {
		return fmt.Errorf("export: the run's preprocessing changes the input's shape; a package cannot describe that")
	}
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for i, v := range got.Data {
		t.preprocessedDiff = max(t.preprocessedDiff, math.Abs(float64(v-in.Data[i])))
		lo, hi = min(lo, v), max(hi, v)
	}
	if t.preprocessedDiff > 1e-3*math.Max(1, float64(hi-lo)) {
		return fmt.Errorf("export: the package's preprocessing %v differs from the run's data.normalize %v by up to %.3g on the test tile",
			pre, r.Data.Normalize, t.preprocessedDiff)
	}
	m, b, err := loadModel(r, checkpoint, t.inShape[1])
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer b.Finalize()
	logits, shape, err := m.Predictor()(ctx, in.Data, in.Shape)
	if err != nil {
		return fmt.Errorf("export: the net on the test input: %w", err)
	}
	t.logits, t.outShape = slices.Clone(logits), shape
	out := &bioimageio.Array{Axes: axesOf(dims), Shape: shape, Data: slices.Clone(logits)}
	if err := bioimageio.Apply(post, out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	t.out = out.Data
	return nil
}

// npyBytes encodes a [batch, channel, spatial...] float32 tensor as .npy.
func npyBytes(x []float32, shape []int) ([]byte, error) {
	a, err := imageio.ArrayOf(x, "TCZYX"[5-len(shape):], shape...)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := imageio.EncodeNPY(&b, a, false); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
