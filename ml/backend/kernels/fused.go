package kernels

// Operand is one input of a ranged element-wise kernel: element e (flat row-major index
// over the kernel's dimensions) is read at Data[Base + Σ idx_d(e)·stride_d], with the
// strides given when the Ranged was prepared. A Base of −e0 lets a chunk-sized scratch
// buffer stand for the range [e0, e1) of a full array.
type Operand struct {
	Data []float32
	Base int
}

// Ranged is a prepared element-wise operation over fixed dimensions that can be
// evaluated on any flat range of its output: the unit of fused (chunked) execution, where
// a chain of element-wise ops runs chunk by chunk so intermediates stay in cache.
type Ranged struct {
	kind    int // 0 binary, 1 unary, 2 copy
	bin     BinaryOp
	un      UnaryOp
	dims    []int   // collapsed dimensions
	strides [][]int // collapsed strides: [0] destination (row-major), then operands
}

// NewRangedBinary prepares op over dims with operand strides as and bs.
func NewRangedBinary(op BinaryOp, dims, as, bs []int) *Ranged {
	cd, cs := collapse(dims, RowMajorStrides(dims), as, bs)
	return &Ranged{kind: 0, bin: op, dims: cd, strides: cs}
}

// NewRangedUnary prepares op over dims (operand of the same shape).
func NewRangedUnary(op UnaryOp, dims []int) *Ranged {
	rm := RowMajorStrides(dims)
	cd, cs := collapse(dims, rm, rm)
	return &Ranged{kind: 1, un: op, dims: cd, strides: cs}
}

// NewRangedCopy prepares a strided gather (broadcast/transpose) over dims.
func NewRangedCopy(dims, srcStrides []int) *Ranged {
	cd, cs := collapse(dims, RowMajorStrides(dims), srcStrides)
	return &Ranged{kind: 2, dims: cd, strides: cs}
}

// Run evaluates the flat output range [e0, e1) into dst (addressed like an Operand with
// row-major strides and base dstBase) from the operands.
func (r *Ranged) Run(dst []float32, dstBase int, ops []Operand, e0, e1 int) {
	last := len(r.dims) - 1
	inner := r.dims[last]
	off := make([]int, len(r.strides))
	for e := e0; e < e1; {
		row := e / inner
		col := e - row*inner
		n := min(inner-col, e1-e)
		offsets(row, r.dims, r.strides, off)
		d := dst[dstBase+e : dstBase+e+n]
		switch r.kind {
		case 0:
			sa, sb := r.strides[1][last], r.strides[2][last]
			a := ops[0].Data[ops[0].Base+off[1]+col*sa:]
			b := ops[1].Data[ops[1].Base+off[2]+col*sb:]
			binaryRow(r.bin, d, a, b, sa, sb)
		case 1:
			src := ops[0].Data[ops[0].Base+off[1]+col:]
			unaryRow(r.un, d, src[:n])
		case 2:
			si := r.strides[1][last]
			src := ops[0].Data[ops[0].Base+off[1]+col*si:]
			if si == 1 {
				copy(d, src[:n])
			} else {
				for i := range d {
					d[i] = src[i*si]
				}
			}
		}
		e += n
	}
}
