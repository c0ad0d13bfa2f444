package kernels

import "fmt"

// Pad writes src (row-major, dims in) into out (dims outDims) at offset low per axis
// (negative offsets crop), every other element of out being fill: XLA's Pad without
// interior padding. Work is split over the outermost axis.
func Pad(out, src []float32, in, outDims, low []int, fill float32) error {
	n := len(in)
	if n == 0 || len(outDims) != n || len(low) != n {
		return fmt.Errorf("kernels.Pad: input dims %v, output dims %v and offsets %v do not agree", in, outDims, low)
	}
	if len(src) != prod(in) || len(out) != prod(outDims) {
		return fmt.Errorf("kernels.Pad: %d input and %d output elements for dims %v and %v", len(src), len(out), in, outDims)
	}
	if n == 1 {
		padPlaneFill(out, src, in, outDims, low, fill)
		return nil
	}
	sub, subIn := prod(outDims[1:]), prod(in[1:])
	ParallelFor(outDims[0], func(_, i int) {
		dst := out[i*sub : (i+1)*sub]
		x := i - low[0]
		if x < 0 || x >= in[0] {
			fillFrom(dst, []float32{fill})
			return
		}
		padPlaneFill(dst, src[x*subIn:(x+1)*subIn], in[1:], outDims[1:], low[1:], fill)
	})
	return nil
}

// Iota writes out[idx] = idx[axis] over the row-major dims.
func Iota(out []float32, dims []int, axis int) error {
	if axis < 0 || axis >= len(dims) || len(out) != prod(dims) {
		return fmt.Errorf("kernels.Iota: axis %d, dims %v, %d elements", axis, dims, len(out))
	}
	n, inner := dims[axis], prod(dims[axis+1:])
	for o := 0; o < len(out); o += n * inner {
		for i := 0; i < n; i++ {
			fillFrom(out[o+i*inner:o+(i+1)*inner], []float32{float32(i)})
		}
	}
	return nil
}
