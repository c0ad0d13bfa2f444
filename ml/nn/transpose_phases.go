package nn

import (
	"slices"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// A transposed convolution with stride s computes each output phase — the
// outputs o with o mod s = r on an axis — from the undilated input and only the
// kernel taps t with (r + t − (k−1−p)) mod s = 0: a stride-1 convolution with a
// kernel of about k/s taps per axis. convTransposePhases computes the s^D phases
// so and interleaves them, where the zero-insertion form convolved an s^D times
// larger input with all k^D taps, most of them multiplying inserted zeros (k3 s2
// in 2D: 9 products per output there, 2.25 on average here). Every step is a
// convolution, slice, pad, concatenation, reshape or transpose: all have exact
// gradients.

// axisPhase is one output phase of one axis: the kernel taps it uses (in
// increasing order, s apart) and the input offset of the first one (the output
// at q reads inputs q+offset, q+offset+1, …).
type axisPhase struct {
	taps   []int
	offset int
}

// phasePlan returns the phases r = 0..s−1 of an axis with kernel k, stride s
// and padding p.
func phasePlan(k, s, p int) []axisPhase {
	before := k - 1 - p
	plan := make([]axisPhase, s)
	for r := range s {
		for t := range k {
			if ((r+t-before)%s+s)%s == 0 {
				plan[r].taps = append(plan[r].taps, t)
			}
		}
		if len(plan[r].taps) > 0 {
			d := r + plan[r].taps[0] - before // a multiple of s
			plan[r].offset = d / s
		}
	}
	return plan
}

// convTransposePhases is ConvTranspose by output phases (see above); the
// arguments are ConvTranspose's, already checked.
func convTransposePhases(x, w, bias *graph.Node, strides, paddings, outputPaddings []int) *graph.Node {
	spatial := x.Rank() - 2
	dims := x.Shape().Dimensions
	kernel := w.Shape().Dimensions[2:]
	cout := w.Shape().Dimensions[0]
	lout, q := make([]int, spatial), make([]int, spatial)
	plans := make([][]axisPhase, spatial)
	for a := range spatial {
		lout[a] = (dims[2+a]-1)*strides[a] - 2*paddings[a] + kernel[a] + outputPaddings[a]
		q[a] = (lout[a] + strides[a] - 1) / strides[a]
		plans[a] = phasePlan(kernel[a], strides[a], paddings[a])
	}
	total := 1
	for _, s := range strides {
		total *= s
	}
	phases := make([]*graph.Node, total)
	r := make([]int, spatial)
	for i := range total {
		rem := i
		for a := spatial - 1; a >= 0; a-- {
			r[a] = rem % strides[a]
			rem /= strides[a]
		}
		phases[i] = transposePhase(x, w, plans, r, q, cout)
	}
	// [B, Cout, s1·…·sD, q…] → [B, Cout, s…, q…] → [B, Cout, q1, s1, …] → [B, Cout, q1·s1, …].
	y := graph.Stack(phases, 2)
	split := append([]int{dims[0], cout}, strides...)
	y = graph.Reshape(y, append(split, q...)...)
	perm := []int{0, 1}
	merged := []int{dims[0], cout}
	for a := range spatial {
		perm = append(perm, 2+spatial+a, 2+a)
		merged = append(merged, q[a]*strides[a])
	}
	y = cropSpatial(graph.Reshape(graph.TransposeAllAxes(y, perm...), merged...), lout)
	if bias != nil {
		y = graph.Add(y, channelVector(bias, y))
	}
	return y
}

// transposePhase is the output phase r (one index per axis) of a transposed
// convolution: [B, Cout, q…].
func transposePhase(x, w *graph.Node, plans [][]axisPhase, r, q []int, cout int) *graph.Node {
	spatial := len(r)
	pads := make([][2]int, spatial)
	for a := range spatial {
		ph := plans[a][r[a]]
		if len(ph.taps) == 0 {
			out := append([]int{x.Shape().Dimensions[0], cout}, q...)
			return graph.Zeros(x.Graph(), shapeOf(x, out...))
		}
		axis := 2 + a
		taps := make([]*graph.Node, len(ph.taps))
		for j, t := range ph.taps {
			taps[j] = graph.SliceAxis(w, axis, graph.AxisRange(t, t+1))
		}
		if len(taps) > 1 {
			w = graph.Concatenate(taps, axis)
		} else {
			w = taps[0]
		}
		start := ph.offset
		if start > 0 {
			n := x.Shape().Dimensions[axis]
			x = graph.SliceAxis(x, axis, graph.AxisRange(min(start, n), n))
			start = 0
		}
		n := x.Shape().Dimensions[axis]
		// Output q reads padded inputs q … q+L−1 of a length n−start+right input.
		right := max(0, q[a]+len(ph.taps)-1-(n-start))
		pads[a] = [2]int{-start, right}
	}
	return cropSpatial(ConvND(x, w, nil, nil, pads), q)
}

// cropSpatial keeps the first lengths[a] voxels of each spatial axis of y
// [B, C, spatial...] (y itself when it has those lengths).
func cropSpatial(y *graph.Node, lengths []int) *graph.Node {
	if slices.Equal(y.Shape().Dimensions[2:], lengths) {
		return y
	}
	ranges := make([]graph.SliceAxisSpec, y.Rank())
	for i := range ranges {
		ranges[i] = graph.AxisRange()
	}
	for a, n := range lengths {
		ranges[2+a] = graph.AxisRange(0, n)
	}
	return graph.Slice(y, ranges...)
}
