package kernels

// AVX-512 element-wise loops (vec_amd64.s); n16 is the number of 16-float blocks.

//go:noescape
func addVV512(d, a, b *float32, n16 int)

//go:noescape
func subVV512(d, a, b *float32, n16 int)

//go:noescape
func mulVV512(d, a, b *float32, n16 int)

//go:noescape
func divVV512(d, a, b *float32, n16 int)

//go:noescape
func maxVV512(d, a, b *float32, n16 int)

//go:noescape
func minVV512(d, a, b *float32, n16 int)

//go:noescape
func maxVS512(d, a *float32, s float32, n16 int)

//go:noescape
func minVS512(d, a *float32, s float32, n16 int)

//go:noescape
func addVS512(d, a *float32, s float32, n16 int)

//go:noescape
func subVS512(d, a *float32, s float32, n16 int)

//go:noescape
func mulVS512(d, a *float32, s float32, n16 int)

//go:noescape
func divVS512(d, a *float32, s float32, n16 int)

// vecBinary runs the AVX-512 loop for op over the longest 16-float prefix of d (with
// b == nil meaning the scalar s) and returns how many elements it did; 0 when the
// active path is not AVX-512 or op has no vector loop.
func vecBinary(op BinaryOp, d, a, b []float32, s float32) int {
	n16 := len(d) / 16
	if active != AVX512 || n16 == 0 {
		return 0
	}
	_ = a[n16*16-1]
	if b != nil {
		_ = b[n16*16-1]
		switch op {
		case Add:
			addVV512(&d[0], &a[0], &b[0], n16)
		case Sub:
			subVV512(&d[0], &a[0], &b[0], n16)
		case Mul:
			mulVV512(&d[0], &a[0], &b[0], n16)
		case Div:
			divVV512(&d[0], &a[0], &b[0], n16)
		case Maximum:
			maxVV512(&d[0], &a[0], &b[0], n16)
		case Minimum:
			minVV512(&d[0], &a[0], &b[0], n16)
		default:
			return 0
		}
		return n16 * 16
	}
	switch op {
	case Add:
		addVS512(&d[0], &a[0], s, n16)
	case Sub:
		subVS512(&d[0], &a[0], s, n16)
	case Mul:
		mulVS512(&d[0], &a[0], s, n16)
	case Div:
		divVS512(&d[0], &a[0], s, n16)
	case Maximum:
		maxVS512(&d[0], &a[0], s, n16)
	case Minimum:
		minVS512(&d[0], &a[0], s, n16)
	default:
		return 0
	}
	return n16 * 16
}

//go:noescape
func signV512(d, a *float32, n16 int)

// vecUnary runs the AVX-512 loop for op over the longest 16-float prefix and returns how
// many elements it did (0 when there is none for op or the active path).
func vecUnary(op UnaryOp, d, a []float32) int {
	n16 := len(d) / 16
	if active != AVX512 || n16 == 0 || op != Sign {
		return 0
	}
	_ = a[n16*16-1]
	signV512(&d[0], &a[0], n16)
	return n16 * 16
}

//go:noescape
func where512(d *float32, c *bool, t, f *float32, tInc, fInc, n16 int)

// vecWhere runs the AVX-512 select over the longest 16-element prefix of out (t and f
// full ranges or scalars) and returns how many elements it did; 0 when the active path
// is not AVX-512.
func vecWhere(out []float32, cond []bool, t, f []float32) int {
	n16 := len(out) / 16
	if active != AVX512 || n16 == 0 {
		return 0
	}
	_ = cond[n16*16-1]
	var tb, fb [16]float32
	tp, tInc := broadcastBlock(t, n16, &tb)
	fp, fInc := broadcastBlock(f, n16, &fb)
	where512(&out[0], &cond[0], tp, fp, tInc, fInc, n16)
	return n16 * 16
}

// broadcastBlock returns x's data and a step of 64 bytes per 16 elements, or, for a
// scalar x, a block of 16 copies of it and a step of 0.
func broadcastBlock(x []float32, n16 int, block *[16]float32) (*float32, int) {
	if len(x) == 1 {
		for i := range block {
			block[i] = x[0]
		}
		return &block[0], 0
	}
	_ = x[n16*16-1]
	return &x[0], 64
}
