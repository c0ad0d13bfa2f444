package bench

import (
	"math/rand/v2"
	"testing"
)

// TestDiscs checks the synthetic EmbedSeg crops: ids within 1..objects, several
// objects per crop, and exactly one centre per visible object, inside it.
func TestDiscs(t *testing.T) {
	cases := []struct {
		size    []int
		objects int
	}{
		{[]int{64, 48}, 10},
		{[]int{16, 32, 32}, 5},
	}
	for _, tc := range cases {
		const batch = 2
		ids, centres := Discs(rand.New(rand.NewPCG(1, 2)), batch, tc.size, tc.objects)
		n := len(ids) / batch
		for b := range batch {
			seen := map[int]int{}
			cent := map[int]int{}
			for v := b * n; v < (b+1)*n; v++ {
				id := int(ids[v])
				if id < 0 || id > tc.objects || float32(id) != ids[v] {
					t.Fatalf("%v crop %d: id %v out of 0..%d", tc.size, b, ids[v], tc.objects)
				}
				if id > 0 {
					seen[id]++
				}
				if centres[v] != 0 {
					if centres[v] != 1 || id == 0 {
						t.Fatalf("%v crop %d: centre %v on id %d", tc.size, b, centres[v], id)
					}
					cent[id]++
				}
			}
			if len(seen) < tc.objects/2 {
				t.Fatalf("%v crop %d: only %d of %d objects visible", tc.size, b, len(seen), tc.objects)
			}
			for id := range seen {
				if cent[id] != 1 {
					t.Fatalf("%v crop %d: object %d has %d centres", tc.size, b, id, cent[id])
				}
			}
		}
	}
}
