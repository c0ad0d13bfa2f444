package infer

import (
	"math"

	"github.com/im2im/im2im/data/array"
)

// starts returns the window start positions along one axis of length n (n >= w):
// evenly spaced by w×(1-overlap) (at least 1), the last one flush with the end.
func starts(n, w int, overlap float64) []int { return startsOn(n, w, overlap, 1) }

// startsOn is starts with every start a multiple of grid (n and w must be
// multiples of it): the stride is rounded down to a multiple of grid (at least
// grid).
func startsOn(n, w int, overlap float64, grid int) []int {
	if n <= w {
		return []int{0}
	}
	grid = max(grid, 1)
	stride := int(float64(w)*(1-overlap)) / grid * grid
	if stride < grid {
		stride = grid
	}
	count := (n-w+stride-1)/stride + 1
	out := make([]int, count)
	for i := range out {
		out[i] = i * stride
	}
	out[count-1] = n - w
	return out
}

// WindowCount is the number of windows Predict places over an image of the
// given spatial extents (axes shorter than the window are padded to it).
func WindowCount(spatial, window []int, overlap float64) int {
	return Options{Window: window, Overlap: overlap}.WindowCount(spatial)
}

// WindowCount is the number of windows Predict places with these options over
// an image of the given spatial extents (the image padded as Predict pads it).
func (o Options) WindowCount(spatial []int) int {
	n := 1
	for i := range spatial {
		if i < len(o.Window) && o.Window[i] > 0 {
			n *= len(startsOn(o.padded(spatial)[i], o.Window[i], o.Overlap, o.grid(i)))
		}
	}
	return n
}

// windowStarts returns every combination of per-axis starts, first axis outermost.
func windowStarts(spatial, window []int, overlap float64, grid func(int) int) [][]int {
	per := make([][]int, len(spatial))
	for i := range spatial {
		per[i] = startsOn(spatial[i], window[i], overlap, grid(i))
	}
	var out [][]int
	cur := make([]int, len(spatial))
	var rec func(axis int)
	rec = func(axis int) {
		if axis == len(spatial) {
			out = append(out, append([]int(nil), cur...))
			return
		}
		for _, s := range per[axis] {
			cur[axis] = s
			rec(axis + 1)
		}
	}
	rec(0)
	return out
}

// importance returns the blending weights of one window (prod(window) values).
// The gaussian is normalised to a maximum of 1 and clamped below at 1e-4 so that
// every voxel keeps a positive weight.
func importance(window []int, blend Blend, sigmaScale float64) []float64 {
	n := prod(window)
	w := make([]float64, n)
	if blend == Constant {
		for i := range w {
			w[i] = 1
		}
		return w
	}
	if sigmaScale == 0 {
		sigmaScale = 0.125
	}
	axes := make([][]float64, len(window))
	for a, size := range window {
		sigma := sigmaScale * float64(size)
		centre := float64(size-1) / 2
		axes[a] = make([]float64, size)
		for i := range axes[a] {
			d := float64(i) - centre
			axes[a][i] = math.Exp(-d * d / (2 * sigma * sigma))
		}
	}
	idx := make([]int, len(window))
	maxW := 0.0
	for i := range w {
		v := 1.0
		for a := range window {
			v *= axes[a][idx[a]]
		}
		w[i] = v
		maxW = math.Max(maxW, v)
		increment(idx, window)
	}
	for i := range w {
		w[i] = math.Max(w[i]/maxW, 1e-4)
	}
	return w
}

// increment advances a row-major multi-index over shape.
func increment(idx, shape []int) {
	for a := len(shape) - 1; a >= 0; a-- {
		idx[a]++
		if idx[a] < shape[a] {
			return
		}
		idx[a] = 0
	}
}

func prod(v []int) int {
	n := 1
	for _, x := range v {
		n *= x
	}
	return n
}

// strides returns row-major strides of shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = st
		st *= shape[i]
	}
	return s
}

// forEachRow calls fn for every innermost row of a box of extent size placed at start
// inside an array of the given shape: boxOff is the row's offset inside the box
// (row-major over size), arrOff its offset in the array. Rows have size[last] values.
func forEachRow(shape, start, size []int, fn func(boxOff, arrOff int)) {
	nd := len(shape)
	st := strides(shape)
	outer := append([]int(nil), size[:nd-1]...)
	rows := prod(outer)
	idx := make([]int, nd-1)
	rowLen := size[nd-1]
	for r := 0; r < rows; r++ {
		arrOff := start[nd-1]
		for a := 0; a < nd-1; a++ {
			arrOff += (start[a] + idx[a]) * st[a]
		}
		fn(r*rowLen, arrOff)
		increment(idx, outer)
	}
}

// pad extends the channel-first array x (shape [C, spatial...]) to the spatial extents
// target (each >= the original), appending at the end of every axis.
func pad(x []float32, shape []int, target []int, mode Padding) []float32 {
	c := shape[0]
	src := shape[1:]
	dst := make([]float32, c*prod(target))
	srcSt := strides(src)
	srcN, dstN := prod(src), prod(target)
	idx := make([]int, len(target))
	for i := 0; i < dstN; i++ {
		off, inside := 0, true
		for a := range target {
			j := idx[a]
			if j >= src[a] {
				inside = false
				if mode == PadReflect {
					j = array.Reflect(j, src[a])
				}
			}
			off += j * srcSt[a]
		}
		if inside || mode == PadReflect {
			for ch := 0; ch < c; ch++ {
				dst[ch*dstN+i] = x[ch*srcN+off]
			}
		}
		increment(idx, target)
	}
	return dst
}
