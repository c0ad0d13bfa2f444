package kernels

import "testing"

func TestConcat(t *testing.T) {
	tests := []struct {
		name   string
		outer  int
		widths []int
	}{
		{"one part", 3, []int{5}},
		{"two rows of two", 2, []int{3, 4}},
		{"long rows split in pieces", 2, []int{concatChunk + 7, 2*concatChunk + 1}},
		{"empty part", 4, []int{2, 0, 3}},
		{"no rows", 0, []int{2, 3}},
		{"many short rows (zeros appended to a kernel axis)", concatChunk/2 + 3, []int{4, 1}},
		{"many rows, narrow and wide parts", 3*concatChunk/100 + 1, []int{1, 90, 9}},
		{"one-float rows (zeros inserted along the last axis)", concatChunk + 5, []int{1, 1}},
		{"rows of four floats, three parts", 1000, []int{1, 2, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			total := 0
			parts := make([][]float32, len(tc.widths))
			for i, w := range tc.widths {
				parts[i] = make([]float32, tc.outer*w)
				for j := range parts[i] {
					parts[i][j] = float32(1000*i + j)
				}
				total += w
			}
			dst := make([]float32, tc.outer*total)
			for i := range dst {
				dst[i] = -1
			}
			if err := Concat(dst, tc.outer, parts, tc.widths); err != nil {
				t.Fatal(err)
			}
			for r := 0; r < tc.outer; r++ {
				col := 0
				for i, w := range tc.widths {
					for a := 0; a < w; a++ {
						if got, want := dst[r*total+col+a], parts[i][r*w+a]; got != want {
							t.Fatalf("row %d part %d column %d: %v, want %v", r, i, a, got, want)
						}
					}
					col += w
				}
			}
		})
	}
	if err := Concat(make([]float32, 5), 1, [][]float32{make([]float32, 2)}, []int{3}); err == nil {
		t.Error("a part of the wrong size was accepted")
	}
	if err := Concat(make([]float32, 4), 1, [][]float32{make([]float32, 3)}, []int{3}); err == nil {
		t.Error("a destination of the wrong size was accepted")
	}
}
