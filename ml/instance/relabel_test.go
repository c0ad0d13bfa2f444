package instance

import (
	"math"
	"slices"
	"testing"
)

func TestRelabel(t *testing.T) {
	cases := []struct {
		name string
		in   []int32
		want []int32
		n    int
	}{
		{"empty", nil, nil, 0},
		{"background only", []int32{0, 0, 0}, []int32{0, 0, 0}, 0},
		{"already sequential", []int32{1, 1, 2, 0, 3}, []int32{1, 1, 2, 0, 3}, 3},
		{"first appearance order", []int32{0, 7, 3, 7, 0, 3, 9}, []int32{0, 1, 2, 1, 0, 2, 3}, 3},
		{"gaps", []int32{5, 0, 5, 2}, []int32{1, 0, 1, 2}, 2},
		{"large ids (sparse)", []int32{math.MaxInt32, 0, 1 << 20, math.MaxInt32}, []int32{1, 0, 2, 1}, 2},
		{"negative ids are ids", []int32{-4, 0, 2, -4, -1}, []int32{1, 0, 2, 1, 3}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := slices.Clone(tc.in)
			n := Relabel(got)
			if n != tc.n || !slices.Equal(got, tc.want) {
				t.Errorf("Relabel(%v) = %v, %d; want %v, %d", tc.in, got, n, tc.want, tc.n)
			}
		})
	}
}

// TestRelabelDenseSparseAgree checks the lookup-table and map paths on the same images.
func TestRelabelDenseSparseAgree(t *testing.T) {
	for seed := range 20 {
		in := randomLabels(seed, 300, 40)
		a, b := slices.Clone(in), slices.Clone(in)
		na, nb := relabelDense(a, 40), relabelSparse(b)
		if na != nb || !slices.Equal(a, b) {
			t.Fatalf("seed %d: dense %v (%d) and sparse %v (%d) differ", seed, a, na, b, nb)
		}
	}
}
