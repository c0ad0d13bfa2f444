// Package fast is im2im's fast pure-Go GoMLX backend, registered as "im2im-fast"
// (GOMLX_BACKEND=im2im-fast).
//
// GoMLX's pure-Go backend (simplego) cannot be extended from outside: its op executors
// and node fields are unexported. So this backend wraps another pure-Go backend (by
// default im2im's "im2im" backend when it is registered, else simplego "go"): its Builder
// records the graph in a small IR of its own, validating each op against the inner
// backend's builder, and its Executable runs the float32 work natively through package
// kernels on all cores — ConvGeneral (forward, input gradient and kernel gradient, any
// axis layout), DotGeneral, element-wise ops, reductions, broadcasts, transposes, slices,
// pooling and its gradient — fusing runs of element-wise ops into chunked passes and
// ReduceSum(Mul) pairs into GEMMs. Every maximal run of other ops is compiled once into
// one inner executable and run there. Buffers are the inner backend's own, so tensors
// move between the two without copies. See ml/backend/kernels/README.md for the design
// and measurements.
//
// Layering: fast imports GoMLX's backends, ml/backend/kernels and the standard library.
// It looks the inner backend up by name in GoMLX's registry; it does not import
// ml/backend, so ml/backend may import fast to make it the default.
package fast
