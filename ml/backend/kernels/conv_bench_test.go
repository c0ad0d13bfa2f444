package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkConv times the U-Net's and the PatchGAN's convolution shapes: forward (positions layout) and
// kernel gradient (taps layout), reporting GFLOP/s (for input-dilated convolutions, counting
// the inserted zeros as the dense lowering multiplies them: compare times, not rates).
func BenchmarkConv(b *testing.B) {
	cases := []convCase{
		{name: "fwd-2d-16to16-128", batch: 8, cin: 16, cout: 16, in: []int{128, 128}, k: []int{3, 3}, padLo: []int{1, 1}, padHi: []int{1, 1}},
		{name: "fwd-2d-32to16-128", batch: 8, cin: 32, cout: 16, in: []int{128, 128}, k: []int{3, 3}, padLo: []int{1, 1}, padHi: []int{1, 1}},
		{name: "fwd-2d-64to64-32", batch: 8, cin: 64, cout: 64, in: []int{32, 32}, k: []int{3, 3}, padLo: []int{1, 1}, padHi: []int{1, 1}},
		{name: "kgrad-2d-16x16-128", batch: 16, cin: 8, cout: 16, in: []int{128, 128}, k: []int{128, 128}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
		// PatchGAN (pix2pix discriminator) 4×4 stride-2 layer and its input gradient (input dilation 2).
		{name: "fwd-2d-k4s2-64to128-64", batch: 4, cin: 64, cout: 128, in: []int{64, 64}, k: []int{4, 4}, stride: []int{2, 2}, padLo: []int{1, 1}, padHi: []int{1, 1}},
		{name: "dgrad-2d-k4s2-128to64-32", batch: 4, cin: 128, cout: 64, in: []int{32, 32}, k: []int{4, 4}, idl: []int{2, 2}, padLo: []int{2, 2}, padHi: []int{3, 3}, swapKernel: true},
		{name: "kgrad-2d-k4s2-64to128-64", batch: 64, cin: 4, cout: 128, in: []int{64, 64}, k: []int{32, 32}, kdil: []int{2, 2}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
		{name: "dgrad-3d-k4s2-32to16-16", batch: 2, cin: 32, cout: 16, in: []int{8, 16, 16}, k: []int{4, 4, 4}, idl: []int{2, 2, 2}, padLo: []int{2, 2, 2}, padHi: []int{3, 3, 3}, swapKernel: true},
		{name: "fwd-3d-16to16", batch: 2, cin: 16, cout: 16, in: []int{32, 64, 64}, k: []int{3, 3, 3}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}},
		{name: "kgrad-3d-16x16", batch: 16, cin: 2, cout: 16, in: []int{32, 64, 64}, k: []int{32, 64, 64}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}, swapBatchChannel: true, swapKernel: true},
	}
	for _, tc := range cases {
		for _, mode := range []struct{ shifted, phases bool }{{true, true}, {false, true}, {true, false}} {
			if !mode.phases && tc.idl == nil && tc.kdil == nil {
				continue
			}
			b.Run(fmt.Sprintf("%s/shifted=%v/phases=%v", tc.name, mode.shifted, mode.phases), func(b *testing.B) {
				UseShifted, UsePhases = mode.shifted, mode.phases
				defer func() { UseShifted, UsePhases = true, true }()
				s := tc.spec()
				r := rand.New(rand.NewPCG(1, 1))
				in := randSlice(r, tc.batch*tc.cin*prod(tc.in))
				kernel := randSlice(r, tc.cout*tc.cin*prod(tc.k))
				out := make([]float32, tc.batch*tc.cout*prod(s.OutSpatial))
				flops := 2 * float64(tc.batch*tc.cout*tc.cin) * float64(prod(tc.k)) * float64(prod(s.OutSpatial))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := Conv(s, in, kernel, out); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
