package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveConv evaluates the ConvSpec definition directly, in float64.
func naiveConv(s *ConvSpec, in, kernel, out []float32) {
	n := len(s.OutSpatial)
	K, P := prod(s.KernelSpatial), prod(s.OutSpatial)
	inStr := make([]int, n)
	st := 1
	for d := n - 1; d >= 0; d-- {
		inStr[d] = st
		st *= s.InSpatial[d]
	}
	q := make([]int, n)
	k := make([]int, n)
	for b := 0; b < s.Batch; b++ {
		for o := 0; o < s.OutChannels; o++ {
			clear(q)
			for qi := 0; qi < P; qi++ {
				var sum float64
				for c := 0; c < s.InChannels; c++ {
					clear(k)
					for ki := 0; ki < K; ki++ {
						off, ok := 0, true
						for d := 0; d < n; d++ {
							xp := q[d]*at(s.Strides, d) + k[d]*at(s.KernelDilations, d)
							if len(s.PadLow) > 0 {
								xp -= s.PadLow[d]
							}
							id := at(s.InputDilations, d)
							if xp < 0 || xp%id != 0 || xp/id >= s.InSpatial[d] {
								ok = false
								break
							}
							off += xp / id * inStr[d]
						}
						if ok {
							sum += float64(in[b*s.InBatchStride+c*s.InChanStride+off]) *
								float64(kernel[o*s.KernelOutStride+c*s.KernelInStride+ki])
						}
						incIndex(k, s.KernelSpatial)
					}
				}
				out[b*s.OutBatchStride+o*s.OutChanStride+qi] = float32(sum)
				incIndex(q, s.OutSpatial)
			}
		}
	}
}

// outSize is XLA's output size for one spatial axis given both paddings.
func outSize(in, k, stride, kdil, idil, lo, hi int) int {
	dilIn := (in-1)*idil + 1
	eff := (k-1)*kdil + 1
	return (dilIn+lo+hi-eff)/stride + 1
}

type convCase struct {
	name              string
	batch, cin, cout  int
	in, k             []int
	stride, kdil, idl []int
	padLo, padHi      []int
	swapBatchChannel  bool // input stored [C][B][S], as in the kernel-gradient convolution
	swapKernel        bool // kernel stored [C][O][K], as in the input-gradient convolution
}

func (tc convCase) spec() *ConvSpec {
	n := len(tc.in)
	s := &ConvSpec{Batch: tc.batch, InChannels: tc.cin, OutChannels: tc.cout,
		InSpatial: tc.in, KernelSpatial: tc.k, Strides: tc.stride, KernelDilations: tc.kdil,
		InputDilations: tc.idl, PadLow: tc.padLo}
	s.OutSpatial = make([]int, n)
	for d := 0; d < n; d++ {
		s.OutSpatial[d] = outSize(tc.in[d], tc.k[d], at(tc.stride, d), at(tc.kdil, d), at(tc.idl, d), tc.padLo[d], tc.padHi[d])
	}
	S, K, P := prod(tc.in), prod(tc.k), prod(s.OutSpatial)
	s.InBatchStride, s.InChanStride = tc.cin*S, S
	if tc.swapBatchChannel {
		s.InBatchStride, s.InChanStride = S, tc.batch*S
	}
	s.KernelOutStride, s.KernelInStride = tc.cin*K, K
	if tc.swapKernel {
		s.KernelOutStride, s.KernelInStride = K, tc.cout*K
	}
	s.OutBatchStride, s.OutChanStride = tc.cout*P, P
	return s
}

var convCases = []convCase{
	{name: "2d-3x3-same", batch: 2, cin: 3, cout: 5, in: []int{9, 11}, k: []int{3, 3}, padLo: []int{1, 1}, padHi: []int{1, 1}},
	{name: "2d-1x1", batch: 3, cin: 4, cout: 1, in: []int{6, 7}, k: []int{1, 1}, padLo: []int{0, 0}, padHi: []int{0, 0}},
	{name: "2d-stride2-valid", batch: 1, cin: 2, cout: 3, in: []int{10, 9}, k: []int{3, 2}, stride: []int{2, 2}, padLo: []int{0, 0}, padHi: []int{0, 0}},
	{name: "2d-dilated-kernel", batch: 2, cin: 2, cout: 2, in: []int{12, 10}, k: []int{3, 3}, kdil: []int{2, 1}, padLo: []int{2, 1}, padHi: []int{2, 1}},
	{name: "2d-input-dilation", batch: 2, cin: 3, cout: 2, in: []int{5, 6}, k: []int{3, 3}, idl: []int{2, 2}, padLo: []int{2, 2}, padHi: []int{2, 1}},
	{name: "2d-asymmetric-pad", batch: 1, cin: 1, cout: 40, in: []int{13, 37}, k: []int{3, 5}, padLo: []int{0, 3}, padHi: []int{2, 1}},
	{name: "2d-swapped-kernel", batch: 2, cin: 6, cout: 4, in: []int{8, 8}, k: []int{3, 3}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapKernel: true},
	// Kernel-gradient shaped: the "kernel" (output gradient) is image-sized, the output is 3×3.
	{name: "2d-taps-kernel-grad", batch: 4, cin: 3, cout: 5, in: []int{12, 14}, k: []int{12, 14}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
	{name: "2d-taps-strided", batch: 2, cin: 2, cout: 3, in: []int{11, 9}, k: []int{5, 4}, kdil: []int{2, 2}, padLo: []int{0, 0}, padHi: []int{1, 0}, swapBatchChannel: true},
	{name: "3d-3x3x3-same", batch: 2, cin: 2, cout: 3, in: []int{5, 6, 7}, k: []int{3, 3, 3}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}},
	{name: "3d-stride", batch: 1, cin: 3, cout: 2, in: []int{7, 6, 9}, k: []int{2, 3, 3}, stride: []int{2, 1, 3}, padLo: []int{0, 1, 1}, padHi: []int{1, 1, 1}},
	{name: "3d-taps-kernel-grad", batch: 2, cin: 3, cout: 4, in: []int{6, 7, 8}, k: []int{6, 7, 8}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}, swapBatchChannel: true},
	// Enough "batch" (original input channels) for the packed taps lowering: narrow (≤ 16)
	// and wide panels (one, and two with a partial one).
	{name: "2d-taps-packed-narrow", batch: 12, cin: 3, cout: 5, in: []int{10, 9}, k: []int{10, 9}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
	{name: "2d-taps-packed-wide", batch: 20, cin: 2, cout: 9, in: []int{7, 8}, k: []int{7, 8}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true},
	{name: "2d-taps-packed-more-than-MC-outputs", batch: 9, cin: 2, cout: 2*MC + 3, in: []int{6, 5}, k: []int{6, 5}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
	// Wide kernel gradients (more than MC output channels): convTapsGemm, strided too.
	{name: "2d-taps-gemm-wide", batch: 10, cin: 9, cout: MC + 5, in: []int{7, 6}, k: []int{6, 5}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
	{name: "3d-taps-gemm-wide-dilated", batch: 3, cin: 8, cout: MC + 1, in: []int{7, 6, 8}, k: []int{3, 3, 4}, kdil: []int{2, 2, 2}, padLo: []int{1, 1, 1}, padHi: []int{1, 0, 1}, swapBatchChannel: true},
	{name: "3d-taps-packed-two-panels", batch: 40, cin: 2, cout: 3, in: []int{4, 5, 6}, k: []int{4, 5, 6}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}, swapBatchChannel: true},
	// More than KC input channels×taps and more than MC output channels: several blocks of
	// the whole-packed weights (shifted and positions lowerings).
	{name: "3d-deep-wide", batch: 2, cin: 12, cout: 130, in: []int{4, 5, 6}, k: []int{3, 3, 3}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}},
	{name: "2d-deep-wide-stride2", batch: 1, cin: 30, cout: 131, in: []int{9, 8}, k: []int{3, 3}, stride: []int{2, 2}, padLo: []int{1, 1}, padHi: []int{1, 1}},
	// PatchGAN: 4×4 stride 2 pad 1, and its input gradient (input dilation 2, odd and even sizes).
	{name: "2d-k4-stride2-pad1", batch: 2, cin: 3, cout: 4, in: []int{10, 9}, k: []int{4, 4}, stride: []int{2, 2}, padLo: []int{1, 1}, padHi: []int{1, 1}},
	{name: "2d-k4-input-dilation2", batch: 2, cin: 3, cout: 2, in: []int{5, 4}, k: []int{4, 4}, idl: []int{2, 2}, padLo: []int{2, 2}, padHi: []int{3, 2}, swapKernel: true},
	{name: "2d-stride3-input-dilation3", batch: 1, cin: 2, cout: 2, in: []int{7, 8}, k: []int{3, 4}, stride: []int{2, 3}, idl: []int{3, 2}, padLo: []int{4, 1}, padHi: []int{2, 3}},
	// Strided convolutions read as stride phases by the shifted lowering (phaseGrid): the
	// 3D U-Net's k3 s2 layer, a 1×1 stride-2 one (a single phase read), stride 3 with
	// kernel dilation 2, a negative padding (cropping) and a stride larger than the kernel.
	{name: "3d-k3-stride2-pad1", batch: 2, cin: 3, cout: 5, in: []int{6, 9, 8}, k: []int{3, 3, 3}, stride: []int{2, 2, 2}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}},
	{name: "2d-1x1-stride2", batch: 2, cin: 4, cout: 3, in: []int{7, 8}, k: []int{1, 1}, stride: []int{2, 2}, padLo: []int{0, 0}, padHi: []int{0, 0}},
	{name: "2d-stride3-kdil2", batch: 1, cin: 2, cout: 3, in: []int{17, 14}, k: []int{3, 2}, stride: []int{3, 2}, kdil: []int{2, 3}, padLo: []int{2, 1}, padHi: []int{1, 2}},
	{name: "2d-stride2-crop", batch: 2, cin: 2, cout: 2, in: []int{11, 12}, k: []int{3, 3}, stride: []int{2, 2}, padLo: []int{-1, 0}, padHi: []int{-2, 1}},
	{name: "1d-stride4-k2", batch: 2, cin: 3, cout: 2, in: []int{23}, k: []int{2}, stride: []int{4}, padLo: []int{1}, padHi: []int{0}},
	// Kernel gradients of strided convolutions (kernel dilation = the stride) with enough
	// "batch" for the packed taps lowering: narrow and wide panels, 2D and 3D, odd sizes.
	{name: "3d-taps-packed-strided", batch: 12, cin: 3, cout: 5, in: []int{7, 9, 8}, k: []int{4, 5, 4}, kdil: []int{2, 2, 2}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}, swapBatchChannel: true, swapKernel: true},
	{name: "2d-taps-packed-strided-wide", batch: 20, cin: 2, cout: 9, in: []int{12, 12}, k: []int{6, 6}, kdil: []int{2, 2}, padLo: []int{2, 0}, padHi: []int{1, 1}, swapBatchChannel: true},
	// Exactly 16 "batch" columns, an odd number of taps and output channels not a multiple
	// of MR: tap pairs in one 8×32 tile and the single last tap.
	{name: "3d-taps-packed-pairs", batch: 16, cin: 3, cout: 11, in: []int{5, 6, 7}, k: []int{5, 6, 7}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}, swapBatchChannel: true, swapKernel: true},
	// Input gradient of the 3D k3 s2 layer (even output rows: the paired placement).
	{name: "3d-k3-input-dilation2", batch: 2, cin: 4, cout: 3, in: []int{4, 5, 6}, k: []int{3, 3, 3}, idl: []int{2, 2, 2}, padLo: []int{1, 1, 1}, padHi: []int{2, 2, 2}, swapKernel: true},
	{name: "1d", batch: 2, cin: 3, cout: 2, in: []int{50}, k: []int{5}, padLo: []int{2}, padHi: []int{2}},
	// Panel form of the shifted lowering: rows of exactly NR, more than NR (a partial
	// panel), under NR (rows sharing panels) and 3D planes (padding rows skipped).
	{name: "2d-1x3-rows-of-32", batch: 2, cin: 5, cout: 9, in: []int{4, 32}, k: []int{1, 3}, padLo: []int{0, 1}, padHi: []int{0, 1}},
	{name: "2d-3x1-rows-of-40", batch: 3, cin: 4, cout: 8, in: []int{5, 40}, k: []int{3, 1}, padLo: []int{1, 0}, padHi: []int{1, 0}},
	{name: "2d-1x3-dilated-rows-of-16", batch: 2, cin: 3, cout: 17, in: []int{6, 16}, k: []int{1, 3}, kdil: []int{1, 4}, padLo: []int{0, 4}, padHi: []int{0, 4}},
	{name: "3d-3x3x3-rows-of-33", batch: 2, cin: 2, cout: 8, in: []int{3, 4, 33}, k: []int{3, 3, 3}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}},
	// Kernel gradients with at least NR "batch" columns (convTapRows): 1×3 and 3×1 of
	// BranchedERFNet, a partial panel, more than MC output channels, forward strides
	// (kernel dilation here), forward dilations (strides here) and 3D.
	{name: "2d-taprows-1x3", batch: 64, cin: 3, cout: 9, in: []int{6, 10}, k: []int{6, 10}, padLo: []int{0, 1}, padHi: []int{0, 1}, swapBatchChannel: true, swapKernel: true},
	{name: "2d-taprows-3x1-partial-panel", batch: 40, cin: 2, cout: 8, in: []int{7, 5}, k: []int{7, 5}, padLo: []int{1, 0}, padHi: []int{1, 0}, swapBatchChannel: true},
	{name: "2d-taprows-wide-out", batch: 33, cin: 2, cout: MC + 9, in: []int{5, 6}, k: []int{5, 6}, padLo: []int{1, 1}, padHi: []int{1, 1}, swapBatchChannel: true, swapKernel: true},
	{name: "2d-taprows-fwd-stride2", batch: 32, cin: 2, cout: 5, in: []int{9, 8}, k: []int{4, 4}, kdil: []int{2, 2}, padLo: []int{1, 1}, padHi: []int{1, 0}, swapBatchChannel: true},
	{name: "2d-taprows-fwd-dilation4", batch: 32, cin: 3, cout: 6, in: []int{8, 9}, k: []int{8, 9}, stride: []int{1, 4}, padLo: []int{0, 4}, padHi: []int{0, 4}, swapBatchChannel: true, swapKernel: true},
	{name: "3d-taprows", batch: 32, cin: 2, cout: 7, in: []int{4, 5, 6}, k: []int{4, 5, 6}, padLo: []int{1, 1, 1}, padHi: []int{1, 1, 1}, swapBatchChannel: true},
}

func TestConvAgainstNaive(t *testing.T) {
	for _, p := range paths() {
		for _, tc := range convCases {
			for _, mode := range []struct{ shifted, panels bool }{{true, true}, {true, false}, {false, false}} {
				shifted := mode.shifted
				t.Run(fmt.Sprintf("%s/%s/shifted=%v/panels=%v", p, tc.name, shifted, mode.panels), func(t *testing.T) {
					withPath(t, p)
					UseShifted, UseTapsGemm, UsePanels, UseTapRows = shifted, shifted, mode.panels, mode.panels
					defer func() { UseShifted, UseTapsGemm, UsePanels, UseTapRows = true, true, true, true }()
					s := tc.spec()
					r := rand.New(rand.NewPCG(3, uint64(len(tc.name))))
					in := randSlice(r, tc.batch*tc.cin*prod(tc.in))
					kernel := randSlice(r, tc.cout*tc.cin*prod(tc.k))
					P := prod(s.OutSpatial)
					got := randSlice(r, tc.batch*tc.cout*P) // must be fully overwritten
					want := make([]float32, len(got))
					if err := Conv(s, in, kernel, got); err != nil {
						t.Fatal(err)
					}
					naiveConv(s, in, kernel, want)
					closeEnough(t, tc.name, got, want, 1e-5*math.Sqrt(float64(tc.cin*prod(tc.k))))
				})
			}
		}
	}
}

func TestConvRejectsBadSpecs(t *testing.T) {
	good := convCases[0].spec()
	in, k, out := make([]float32, 2*3*99), make([]float32, 5*3*9), make([]float32, 2*5*99)
	if err := Conv(good, in, k, out); err != nil {
		t.Fatalf("good spec rejected: %v", err)
	}
	bad := *good
	bad.KernelSpatial = []int{3}
	if err := Conv(&bad, in, k, out); err == nil {
		t.Error("mismatched spatial ranks accepted")
	}
	if err := Conv(good, in[:10], k, out); err == nil {
		t.Error("short input accepted")
	}
	if err := Conv(good, in, k, out[:5]); err == nil {
		t.Error("short output accepted")
	}
}

func TestReverse(t *testing.T) {
	src := []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11} // dims 2×2×3
	cases := []struct {
		axes []int
		want []float32
	}{
		{nil, src},
		{[]int{2}, []float32{2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9}},
		{[]int{0}, []float32{6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5}},
		{[]int{1, 2}, []float32{5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6}},
	}
	for _, tc := range cases {
		dst := make([]float32, 12)
		if err := Reverse(dst, src, []int{2, 2, 3}, tc.axes); err != nil {
			t.Fatal(err)
		}
		for i := range dst {
			if dst[i] != tc.want[i] {
				t.Fatalf("axes %v: got %v, want %v", tc.axes, dst, tc.want)
			}
		}
	}
	if err := Reverse(make([]float32, 12), src, []int{2, 2, 3}, []int{3}); err == nil {
		t.Error("axis 3 of a rank-3 array accepted")
	}
}
