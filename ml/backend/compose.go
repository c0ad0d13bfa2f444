package backend

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// composer chains builder calls and keeps the first error, so composed ops read as
// straight-line code. After an error every call returns nil and does nothing.
type composer struct {
	b   backends.Builder
	err error
}

func (c *composer) keep(op backends.Op, err error) backends.Op {
	if c.err != nil {
		return nil
	}
	if err != nil {
		c.err = err
		return nil
	}
	return op
}

func (c *composer) shape(x backends.Op) shapes.Shape {
	if c.err != nil {
		return shapes.Invalid()
	}
	s, err := c.b.OpShape(x)
	if err != nil {
		c.err = err
	}
	return s
}

func (c *composer) slice(x backends.Op, starts, limits, strides []int) backends.Op {
	if c.err != nil {
		return nil
	}
	if strides == nil {
		strides = make([]int, len(starts))
		for i := range strides {
			strides[i] = 1
		}
	}
	return c.keep(c.b.Slice(x, starts, limits, strides))
}

func (c *composer) concat(axis int, ops ...backends.Op) backends.Op {
	if c.err != nil {
		return nil
	}
	if len(ops) == 1 {
		return ops[0]
	}
	return c.keep(c.b.Concatenate(axis, ops...))
}

func (c *composer) reshape(x backends.Op, dims ...int) backends.Op {
	if c.err != nil {
		return nil
	}
	return c.keep(c.b.Reshape(x, dims...))
}

// broadcast broadcasts x into the given dims; axes maps x's axes to output axes.
func (c *composer) broadcast(x backends.Op, dims []int, axes ...int) backends.Op {
	if c.err != nil {
		return nil
	}
	s := c.shape(x)
	return c.keep(c.b.BroadcastInDim(x, shapes.Make(s.DType, dims...), axes))
}

func (c *composer) constant(flat any, dims ...int) backends.Op {
	if c.err != nil {
		return nil
	}
	return c.keep(c.b.Constant(flat, dims...))
}

func (c *composer) binary(f func(a, b backends.Op) (backends.Op, error), a, b backends.Op) backends.Op {
	if c.err != nil {
		return nil
	}
	return c.keep(f(a, b))
}

func (c *composer) unary(f func(a backends.Op) (backends.Op, error), a backends.Op) backends.Op {
	if c.err != nil {
		return nil
	}
	return c.keep(f(a))
}

func prod(dims []int) int {
	p := 1
	for _, d := range dims {
		p *= d
	}
	return p
}

func iotaInts(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// allBut returns 0..n-1 without skip.
func allBut(n, skip int) []int {
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if i != skip {
			out = append(out, i)
		}
	}
	return out
}
