package kernels

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time (the benchmarks report it per op: on a
// shared machine it moves far less with the load than the wall time).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ttd3dConvCases are the convolutions of one training step of `im2im bench ttd3d`
// (3D U-Net 16-32-64, batch 4 of 16×32×32, stride-2 convolutions down): the forward
// pass, the input gradient (dgrad) and the kernel gradient (kgrad) of each layer.
func ttd3dConvCases() []convCase {
	var cases []convCase
	same := []int{1, 1, 1}
	k3 := []int{3, 3, 3}
	type layer struct {
		name       string
		cin, cout  int
		in         []int
		stride2    bool
		inputLayer bool // no input gradient
	}
	layers := []layer{
		{name: "l0-1to16", cin: 1, cout: 16, in: []int{16, 32, 32}, inputLayer: true},
		{name: "l0-16to16", cin: 16, cout: 16, in: []int{16, 32, 32}},
		{name: "l0-32to16", cin: 32, cout: 16, in: []int{16, 32, 32}},
		{name: "down-16to32", cin: 16, cout: 32, in: []int{16, 32, 32}, stride2: true},
		{name: "l1-32to32", cin: 32, cout: 32, in: []int{8, 16, 16}},
		{name: "l1-64to32", cin: 64, cout: 32, in: []int{8, 16, 16}},
		{name: "down-32to64", cin: 32, cout: 64, in: []int{8, 16, 16}, stride2: true},
		{name: "l2-64to64", cin: 64, cout: 64, in: []int{4, 8, 8}},
	}
	const batch = 4
	for _, l := range layers {
		out := l.in
		var stride []int
		if l.stride2 {
			stride = []int{2, 2, 2}
			out = []int{l.in[0] / 2, l.in[1] / 2, l.in[2] / 2}
		}
		cases = append(cases, convCase{name: l.name + "/fwd", batch: batch, cin: l.cin, cout: l.cout, in: l.in, k: k3,
			stride: stride, padLo: same, padHi: same})
		if !l.inputLayer {
			dg := convCase{name: l.name + "/dgrad", batch: batch, cin: l.cout, cout: l.cin, in: out, k: k3,
				padLo: same, padHi: same, swapKernel: true}
			if l.stride2 {
				dg.idl, dg.padHi = []int{2, 2, 2}, []int{2, 2, 2}
			}
			cases = append(cases, dg)
		}
		cases = append(cases, convCase{name: l.name + "/kgrad", batch: l.cin, cin: batch, cout: l.cout, in: l.in, k: out,
			kdil: stride, padLo: same, padHi: same, swapBatchChannel: true, swapKernel: true})
	}
	return cases
}

// BenchmarkConvTTD3D times each convolution of the ttd3d training step (`go test -run X
// -bench ConvTTD3D -cpu 2 ./ml/backend/kernels`); GFLOP/s counts the dense work
// (for dgrad of a strided layer, the products with the inserted zeros are not counted).
func BenchmarkConvTTD3D(b *testing.B) {
	for _, tc := range ttd3dConvCases() {
		b.Run(tc.name, func(b *testing.B) {
			s := tc.spec()
			r := rand.New(rand.NewPCG(1, 1))
			in := randSlice(r, tc.batch*tc.cin*prod(tc.in))
			kernel := randSlice(r, tc.cout*tc.cin*prod(tc.k))
			out := make([]float32, tc.batch*tc.cout*prod(s.OutSpatial))
			flops := 2 * float64(tc.batch*tc.cout*tc.cin) * float64(prod(tc.k)) * float64(prod(s.OutSpatial))
			if tc.idl != nil {
				flops /= float64(prod(tc.idl))
			}
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if err := Conv(s, in, kernel, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
