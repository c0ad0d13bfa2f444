package onnx

import "fmt"

// evalPad is Pad (opset 11–18 without axes): constant, reflect or edge
// padding of every axis by pads [begin..., end...] (negative values crop).
func evalPad(n *Node, in []*Tensor) (*Tensor, error) {
	x, err := need(in, 0, "data")
	if err != nil {
		return nil, err
	}
	pads, err := needInts(in, 1, "pads")
	if err != nil {
		return nil, err
	}
	if len(in) > 3 && in[3] != nil {
		return nil, fmt.Errorf("the axes input is not supported")
	}
	r := len(x.Shape)
	if pads == nil {
		pads = make([]int64, 2*r)
	}
	if len(pads) != 2*r {
		return nil, fmt.Errorf("pads %v do not fit a rank-%d input", pads, r)
	}
	var fill float32
	if len(in) > 2 && in[2] != nil {
		c, err := need(in, 2, "constant_value")
		if err != nil {
			return nil, err
		}
		if c.Len() != 1 {
			return nil, fmt.Errorf("constant_value has %d values, want 1", c.Len())
		}
		fill = c.Float[0]
	}
	mode := n.str("mode", "constant")
	switch mode {
	case "constant", "reflect", "edge":
	default:
		return nil, fmt.Errorf("mode %q is not supported (constant, reflect, edge)", mode)
	}
	for a := range r {
		if x, err = padAxis(x, a, int(pads[a]), int(pads[r+a]), mode, fill); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// padAxis pads (or crops) axis a of x by before and after voxels.
func padAxis(x *Tensor, a, before, after int, mode string, fill float32) (*Tensor, error) {
	if before == 0 && after == 0 {
		return x, nil
	}
	n := x.Shape[a]
	m := n + before + after
	if m < 0 || (m > 0 && n == 0) {
		return nil, fmt.Errorf("pads %d and %d do not fit axis %d of size %d", before, after, a, n)
	}
	if mode == "reflect" && (before >= n || after >= n) {
		return nil, fmt.Errorf("reflect pads %d and %d need more than that many voxels on axis %d of size %d", before, after, a, n)
	}
	pre, post := 1, 1
	for i, d := range x.Shape {
		if i < a {
			pre *= d
		} else if i > a {
			post *= d
		}
	}
	shape := append([]int(nil), x.Shape...)
	shape[a] = m
	if pre*m*post > maxTensorElems {
		return nil, fmt.Errorf("padded shape %v is too large", shape)
	}
	out := &Tensor{Shape: shape, Float: make([]float32, pre*m*post)}
	for o := range m {
		i := o - before
		switch {
		case i >= 0 && i < n:
		case mode == "reflect" && i < 0:
			i = -i
		case mode == "reflect":
			i = 2*(n-1) - i
		case mode == "edge":
			i = min(max(i, 0), n-1)
		default:
			i = -1
		}
		for p := range pre {
			dst := out.Float[(p*m+o)*post : (p*m+o+1)*post]
			if i < 0 {
				for j := range dst {
					dst[j] = fill
				}
				continue
			}
			copy(dst, x.Float[(p*n+i)*post:(p*n+i+1)*post])
		}
	}
	return out, nil
}
