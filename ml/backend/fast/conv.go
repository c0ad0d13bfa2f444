package fast

import (
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// rowMajorStrides returns the element strides of a row-major array with dimensions dims.
func rowMajorStrides(dims []int) []int {
	s := make([]int, len(dims))
	st := 1
	for d := len(dims) - 1; d >= 0; d-- {
		s[d] = st
		st *= dims[d]
	}
	return s
}

// trailing reports whether axes are exactly the last len(axes) axes of a rank-r array, in order.
func trailing(axes []int, r int) bool {
	for i, a := range axes {
		if a != r-len(axes)+i {
			return false
		}
	}
	return true
}

// permute copies src (row-major, dims) into dst laid out with axes in the order perm:
// dst dimension i is src dimension perm[i].
func permute(dst, src []float32, dims, perm []int) {
	n := len(dims)
	srcStrides := rowMajorStrides(dims)
	outDims := make([]int, n)
	st := make([]int, n)
	for i, p := range perm {
		outDims[i], st[i] = dims[p], srcStrides[p]
	}
	idx := make([]int, n)
	inner, innerStride := outDims[n-1], st[n-1]
	for o := 0; o < len(dst); o += inner {
		off := 0
		for d := 0; d < n-1; d++ {
			off += idx[d] * st[d]
		}
		row := dst[o : o+inner]
		if innerStride == 1 {
			copy(row, src[off:off+inner])
		} else {
			for t := range row {
				row[t] = src[off+t*innerStride]
			}
		}
		for d := n - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < outDims[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// canonical returns data laid out with the two role axes a0, a1 first and the spatial axes
// after them in order, plus the strides of a0 and a1. It copies only when the spatial axes
// are not already the trailing axes in order.
func canonical(data []float32, shape shapes.Shape, a0, a1 int, spatial []int) ([]float32, int, int) {
	st := rowMajorStrides(shape.Dimensions)
	if trailing(spatial, shape.Rank()) {
		return data, st[a0], st[a1]
	}
	perm := append([]int{a0, a1}, spatial...)
	out := make([]float32, len(data))
	permute(out, data, shape.Dimensions, perm)
	sp := 1
	for _, a := range spatial {
		sp *= shape.Dimensions[a]
	}
	return out, shape.Dimensions[a1] * sp, sp
}

// run executes the convolution into out (the output buffer's flat data).
func (c *convOp) run(in, kernel, out []float32) error {
	ax := c.axes
	n := len(ax.InputSpatial)
	dimsOf := func(s shapes.Shape, axes []int) []int {
		d := make([]int, len(axes))
		for i, a := range axes {
			d[i] = s.Dimensions[a]
		}
		return d
	}
	spec := &kernels.ConvSpec{
		Batch:           c.inShape.Dimensions[ax.InputBatch],
		InChannels:      c.inShape.Dimensions[ax.InputChannels],
		OutChannels:     c.kernelShape.Dimensions[ax.KernelOutputChannels],
		InSpatial:       dimsOf(c.inShape, ax.InputSpatial),
		KernelSpatial:   dimsOf(c.kernelShape, ax.KernelSpatial),
		OutSpatial:      dimsOf(c.outShape, ax.OutputSpatial),
		Strides:         c.strides,
		KernelDilations: c.kernelDilations,
		InputDilations:  c.inputDilations,
		PadLow:          make([]int, n),
	}
	for d := 0; d < n && d < len(c.paddings); d++ {
		spec.PadLow[d] = c.paddings[d][0]
	}
	in, spec.InBatchStride, spec.InChanStride = canonical(in, c.inShape, ax.InputBatch, ax.InputChannels, ax.InputSpatial)
	kernel, spec.KernelOutStride, spec.KernelInStride = canonical(kernel, c.kernelShape, ax.KernelOutputChannels, ax.KernelInputChannels, ax.KernelSpatial)
	if trailing(ax.OutputSpatial, c.outShape.Rank()) {
		st := rowMajorStrides(c.outShape.Dimensions)
		spec.OutBatchStride, spec.OutChanStride = st[ax.OutputBatch], st[ax.OutputChannels]
		return kernels.Conv(spec, in, kernel, out)
	}
	// Compute in [batch, channels, spatial…] and scatter into the requested layout.
	sp := len(out) / (spec.Batch * spec.OutChannels)
	tmp := make([]float32, len(out))
	spec.OutBatchStride, spec.OutChanStride = spec.OutChannels*sp, sp
	if err := kernels.Conv(spec, in, kernel, tmp); err != nil {
		return err
	}
	// tmp dims in canonical order; out axis a holds canonical axis inv[a].
	canonDims := append([]int{spec.Batch, spec.OutChannels}, spec.OutSpatial...)
	roles := append([]int{ax.OutputBatch, ax.OutputChannels}, ax.OutputSpatial...)
	inv := make([]int, len(roles))
	for i, a := range roles {
		inv[a] = i
	}
	permute(out, tmp, canonDims, inv)
	return nil
}

func kernelsPath() string { return kernels.ActivePath().String() }
