package backend

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/backends"
)

func TestBatchNormOps(t *testing.T) {
	dims := []int{2, 3, 2, 2} // feature axis 1
	in := seq(prod(dims))
	scale := []float64{1, 2, 0.5}
	offset := []float64{0, -1, 3}
	grad := make([]float64, len(in))
	for i := range grad {
		grad[i] = math.Sin(float64(i))
	}
	const eps = 1e-3
	outs, _ := runOp(t, func(b *Builder) ([]backends.Op, error) {
		x, _ := b.Constant(in, dims...)
		sc, _ := b.Constant(scale, 3)
		of, _ := b.Constant(offset, 3)
		g, _ := b.Constant(grad, dims...)
		n, m, v, err := b.BatchNormForTraining(x, sc, of, eps, 1)
		if err != nil {
			return nil, err
		}
		inf, err := b.BatchNormForInference(x, sc, of, m, v, eps, 1)
		if err != nil {
			return nil, err
		}
		gx, gs, gb, err := b.BatchNormGradient(x, sc, m, v, g, eps, 1)
		return []backends.Op{n, m, v, inf, gx, gs, gb}, err
	})
	// Reference, per feature.
	cnt := float64(dims[0] * dims[2] * dims[3])
	mean, vari := make([]float64, 3), make([]float64, 3)
	for i, x := range in {
		mean[unravel(i, dims)[1]] += x / cnt
	}
	for i, x := range in {
		f := unravel(i, dims)[1]
		vari[f] += (x - mean[f]) * (x - mean[f]) / cnt
	}
	norm := make([]float64, len(in))
	gs, gb := make([]float64, 3), make([]float64, 3)
	sumG, sumGX := make([]float64, 3), make([]float64, 3)
	for i, x := range in {
		f := unravel(i, dims)[1]
		xh := (x - mean[f]) / math.Sqrt(vari[f]+eps)
		norm[i] = xh*scale[f] + offset[f]
		gs[f] += grad[i] * xh
		gb[f] += grad[i]
		sumG[f] += grad[i]
		sumGX[f] += grad[i] * xh
	}
	gx := make([]float64, len(in))
	for i, x := range in {
		f := unravel(i, dims)[1]
		inv := 1 / math.Sqrt(vari[f]+eps)
		xh := (x - mean[f]) * inv
		gx[i] = scale[f] * inv * (grad[i] - sumG[f]/cnt - xh*sumGX[f]/cnt)
	}
	assertClose(t, "normalized", outs[0], norm, 1e-9)
	assertClose(t, "mean", outs[1], mean, 1e-12)
	assertClose(t, "variance", outs[2], vari, 1e-9)
	assertClose(t, "inference", outs[3], norm, 1e-9)
	assertClose(t, "grad operand", outs[4], gx, 1e-9)
	assertClose(t, "grad scale", outs[5], gs, 1e-9)
	assertClose(t, "grad offset", outs[6], gb, 1e-9)
}

func TestDynamicSliceAndUpdate(t *testing.T) {
	dims := []int{4, 5}
	in := seq(20)
	cases := []struct {
		name      string
		start     []int32
		size      []int
		wantStart []int // after clamping
	}{
		{"inside", []int32{1, 2}, []int{2, 3}, []int{1, 2}},
		{"clamped high", []int32{3, 4}, []int{2, 2}, []int{2, 3}},
		{"clamped low", []int32{-2, 1}, []int{3, 1}, []int{0, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			upd := make([]float64, prod(tc.size))
			for i := range upd {
				upd[i] = 100 + float64(i)
			}
			outs, shs := runOp(t, func(b *Builder) ([]backends.Op, error) {
				x, _ := b.Constant(in, dims...)
				u, _ := b.Constant(upd, tc.size...)
				var starts []backends.Op
				for _, s := range tc.start {
					c, _ := b.Constant([]int32{s}, 1)
					c, _ = b.Reshape(c)
					starts = append(starts, c)
				}
				sl, err := b.DynamicSlice(x, starts, tc.size)
				if err != nil {
					return nil, err
				}
				up, err := b.DynamicUpdateSlice(x, u, starts)
				return []backends.Op{sl, up}, err
			})
			wantSl := make([]float64, prod(tc.size))
			wantUp := append([]float64(nil), in...)
			for i := range wantSl {
				c := unravel(i, tc.size)
				c[0] += tc.wantStart[0]
				c[1] += tc.wantStart[1]
				wantSl[i] = in[ravel(c, dims)]
				wantUp[ravel(c, dims)] = upd[i]
			}
			assertDims(t, "DynamicSlice", shs[0], tc.size)
			assertClose(t, "DynamicSlice", outs[0], wantSl, 0)
			assertClose(t, "DynamicUpdateSlice", outs[1], wantUp, 0)
		})
	}
}
