package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/gradcheck"
)

// refConvTranspose2D is PyTorch's ConvTranspose2d by its definition: every input
// voxel (iy, ix) adds x·Wt[i, o, ky, kx] at output (iy·s−p+ky, ix·s−p+kx).
func refConvTranspose2D(x []float64, cin, h, w int, wt []float64, cout, kh, kw int, bias []float64, s, p, op [2]int) ([]float64, int, int) {
	oh := (h-1)*s[0] - 2*p[0] + kh + op[0]
	ow := (w-1)*s[1] - 2*p[1] + kw + op[1]
	out := make([]float64, cout*oh*ow)
	for o := range cout {
		for i := range oh * ow {
			out[o*oh*ow+i] = bias[o]
		}
	}
	for i := range cin {
		for iy := range h {
			for ix := range w {
				for o := range cout {
					for ky := range kh {
						for kx := range kw {
							y, xx := iy*s[0]-p[0]+ky, ix*s[1]-p[1]+kx
							if y < 0 || y >= oh || xx < 0 || xx >= ow {
								continue
							}
							out[(o*oh+y)*ow+xx] += x[(i*h+iy)*w+ix] * wt[((i*cout+o)*kh+ky)*kw+kx]
						}
					}
				}
			}
		}
	}
	return out, oh, ow
}

func TestConvTransposeMatchesDefinition(t *testing.T) {
	b := newBackend(t)
	cases := []struct {
		k, s, p, op [2]int
	}{
		{k: [2]int{3, 3}, s: [2]int{2, 2}, p: [2]int{1, 1}, op: [2]int{1, 1}}, // MONAI's up-sampling conv
		{k: [2]int{3, 3}, s: [2]int{1, 1}, p: [2]int{1, 1}},
		{k: [2]int{2, 2}, s: [2]int{2, 2}},
		{k: [2]int{4, 3}, s: [2]int{2, 3}, p: [2]int{1, 0}, op: [2]int{0, 2}},
		{k: [2]int{1, 3}, s: [2]int{1, 2}, p: [2]int{0, 2}, op: [2]int{0, 1}},
		{k: [2]int{1, 2}, s: [2]int{2, 3}, p: [2]int{0, 0}, op: [2]int{1, 2}}, // kernels smaller than the stride
		{k: [2]int{5, 3}, s: [2]int{2, 2}, p: [2]int{4, 2}, op: [2]int{1, 1}}, // p = k−1
		{k: [2]int{3, 5}, s: [2]int{3, 2}, p: [2]int{0, 1}, op: [2]int{0, 0}}, // output length not a multiple of s
	}
	const cin, cout, h, w = 2, 3, 3, 4
	for _, tc := range cases {
		t.Run(fmt.Sprintf("k%v s%v p%v op%v", tc.k, tc.s, tc.p, tc.op), func(t *testing.T) {
			x := in("x", 1, cin, h, w).Values
			wt := in("wt", 2, cin, cout, tc.k[0], tc.k[1]).Values
			bias := in("b", 3, cout).Values
			want, oh, ow := refConvTranspose2D(x, cin, h, w, wt, cout, tc.k[0], tc.k[1], bias, tc.s, tc.p, tc.op)
			// Our kernel: channels swapped, spatial axes flipped.
			kw := make([]float64, len(wt))
			for i := range cin {
				for o := range cout {
					for ky := range tc.k[0] {
						for kx := range tc.k[1] {
							kw[((o*cin+i)*tc.k[0]+ky)*tc.k[1]+kx] = wt[((i*cout+o)*tc.k[0]+(tc.k[0]-1-ky))*tc.k[1]+(tc.k[1]-1-kx)]
						}
					}
				}
			}
			got := graph.MustExecOnce(b, func(xn, wn, bn *graph.Node) *graph.Node {
				return ConvTranspose(xn, wn, bn, tc.s[:], tc.p[:], tc.op[:])
			}, tensors.FromFlatDataAndDimensions(x, 1, cin, h, w),
				tensors.FromFlatDataAndDimensions(kw, cout, cin, tc.k[0], tc.k[1]),
				tensors.FromFlatDataAndDimensions(bias, cout))
			if d := got.Shape().Dimensions; d[2] != oh || d[3] != ow {
				t.Fatalf("shape %v, want %dx%d", d, oh, ow)
			}
			for i, v := range tensors.MustCopyFlatData[float64](got) {
				if math.Abs(v-want[i]) > 1e-12 {
					t.Fatalf("value %d = %v, want %v", i, v, want[i])
				}
			}
		})
	}
}

func TestConvTransposeGradients(t *testing.T) {
	runGradCases(t, []gradCase{
		{name: "2D k3 s2 p1 op1", inputs: []gradcheck.Input{in("x", 1, 1, 2, 3, 3), in("w", 2, 2, 2, 3, 3), in("b", 3, 2)},
			f: func(x []*graph.Node) *graph.Node {
				return ConvTranspose(x[0], x[1], x[2], []int{2, 2}, []int{1, 1}, []int{1, 1})
			}},
		{name: "3D k3 s[1,2,2]", inputs: []gradcheck.Input{in("x", 1, 1, 1, 2, 2, 2), in("w", 2, 2, 1, 3, 3, 3)},
			f: func(x []*graph.Node) *graph.Node {
				return ConvTranspose(x[0], x[1], nil, []int{1, 2, 2}, []int{1, 1, 1}, []int{0, 1, 1})
			}},
	})
}

func TestUpConvTransposeShape(t *testing.T) {
	b := newBackend(t)
	exec, err := context.NewExec(b, context.New(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return UpConvTranspose(ctx, x, 3, 3, []int{1, 2, 2})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Exec(f32(1, 1, 4, 3, 2, 5))
	if err != nil {
		t.Fatal(err)
	}
	if d := out[0].Shape().Dimensions; d[1] != 3 || d[2] != 3 || d[3] != 4 || d[4] != 10 {
		t.Fatalf("shape %v, want [1 3 3 4 10]", d)
	}
}
