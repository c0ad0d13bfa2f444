// Package kernels holds im2im's pure compute kernels on float32 slices: a packed, blocked
// GEMM with general strides, im2col-based N-dimensional convolution (any spatial rank,
// strides, padding, input and kernel dilation) used for the forward pass and both
// gradients, axis reversal, and a small parallel-for helper.
//
// The GEMM's inner 8×32 micro-kernel exists three times: AVX-512 and AVX2/FMA in Go
// assembly for amd64, and portable Go. The path is chosen at start-up from the CPU's
// features (see Path and SetPath); all paths give the same results up to float32
// rounding. There is no cgo.
//
// Layering: kernels imports only the standard library and golang.org/x/sys/cpu; it knows
// nothing of GoMLX. The fast GoMLX backend (ml/backend/fast) calls it.
package kernels
