package kernels

//go:noescape
func storeTile512(tile, c *float32, rs int, acc bool)

// storeFullTile stores (or adds) a whole MR×NR tile into C at (i0, j0) with AVX-512 when
// C's rows are contiguous; it reports false (nothing done) otherwise.
func storeFullTile(tile *[MR * NR]float32, c Mat, i0, j0 int, acc bool) bool {
	if active != AVX512 || c.CS != 1 || c.RS < NR {
		return false
	}
	base := c.Off + i0*c.RS + j0
	_ = c.Data[base+(MR-1)*c.RS+NR-1]
	storeTile512(&tile[0], &c.Data[base], c.RS, acc)
	return true
}
