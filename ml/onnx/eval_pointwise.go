package onnx

import (
	"fmt"
	"math"
)

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }

// unary evaluates f on every element of input 0.
func unary(f func(float32) float32) opFunc {
	return func(_ *Node, in []*Tensor) (*Tensor, error) {
		x, err := need(in, 0, "X")
		if err != nil {
			return nil, err
		}
		out := &Tensor{Shape: x.Shape, Float: make([]float32, len(x.Float))}
		for i, v := range x.Float {
			out.Float[i] = f(v)
		}
		return out, nil
	}
}

func evalLeakyRelu(n *Node, in []*Tensor) (*Tensor, error) {
	a := n.float("alpha", 0.01)
	return unary(func(x float32) float32 {
		if x < 0 {
			return a * x
		}
		return x
	})(n, in)
}

func evalElu(n *Node, in []*Tensor) (*Tensor, error) {
	a := float64(n.float("alpha", 1))
	return unary(func(x float32) float32 {
		if x < 0 {
			return float32(a * (math.Exp(float64(x)) - 1))
		}
		return x
	})(n, in)
}

func evalPRelu(n *Node, in []*Tensor) (*Tensor, error) {
	return elementwise(func(x, s float32) float32 {
		if x < 0 {
			return s * x
		}
		return x
	})(n, in)
}

// broadcast returns the numpy broadcast of two shapes.
func broadcast(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := range r {
		da, db := 1, 1
		if j := i - (r - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// bstrides are the strides of shape s seen with the rank of out (0 on
// broadcast axes).
func bstrides(s, out []int) []int {
	st := make([]int, len(out))
	step := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := i - (len(out) - len(s))
		if j >= 0 && s[j] != 1 {
			st[i] = step
		}
		if j >= 0 {
			step *= s[j]
		}
	}
	return st
}

// elementwise evaluates f element-wise on inputs 0 and 1 with numpy broadcasting.
func elementwise(f func(a, b float32) float32) opFunc {
	return func(_ *Node, in []*Tensor) (*Tensor, error) {
		a, err := need(in, 0, "A")
		if err != nil {
			return nil, err
		}
		b, err := need(in, 1, "B")
		if err != nil {
			return nil, err
		}
		shape, err := broadcast(a.Shape, b.Shape)
		if err != nil {
			return nil, err
		}
		out := &Tensor{Shape: shape, Float: make([]float32, shapeSize(shape))}
		if len(a.Float) == len(out.Float) && len(b.Float) == len(out.Float) {
			for i := range out.Float {
				out.Float[i] = f(a.Float[i], b.Float[i])
			}
			return out, nil
		}
		if len(out.Float) == 0 {
			return out, nil
		}
		sa, sb := bstrides(a.Shape, shape), bstrides(b.Shape, shape)
		r := len(shape)
		idx := make([]int, r)
		ia, ib := 0, 0
		last := shape[r-1]
		for o := 0; o < len(out.Float); o += last {
			for k := range last {
				out.Float[o+k] = f(a.Float[ia+k*sa[r-1]], b.Float[ib+k*sb[r-1]])
			}
			// advance the odometer over all axes but the last
			for ax := r - 2; ax >= 0; ax-- {
				idx[ax]++
				ia += sa[ax]
				ib += sb[ax]
				if idx[ax] < shape[ax] {
					break
				}
				ia -= sa[ax] * shape[ax]
				ib -= sb[ax] * shape[ax]
				idx[ax] = 0
			}
		}
		return out, nil
	}
}

func evalSoftmax(n *Node, in []*Tensor) (*Tensor, error) {
	x, err := need(in, 0, "input")
	if err != nil {
		return nil, err
	}
	axis, err := normAxis(n.int("axis", -1), len(x.Shape))
	if err != nil {
		return nil, err
	}
	out := &Tensor{Shape: x.Shape, Float: make([]float32, len(x.Float))}
	softmaxAxis(x.Float, out.Float, x.Shape, axis)
	return out, nil
}

// softmaxAxis writes the softmax of x along axis of shape into out.
func softmaxAxis(x, out []float32, shape []int, axis int) {
	outer, k, inner := shapeSize(shape[:axis]), shape[axis], shapeSize(shape[axis+1:])
	for o := range outer {
		for i := range inner {
			base := o*k*inner + i
			m := float32(math.Inf(-1))
			for c := range k {
				m = max(m, x[base+c*inner])
			}
			var sum float64
			for c := range k {
				e := math.Exp(float64(x[base+c*inner] - m))
				out[base+c*inner] = float32(e)
				sum += e
			}
			for c := range k {
				out[base+c*inner] = float32(float64(out[base+c*inner]) / sum)
			}
		}
	}
}

func evalClip(n *Node, in []*Tensor) (*Tensor, error) {
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	if v, ok := n.Attrs["min"]; ok {
		lo = v.F
	}
	if v, ok := n.Attrs["max"]; ok {
		hi = v.F
	}
	for i, p := range []*float32{&lo, &hi} {
		if len(in) > i+1 && in[i+1] != nil {
			if in[i+1].Float == nil || len(in[i+1].Float) != 1 {
				return nil, fmt.Errorf("input %d must be a float scalar", i+1)
			}
			*p = in[i+1].Float[0]
		}
	}
	return unary(func(x float32) float32 { return min(max(x, lo), hi) })(n, in[:1])
}

// perChannel checks x [N, C, ...] and per-channel vectors of length C.
func perChannel(in []*Tensor, names ...string) (x *Tensor, vecs [][]float32, err error) {
	if x, err = need(in, 0, "X"); err != nil {
		return nil, nil, err
	}
	if len(x.Shape) < 2 {
		return nil, nil, fmt.Errorf("X has shape %v, want [N, C, ...]", x.Shape)
	}
	for i, name := range names {
		v, err := need(in, i+1, name)
		if err != nil {
			return nil, nil, err
		}
		if len(v.Float) != x.Shape[1] {
			return nil, nil, fmt.Errorf("%s has %d values for %d channels", name, len(v.Float), x.Shape[1])
		}
		vecs = append(vecs, v.Float)
	}
	return x, vecs, nil
}

func evalInstanceNorm(n *Node, in []*Tensor) (*Tensor, error) {
	x, v, err := perChannel(in, "scale", "B")
	if err != nil {
		return nil, err
	}
	eps := float64(n.float("epsilon", 1e-5))
	c, inner := x.Shape[1], shapeSize(x.Shape[2:])
	out := &Tensor{Shape: x.Shape, Float: make([]float32, len(x.Float))}
	for p := range x.Shape[0] * c {
		src, dst := x.Float[p*inner:(p+1)*inner], out.Float[p*inner:(p+1)*inner]
		var sum, sq float64
		for _, e := range src {
			sum += float64(e)
		}
		mean := sum / float64(max(inner, 1))
		for _, e := range src {
			d := float64(e) - mean
			sq += d * d
		}
		k := float64(v[0][p%c]) / math.Sqrt(sq/float64(max(inner, 1))+eps)
		b := float64(v[1][p%c])
		for i, e := range src {
			dst[i] = float32((float64(e)-mean)*k + b)
		}
	}
	return out, nil
}

func evalBatchNorm(n *Node, in []*Tensor) (*Tensor, error) {
	if n.int("training_mode", 0) != 0 {
		return nil, fmt.Errorf("training_mode is not supported")
	}
	x, v, err := perChannel(in, "scale", "B", "input_mean", "input_var")
	if err != nil {
		return nil, err
	}
	eps := float64(n.float("epsilon", 1e-5))
	c, inner := x.Shape[1], shapeSize(x.Shape[2:])
	out := &Tensor{Shape: x.Shape, Float: make([]float32, len(x.Float))}
	for p := range x.Shape[0] * c {
		ch := p % c
		k := float64(v[0][ch]) / math.Sqrt(float64(v[3][ch])+eps)
		mean, b := float64(v[2][ch]), float64(v[1][ch])
		for i := p * inner; i < (p+1)*inner; i++ {
			out.Float[i] = float32((float64(x.Float[i])-mean)*k + b)
		}
	}
	return out, nil
}
