package kernels

// Operand is one input of a ranged element-wise kernel: element e (flat row-major index
// over the kernel's dimensions) is read at Data[Base + Σ idx_d(e)·stride_d], with the
// strides given when the Ranged was prepared. A Base of −e0 lets a chunk-sized scratch
// buffer stand for the range [e0, e1) of a full array.
type Operand struct {
	Data []float32
	Base int
	Mask []bool // the data of a bool operand (Where's condition), addressed like Data
}

// Ranged is a prepared element-wise operation over fixed dimensions that can be
// evaluated on any flat range of its output: the unit of fused (chunked) execution, where
// a chain of element-wise ops runs chunk by chunk so intermediates stay in cache.
type Ranged struct {
	kind    int // 0 binary, 1 unary, 2 copy, 3 where, 4 compare (RunMask)
	bin     BinaryOp
	un      UnaryOp
	cmp     CompareOp
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

// NewRangedWhere prepares Where over dims with the strides of the condition (a Mask
// operand) and of the two values.
func NewRangedWhere(dims, cs, ts, fs []int) *Ranged {
	cd, cst := collapse(dims, RowMajorStrides(dims), cs, ts, fs)
	return &Ranged{kind: 3, dims: cd, strides: cst}
}

// NewRangedCompare prepares the comparison op over dims with operand strides as and bs;
// it is evaluated by RunMask into a bool destination.
func NewRangedCompare(op CompareOp, dims, as, bs []int) *Ranged {
	cd, cs := collapse(dims, RowMajorStrides(dims), as, bs)
	return &Ranged{kind: 4, cmp: op, dims: cd, strides: cs}
}

// RunMask evaluates a comparison (NewRangedCompare) on the flat output range [e0, e1)
// into the bool destination dst (addressed like an Operand with base dstBase).
func (r *Ranged) RunMask(dst []bool, dstBase int, ops []Operand, e0, e1 int) {
	last := len(r.dims) - 1
	sa, sb := r.strides[1][last], r.strides[2][last]
	r.eachRow(e0, e1, func(e, col, n int, off []int) {
		a := stridedRow(ops[0].Data[ops[0].Base+off[1]+col*sa:], sa, n)
		b := stridedRow(ops[1].Data[ops[1].Base+off[2]+col*sb:], sb, n)
		d := dst[dstBase+e : dstBase+e+n]
		if a != nil && b != nil {
			compareRange(r.cmp, d, a, b)
		} else {
			for i := range d {
				d[i] = compareOne(r.cmp, ops[0].Data[ops[0].Base+off[1]+(col+i)*sa], ops[1].Data[ops[1].Base+off[2]+(col+i)*sb])
			}
		}
	})
}

// eachRow calls fn for each row segment of the flat output range [e0, e1): its
// first flat element e, its column col in the row, its length n and the
// operands' offsets of that row (off, reused between calls).
func (r *Ranged) eachRow(e0, e1 int, fn func(e, col, n int, off []int)) {
	inner := r.dims[len(r.dims)-1]
	off := make([]int, len(r.strides))
	for e := e0; e < e1; {
		row := e / inner
		col := e - row*inner
		n := min(inner-col, e1-e)
		offsets(row, r.dims, r.strides, off)
		fn(e, col, n, off)
		e += n
	}
}

// stridedRow returns the n-element row x read with stride st as a slice the row kernels
// take (a full row for stride 1, one element standing for a scalar for stride 0), or nil
// for other strides.
func stridedRow(x []float32, st, n int) []float32 {
	switch st {
	case 1:
		return x[:n]
	case 0:
		return x[:1]
	}
	return nil
}

// compareOne is one comparison.
func compareOne(op CompareOp, a, b float32) bool {
	switch op {
	case CmpGreater:
		return a > b
	case CmpGreaterOrEqual:
		return a >= b
	case CmpLess:
		return a < b
	}
	return a <= b
}

// Run evaluates the flat output range [e0, e1) into dst (addressed like an Operand with
// row-major strides and base dstBase) from the operands.
func (r *Ranged) Run(dst []float32, dstBase int, ops []Operand, e0, e1 int) {
	last := len(r.dims) - 1
	r.eachRow(e0, e1, func(e, col, n int, off []int) {
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
		case 3:
			sc, st, sf := r.strides[1][last], r.strides[2][last], r.strides[3][last]
			c := ops[0].Mask[ops[0].Base+off[1]+col*sc:]
			t := stridedRow(ops[1].Data[ops[1].Base+off[2]+col*st:], st, n)
			f := stridedRow(ops[2].Data[ops[2].Base+off[3]+col*sf:], sf, n)
			if sc == 1 && t != nil && f != nil {
				whereRange(d, c[:n], t, f)
			} else {
				for i := range d {
					d[i] = pick(c[i*sc], ops[1].Data[ops[1].Base+off[2]+(col+i)*st], ops[2].Data[ops[2].Base+off[3]+(col+i)*sf])
				}
			}
		case 2:
			si := r.strides[1][last]
			src := ops[0].Data[ops[0].Base+off[1]+col*si:]
			if si == 1 {
				copy(d, src[:n])
			} else if si == 0 {
				fillValue(d, src[0])
			} else {
				for i := range d {
					d[i] = src[i*si]
				}
			}
		}
	})
}
