package imageio

import (
	"fmt"
	"strings"
)

// Span is a half-open index range [Start, Stop) along one axis. The zero Span
// selects the whole axis; Stop <= 0 means "to the end".
type Span struct {
	Start, Stop int
}

// At selects the single index i.
func At(i int) Span { return Span{i, i + 1} }

// Range selects indices [start, stop).
func Range(start, stop int) Span { return Span{start, stop} }

// Selection picks a sub-array of a TCZYX image, like aicsimageio's
// get_image_data("ZYX", T=0, C=1), which is Selection{Dims: "ZYX", T: At(0), C: At(1)}.
//
// Dims is the output axis order: distinct letters of "TCZYX" in any order
// ("" means "TCZYX"). An axis left out of Dims must select exactly one index
// (explicitly, or because the image has size 1 there).
type Selection struct {
	Dims          string
	T, C, Z, Y, X Span
}

// resolved is a selection checked against an image shape.
type resolved struct {
	start, stop [5]int // per TCZYX
	dims        string // output dims
	shape       []int  // output shape
	outStride   [5]int // output element stride per TCZYX axis (0 for dropped axes)
}

// resolve checks sel against a TCZYX shape.
func (sel Selection) resolve(shape [5]int) (*resolved, error) {
	r := &resolved{dims: sel.Dims}
	if r.dims == "" {
		r.dims = "TCZYX"
	}
	spans := [5]Span{sel.T, sel.C, sel.Z, sel.Y, sel.X}
	for i, sp := range spans {
		start, stop := sp.Start, sp.Stop
		if stop <= 0 {
			stop = shape[i]
		}
		if start < 0 || start >= stop || stop > shape[i] {
			return nil, fmt.Errorf("selection %c=[%d,%d) is outside the image's %c size %d", "TCZYX"[i], sp.Start, sp.Stop, "TCZYX"[i], shape[i])
		}
		r.start[i], r.stop[i] = start, stop
	}
	seen := [5]bool{}
	for i := 0; i < len(r.dims); i++ {
		k := strings.IndexByte("TCZYX", r.dims[i])
		if k < 0 {
			return nil, fmt.Errorf("selection dims %q: %q is not one of T, C, Z, Y, X", r.dims, r.dims[i])
		}
		if seen[k] {
			return nil, fmt.Errorf("selection dims %q repeat %q", r.dims, r.dims[i])
		}
		seen[k] = true
		r.shape = append(r.shape, r.stop[k]-r.start[k])
	}
	for k := 0; k < 5; k++ {
		if !seen[k] && r.stop[k]-r.start[k] != 1 {
			return nil, fmt.Errorf("selection dims %q leave out %c, which has %d elements [%d,%d); select one, e.g. %c: imageio.At(0)",
				r.dims, "TCZYX"[k], r.stop[k]-r.start[k], r.start[k], r.stop[k], "TCZYX"[k])
		}
	}
	st := strides(r.shape)
	for i := 0; i < len(r.dims); i++ {
		r.outStride[strings.IndexByte("TCZYX", r.dims[i])] = st[i]
	}
	if _, err := shapeLen(r.shape); err != nil {
		return nil, err
	}
	return r, nil
}

// offset returns the output element index of image position (t, c, z, y, x).
func (r *resolved) offset(t, c, z, y, x int) int {
	return (t-r.start[0])*r.outStride[0] + (c-r.start[1])*r.outStride[1] + (z-r.start[2])*r.outStride[2] +
		(y-r.start[3])*r.outStride[3] + (x-r.start[4])*r.outStride[4]
}

// subArray cuts a selection out of a TCZYX array held in memory. full.Data may
// hold only part of the array: its first element is flat index origin.
func subArray(full *Array, origin int, r *resolved) *Array {
	out := &Array{DType: full.DType, Dims: r.dims, Shape: r.shape}
	fst := strides(full.Shape)
	shape := make([]int, len(r.dims))
	st := make([]int, len(r.dims))
	base := -origin
	for k := 0; k < 5; k++ {
		base += r.start[k] * fst[k]
	}
	for i := 0; i < len(r.dims); i++ {
		k := strings.IndexByte("TCZYX", r.dims[i])
		shape[i] = r.shape[i]
		st[i] = fst[k]
	}
	n, _ := shapeLen(shape)
	out.Data = makeSlice(full.DType, n)
	gather(out.Data, sliceFrom(full.Data, base), shape, st)
	return out
}

// sliceFrom returns data[off:] for a typed slice.
func sliceFrom(data any, off int) any {
	switch s := data.(type) {
	case []uint8:
		return s[off:]
	case []uint16:
		return s[off:]
	case []uint32:
		return s[off:]
	case []uint64:
		return s[off:]
	case []int8:
		return s[off:]
	case []int16:
		return s[off:]
	case []int32:
		return s[off:]
	case []int64:
		return s[off:]
	case []float32:
		return s[off:]
	case []float64:
		return s[off:]
	}
	return nil
}
