package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// stride2GradCases returns the input-gradient convolutions of stride-2 convolutions
// (kernels 3 and 4, paddings 0 and 1, odd and even input sizes, 2D and 3D): the
// convolution of the output gradient, dilated by 2, with the reversed, transposed kernel.
func stride2GradCases() []convCase {
	var cases []convCase
	for _, sizes := range [][]int{{9, 8}, {8, 11}, {5, 6, 7}, {6, 5, 4}} {
		for _, k := range []int{3, 4} {
			for _, p := range []int{0, 1} {
				n := len(sizes)
				tc := convCase{batch: 2, cin: 5, cout: 3, swapKernel: true,
					in: make([]int, n), k: make([]int, n), idl: make([]int, n),
					padLo: make([]int, n), padHi: make([]int, n)}
				for d, size := range sizes {
					m := (size+2*p-k)/2 + 1 // forward output size: the gradient's input
					tc.in[d], tc.k[d], tc.idl[d] = m, k, 2
					tc.padLo[d] = k - 1 - p
					tc.padHi[d] = k - 1 - p + (size+2*p-k)%2
				}
				tc.name = fmt.Sprintf("grad-of-%dd-k%d-s2-p%d-%v", n, k, p, sizes)
				cases = append(cases, tc)
			}
		}
	}
	// Kernel smaller than the dilation along one axis (phases without taps), and dilation 3.
	cases = append(cases,
		convCase{name: "2d-k1x2-input-dilation2x3", batch: 1, cin: 2, cout: 3, in: []int{4, 5}, k: []int{1, 2}, idl: []int{2, 3}, padLo: []int{0, 1}, padHi: []int{1, 2}},
		convCase{name: "1d-k5-input-dilation3", batch: 3, cin: 2, cout: 2, in: []int{6}, k: []int{5}, idl: []int{3}, padLo: []int{3}, padHi: []int{0}})
	return cases
}

// stride2KernelGradCases returns the kernel-gradient convolutions of stride-2
// convolutions (kernels 3 and 4, paddings 0 and 1, odd and even sizes, 2D and 3D): the
// input with batch and channel axes swapped, convolved with the output gradient dilated
// by 2, giving the kernel's taps. 9 input channels take the packed taps lowering per
// phase, 3 the general one.
func stride2KernelGradCases() []convCase {
	var cases []convCase
	for _, sizes := range [][]int{{9, 8}, {8, 11}, {5, 6, 7}, {6, 5, 4}} {
		for _, k := range []int{3, 4} {
			for _, p := range []int{0, 1} {
				for _, chans := range []int{3, 9} {
					n := len(sizes)
					tc := convCase{batch: chans, cin: 2, cout: 4, swapBatchChannel: true, swapKernel: true,
						in: sizes, k: make([]int, n), kdil: make([]int, n), padLo: make([]int, n), padHi: make([]int, n)}
					for d, size := range sizes {
						m := (size+2*p-k)/2 + 1 // forward output size: the gradient's "kernel"
						tc.k[d], tc.kdil[d], tc.padLo[d] = m, 2, p
						tc.padHi[d] = k + 2*(m-1) - size - p
					}
					tc.name = fmt.Sprintf("kgrad-of-%dd-k%d-s2-p%d-%v-c%d", n, k, p, sizes, chans)
					cases = append(cases, tc)
				}
			}
		}
	}
	return cases
}

func TestConvPhasesAgainstNaive(t *testing.T) {
	for _, tc := range append(stride2GradCases(), stride2KernelGradCases()...) {
		for _, shifted := range []bool{true, false} {
			for _, phases := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/shifted=%v/phases=%v", tc.name, shifted, phases), func(t *testing.T) {
					UseShifted, UsePhases = shifted, phases
					defer func() { UseShifted, UsePhases = true, true }()
					s := tc.spec()
					r := rand.New(rand.NewPCG(5, uint64(len(tc.name))))
					in := randSlice(r, tc.batch*tc.cin*prod(tc.in))
					kernel := randSlice(r, tc.cout*tc.cin*prod(tc.k))
					got := randSlice(r, tc.batch*tc.cout*prod(s.OutSpatial)) // must be fully overwritten
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

// TestConvPhasesReproducible checks that two runs give bit-identical results.
func TestConvPhasesReproducible(t *testing.T) {
	tc := stride2GradCases()[1]
	s := tc.spec()
	r := rand.New(rand.NewPCG(9, 1))
	in := randSlice(r, tc.batch*tc.cin*prod(tc.in))
	kernel := randSlice(r, tc.cout*tc.cin*prod(tc.k))
	a := make([]float32, tc.batch*tc.cout*prod(s.OutSpatial))
	b := make([]float32, len(a))
	if err := Conv(s, in, kernel, a); err != nil {
		t.Fatal(err)
	}
	if err := Conv(s, in, kernel, b); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("element %d: %v then %v", i, a[i], b[i])
		}
	}
}

func TestNewPhaseAxis(t *testing.T) {
	// Gradient of a k4 s2 p1 convolution: padLo 2. Phase 0 uses taps 0, 2 reading
	// x = j−1, j; phase 1 taps 1, 3 reading x = j, j+1.
	a0 := newPhaseAxis(0, 2, 4, 2, 8)
	a1 := newPhaseAxis(1, 2, 4, 2, 8)
	if a0 != (phaseAxis{r: 0, k0: 0, nk: 2, off: -1, nj: 4}) || a1 != (phaseAxis{r: 1, k0: 1, nk: 2, off: 0, nj: 4}) {
		t.Errorf("phases: %+v %+v", a0, a1)
	}
}
