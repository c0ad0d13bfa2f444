package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestStoreFullTile checks the vector store of a whole tile (set and add) against the
// element loop, bit for bit.
func TestStoreFullTile(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	var tile [MR * NR]float32
	copy(tile[:], randSlice(r, MR*NR))
	const rs, off = 45, 7
	for _, acc := range []bool{false, true} {
		c := randSlice(r, off+2*rs+(MR+1)*rs)
		want := append([]float32(nil), c...)
		for i := 0; i < MR; i++ {
			for j := 0; j < NR; j++ {
				k := off + (2+i)*rs + 3 + j
				if acc {
					want[k] += tile[i*NR+j]
				} else {
					want[k] = tile[i*NR+j]
				}
			}
		}
		storeTile(&tile, Mat{Data: c, Off: off, RS: rs, CS: 1}, 2, 3, MR, NR, acc)
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
				t.Fatalf("acc %v: element %d = %v, want %v", acc, i, c[i], want[i])
			}
		}
	}
}
