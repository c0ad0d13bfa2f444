package array

import (
	"reflect"
	"testing"
)

func TestForeground(t *testing.T) {
	cases := []struct {
		name  string
		a     *Array
		limit int
		want  [][]int
	}{
		{"empty", New(1, 2, 3), 0, [][]int{}},
		{"2D, one channel", mustFromData(t, []float32{0, 1, 0, 0, 0, 2}, 1, 2, 3), 0, [][]int{{0, 1}, {1, 2}}},
		{"any channel counts", mustFromData(t, []float32{0, 1, 0, 0, 3, 0}, 2, 1, 3), 0, [][]int{{0, 1}}},
		{"negative is background", mustFromData(t, []float32{-1, 0, 1, 0}, 1, 1, 4), 0, [][]int{{0, 2}}},
		{"3D", mustFromData(t, []float32{0, 0, 0, 0, 0, 0, 0, 5}, 1, 2, 2, 2), 0, [][]int{{1, 1, 1}}},
		{"limit subsamples evenly", mustFromData(t, []float32{1, 1, 1, 1}, 1, 1, 4), 2, [][]int{{0, 0}, {0, 2}}},
		{"limit above count", mustFromData(t, []float32{1, 0, 1}, 1, 1, 3), 5, [][]int{{0, 0}, {0, 2}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Foreground(tc.limit); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Foreground(%d) = %v, want %v", tc.limit, got, tc.want)
			}
		})
	}
}

func mustFromData(t *testing.T, data []float32, shape ...int) *Array {
	t.Helper()
	a, err := FromData(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
