package nn

import "github.com/gomlx/gomlx/pkg/core/graph"

// Padding modes of PadSpatial.
const (
	// PadReflect mirrors the border without repeating it (PyTorch's
	// ReflectionPad: 1 2 3 → 3 2 | 1 2 3 | 2 1).
	PadReflect = "reflect"
	// PadReplicate repeats the border value (PyTorch's ReplicationPad).
	PadReplicate = "replicate"
)

// PadSpatial pads every spatial axis of x [B, C, S...] by p voxels on both
// sides, mirroring (PadReflect, which needs p < size) or repeating
// (PadReplicate) the border. It is built from slices, reversals and
// concatenations, whose gradients are exact (GoMLX v0.26 defines no gradient
// for Reverse, so mirrored borders are concatenated voxel by voxel: p is small).
func PadSpatial(x *graph.Node, p int, mode string) *graph.Node {
	checkSpatial("PadSpatial", x)
	if p == 0 {
		return x
	}
	if p < 0 {
		panicf("PadSpatial: negative padding %d", p)
	}
	for axis := 2; axis < x.Rank(); axis++ {
		n := x.Shape().Dimensions[axis]
		var before, after *graph.Node
		switch mode {
		case PadReflect:
			if p >= n {
				panicf("PadSpatial: reflection padding %d needs more than %d voxels along axis %d of %s", p, p, axis, x.Shape())
			}
			before = voxels(x, axis, p, -1, p)  // x[p], …, x[1]
			after = voxels(x, axis, n-2, -1, p) // x[n−2], …, x[n−1−p]
		case PadReplicate:
			first := graph.SliceAxis(x, axis, graph.AxisRange(0, 1))
			last := graph.SliceAxis(x, axis, graph.AxisRange(n-1, n))
			before, after = repeatAxis(first, axis, p), repeatAxis(last, axis, p)
		default:
			panicf("PadSpatial: unknown mode %q (want %q or %q)", mode, PadReflect, PadReplicate)
		}
		x = graph.Concatenate([]*graph.Node{before, x, after}, axis)
	}
	return x
}

// voxels concatenates the n single-voxel slices from, from+step, … along axis.
func voxels(x *graph.Node, axis, from, step, n int) *graph.Node {
	parts := make([]*graph.Node, n)
	for i := range parts {
		j := from + i*step
		parts[i] = graph.SliceAxis(x, axis, graph.AxisRange(j, j+1))
	}
	if n == 1 {
		return parts[0]
	}
	return graph.Concatenate(parts, axis)
}

// repeatAxis concatenates p copies of x (size 1 along axis) along axis.
func repeatAxis(x *graph.Node, axis, p int) *graph.Node {
	parts := make([]*graph.Node, p)
	for i := range parts {
		parts[i] = x
	}
	if p == 1 {
		return x
	}
	return graph.Concatenate(parts, axis)
}
