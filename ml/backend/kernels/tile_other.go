//go:build !amd64

package kernels

// storeFullTile has no vector path off amd64: storeTile's loops do the work.
func storeFullTile(tile *[MR * NR]float32, c Mat, i0, j0 int, acc bool) bool { return false }
