package backend

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// newTestBackend returns the completed pure-Go backend, finalized at the end of the test.
func newTestBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// runOp builds one computation with build, compiles and runs it, and returns each
// output as float64 values with its shape.
func runOp(t *testing.T, build func(b *Builder) ([]backends.Op, error)) ([][]float64, []shapes.Shape) {
	t.Helper()
	be := newTestBackend(t)
	bl := be.Builder(t.Name()).(*Builder)
	outs, err := build(bl)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	exe, err := bl.Compile(outs, nil)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	bufs, err := exe.Execute(nil, nil, 0)
	if err != nil {
		t.Fatalf("execute: %v", err)
	}
	vals := make([][]float64, len(bufs))
	shs := make([]shapes.Shape, len(bufs))
	for i, buf := range bufs {
		s, err := be.BufferShape(buf)
		if err != nil {
			t.Fatal(err)
		}
		shs[i] = s
		flat := make([]float64, s.Size())
		if err := be.BufferToFlatData(buf, flat); err != nil {
			t.Fatalf("output %d (%s): %v", i, s, err)
		}
		vals[i] = flat
	}
	return vals, shs
}

// seq returns n float64 values that are distinct and not in order: 0, 7, 14, … mod 97
// (n < 97), so ties never happen unless a test wants them.
func seq(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64((i*37)%97) - 40
	}
	return out
}

// unravel converts a flat row-major index into coordinates.
func unravel(flat int, dims []int) []int {
	c := make([]int, len(dims))
	for i := len(dims) - 1; i >= 0; i-- {
		c[i], flat = flat%dims[i], flat/dims[i]
	}
	return c
}

// ravel converts coordinates into a flat row-major index.
func ravel(c, dims []int) int {
	f := 0
	for i := range dims {
		f = f*dims[i] + c[i]
	}
	return f
}

func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
			t.Fatalf("%s: value %d = %v, want %v\n got: %v\nwant: %v", what, i, got[i], want[i], got, want)
		}
	}
}

func assertDims(t *testing.T, what string, got shapes.Shape, want []int) {
	t.Helper()
	if got.Rank() != len(want) {
		t.Fatalf("%s: shape %s, want dims %v", what, got, want)
	}
	for i := range want {
		if got.Dimensions[i] != want[i] {
			t.Fatalf("%s: shape %s, want dims %v", what, got, want)
		}
	}
}
