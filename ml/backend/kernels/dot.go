package kernels

import "fmt"

// DotGeneral computes XLA's DotGeneral on row-major float32 arrays: out has dimensions
// [batch…, lhs free…, rhs free…] where batch axes are paired by lhsBatch/rhsBatch and the
// contracting axes by lhsContract/rhsContract. Operands are gathered into [B][M][K] and
// [B][K][N] layouts (no copy when already so laid out) and multiplied with the GEMM.
func DotGeneral(out, lhs []float32, lhsDims, lhsContract, lhsBatch []int, rhs []float32, rhsDims, rhsContract, rhsBatch []int) error {
	if len(lhsContract) != len(rhsContract) || len(lhsBatch) != len(rhsBatch) {
		return fmt.Errorf("kernels.DotGeneral: contracting %v/%v or batch %v/%v axes do not pair up", lhsContract, rhsContract, lhsBatch, rhsBatch)
	}
	free := func(dims, contract, batch []int) []int {
		used := map[int]bool{}
		for _, a := range append(append([]int(nil), contract...), batch...) {
			used[a] = true
		}
		var f []int
		for a := range dims {
			if !used[a] {
				f = append(f, a)
			}
		}
		return f
	}
	lf, rf := free(lhsDims, lhsContract, lhsBatch), free(rhsDims, rhsContract, rhsBatch)
	size := func(dims, axes []int) int {
		p := 1
		for _, a := range axes {
			p *= dims[a]
		}
		return p
	}
	B, M, K, N := size(lhsDims, lhsBatch), size(lhsDims, lf), size(lhsDims, lhsContract), size(rhsDims, rf)
	for i := range lhsBatch {
		if lhsDims[lhsBatch[i]] != rhsDims[rhsBatch[i]] {
			return fmt.Errorf("kernels.DotGeneral: batch axis sizes differ: %v vs %v", lhsDims, rhsDims)
		}
	}
	for i := range lhsContract {
		if lhsDims[lhsContract[i]] != rhsDims[rhsContract[i]] {
			return fmt.Errorf("kernels.DotGeneral: contracting axis sizes differ: %v vs %v", lhsDims, rhsDims)
		}
	}
	if len(out) != B*M*N || len(lhs) != prod(lhsDims) || len(rhs) != prod(rhsDims) {
		return fmt.Errorf("kernels.DotGeneral: element counts do not match dims %v, %v", lhsDims, rhsDims)
	}
	gather := func(src []float32, dims []int, order ...[]int) []float32 {
		var perm []int
		for _, g := range order {
			perm = append(perm, g...)
		}
		identity := true
		for i, p := range perm {
			if p != i {
				identity = false
			}
		}
		if identity {
			return src
		}
		st := RowMajorStrides(dims)
		pd, ps := make([]int, len(perm)), make([]int, len(perm))
		for i, p := range perm {
			pd[i], ps[i] = dims[p], st[p]
		}
		dst := getBuf(len(src)) // fully written by Copy
		_ = Copy(dst, pd, src, ps)
		return dst
	}
	a := gather(lhs, lhsDims, lhsBatch, lf, lhsContract)
	b := gather(rhs, rhsDims, rhsBatch, rhsContract, rf)
	if len(a) > 0 && &a[0] != &lhs[0] {
		defer putBuf(a)
	}
	if len(b) > 0 && &b[0] != &rhs[0] {
		defer putBuf(b)
	}
	if B == 1 {
		ParallelGemm(M, N, K, RowMajor(a, 0, K), RowMajor(b, 0, N), RowMajor(out, 0, N), false)
		return nil
	}
	ParallelFor(B, func(_, i int) {
		Gemm(M, N, K, RowMajor(a, i*M*K, K), RowMajor(b, i*K*N, N), RowMajor(out, i*M*N, N), false)
	})
	return nil
}
