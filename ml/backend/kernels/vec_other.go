//go:build !amd64

package kernels

// vecBinary has no vector loop off amd64.
func vecBinary(op BinaryOp, d, a, b []float32, s float32) int { return 0 }

// vecUnary has no vector loop off amd64.
func vecUnary(op UnaryOp, d, a []float32) int { return 0 }

// vecWhere has no vector loop off amd64.
func vecWhere(out []float32, cond []bool, t, f []float32) int { return 0 }
