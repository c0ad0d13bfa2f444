package instance

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readLabelMap reads a label map from testdata (see testdata/README.md).
func readLabelMap(t *testing.T, name string) ([]int32, [3]int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return parseLabelMap(t, string(raw))
}

// parseLabelMap parses label-map text: rows of '.' and letters, z slices separated by
// blank lines.
func parseLabelMap(t *testing.T, text string) ([]int32, [3]int) {
	t.Helper()
	var labels []int32
	var shape [3]int
	for _, slice := range strings.Split(strings.TrimSpace(text), "\n\n") {
		rows := strings.Split(strings.TrimSpace(slice), "\n")
		shape[0]++
		shape[1] = len(rows)
		for _, r := range rows {
			r = strings.TrimSpace(r)
			if shape[2] != 0 && len(r) != shape[2] {
				t.Fatalf("label map: row %q has %d columns, want %d", r, len(r), shape[2])
			}
			shape[2] = len(r)
			for _, c := range r {
				switch {
				case c == '.':
					labels = append(labels, 0)
				case c >= 'a' && c <= 'z':
					labels = append(labels, int32(c-'a'+1))
				default:
					t.Fatalf("label map: bad character %q", c)
				}
			}
		}
	}
	if len(labels) != shape[0]*shape[1]*shape[2] {
		t.Fatalf("label map: slices of different sizes")
	}
	return labels, shape
}

// index returns the raster index of (z, y, x).
func index(shape [3]int, z, y, x int) int { return (z*shape[1]+y)*shape[2] + x }

// ones lists the indices of the non-zero entries.
func ones(m []uint8) []int {
	var out []int
	for i, v := range m {
		if v != 0 {
			out = append(out, i)
		}
	}
	return out
}

// randomLabels returns n labels in 0..maxID with runs (like real label images).
func randomLabels(seed, n, maxID int) []int32 {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	out := make([]int32, n)
	cur := int32(0)
	for i := range out {
		if rng.IntN(4) == 0 {
			cur = int32(rng.IntN(maxID + 1))
		}
		out[i] = cur
	}
	return out
}
