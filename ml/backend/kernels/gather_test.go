package kernels

import (
	"math/rand/v2"
	"testing"
)

func TestGatherScatterElements(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	cases := []struct {
		name           string
		table, m, span int
	}{
		{"small", 5, 9, 7},                        // indices −1…5: clamped / skipped at both ends
		{"parallel", 300, parallelMin*2 + 3, 310}, // large enough to be split
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			table := randSlice(r, tc.table)
			idx := make([]int32, tc.m)
			for i := range idx {
				idx[i] = int32(r.IntN(tc.span)) - 1
			}
			got := make([]float32, tc.m)
			if err := GatherElements(got, table, idx); err != nil {
				t.Fatal(err)
			}
			for i, k := range idx {
				k = min(max(k, 0), int32(tc.table-1))
				if got[i] != table[k] {
					t.Fatalf("gather %d: got %v, want table[%d] = %v", i, got[i], k, table[k])
				}
			}
			updates := randSlice(r, tc.m)
			sum := make([]float32, tc.table)
			if err := ScatterAddElements(sum, table, updates, idx); err != nil {
				t.Fatal(err)
			}
			want := append([]float32(nil), table...)
			for i, k := range idx {
				if k >= 0 && int(k) < tc.table {
					want[k] += updates[i]
				}
			}
			for i := range want {
				if sum[i] != want[i] {
					t.Fatalf("scatter %d: got %v, want %v", i, sum[i], want[i])
				}
			}
		})
	}
	if err := GatherElements(make([]float32, 2), make([]float32, 3), make([]int32, 3)); err == nil {
		t.Error("3 indices for 2 outputs accepted")
	}
	if err := ScatterAddElements(make([]float32, 2), make([]float32, 3), nil, nil); err == nil {
		t.Error("operand of 3 elements for 2 outputs accepted")
	}
}
