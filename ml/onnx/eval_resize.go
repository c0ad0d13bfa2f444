package onnx

import (
	"fmt"
	"math"
	"slices"
)

// evalResize is Resize with mode nearest or linear (separable, one axis at a
// time) and the coordinate transformations half_pixel, pytorch_half_pixel,
// align_corners and asymmetric; output sizes come from scales or sizes.
func evalResize(n *Node, in []*Tensor) (*Tensor, error) {
	x, err := need(in, 0, "X")
	if err != nil {
		return nil, err
	}
	for _, a := range []string{"axes", "antialias"} {
		if v, ok := n.Attrs[a]; ok && (v.I != 0 || len(v.Ints) > 0) {
			return nil, fmt.Errorf("attribute %s is not supported", a)
		}
	}
	mode := n.str("mode", "nearest")
	ctm := n.str("coordinate_transformation_mode", "half_pixel")
	nearest := n.str("nearest_mode", "round_prefer_floor")
	if mode != "nearest" && mode != "linear" {
		return nil, fmt.Errorf("mode %q is not supported (nearest, linear)", mode)
	}
	switch ctm {
	case "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric":
	default:
		return nil, fmt.Errorf("coordinate_transformation_mode %q is not supported", ctm)
	}
	r := len(x.Shape)
	outShape := slices.Clone(x.Shape)
	scales := make([]float64, r)
	switch {
	case len(in) > 3 && in[3] != nil && in[3].Len() > 0:
		sizes, err := needInts(in, 3, "sizes")
		if err != nil || len(sizes) != r {
			return nil, fmt.Errorf("sizes must hold %d integers", r)
		}
		for i, s := range sizes {
			if s < 1 || s > maxTensorElems {
				return nil, fmt.Errorf("sizes %v", sizes)
			}
			outShape[i], scales[i] = int(s), float64(s)/float64(x.Shape[i])
		}
	case len(in) > 2 && in[2] != nil:
		s, err := need(in, 2, "scales")
		if err != nil || len(s.Float) != r {
			return nil, fmt.Errorf("scales must hold %d floats", r)
		}
		for i, v := range s.Float {
			scales[i] = float64(v)
			o := math.Floor(float64(x.Shape[i]) * scales[i])
			if !(v > 0) || o < 1 || o > maxTensorElems {
				return nil, fmt.Errorf("scales %v", s.Float)
			}
			outShape[i] = int(o)
		}
	default:
		return nil, fmt.Errorf("neither scales nor sizes is given")
	}
	if shapeSize(outShape) > maxTensorElems {
		return nil, fmt.Errorf("output shape %v is too large", outShape)
	}
	cur := &Tensor{Shape: slices.Clone(x.Shape), Float: x.Float}
	for a := range r {
		if outShape[a] == x.Shape[a] && scales[a] == 1 {
			continue
		}
		cur = resizeAxis(cur, a, outShape[a], scales[a], mode, ctm, nearest)
	}
	return cur, nil
}

// source maps output index o of an axis of length out (input length in,
// scale s) to its input coordinate.
func source(o, in, out int, s float64, ctm string) float64 {
	switch ctm {
	case "align_corners":
		if out == 1 {
			return 0
		}
		return float64(o) * float64(in-1) / float64(out-1)
	case "asymmetric":
		return float64(o) / s
	case "pytorch_half_pixel":
		if out == 1 {
			return 0
		}
	}
	return (float64(o)+0.5)/s - 0.5
}

// resizeAxis resamples x along axis a to length out.
func resizeAxis(x *Tensor, a, out int, scale float64, mode, ctm, nearest string) *Tensor {
	in := x.Shape[a]
	outer, inner := shapeSize(x.Shape[:a]), shapeSize(x.Shape[a+1:])
	shape := slices.Clone(x.Shape)
	shape[a] = out
	res := &Tensor{Shape: shape, Float: make([]float32, outer*out*inner)}
	// Per output index: two source indices and the weight of the second.
	i0, i1, w1 := make([]int, out), make([]int, out), make([]float32, out)
	for o := range out {
		c := source(o, in, out, scale, ctm)
		if mode == "nearest" {
			var j float64
			switch nearest {
			case "floor":
				j = math.Floor(c)
			case "ceil":
				j = math.Ceil(c)
			case "round_prefer_ceil":
				j = math.Floor(c + 0.5)
			default: // round_prefer_floor
				j = math.Ceil(c - 0.5)
			}
			i0[o] = min(max(int(j), 0), in-1)
			i1[o] = i0[o]
			continue
		}
		c = min(max(c, 0), float64(in-1))
		f := math.Floor(c)
		i0[o], i1[o], w1[o] = int(f), min(int(f)+1, in-1), float32(c-f)
	}
	for p := range outer {
		src := x.Float[p*in*inner : (p+1)*in*inner]
		dst := res.Float[p*out*inner : (p+1)*out*inner]
		for o := range out {
			s0, s1 := src[i0[o]*inner:(i0[o]+1)*inner], src[i1[o]*inner:(i1[o]+1)*inner]
			d := dst[o*inner : (o+1)*inner]
			w := w1[o]
			for k := range d {
				d[k] = s0[k] + w*(s1[k]-s0[k])
			}
		}
	}
	return res
}
