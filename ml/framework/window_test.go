package framework

import (
	"fmt"
	"testing"
)

func TestChooseWindow(t *testing.T) {
	cases := []struct {
		name              string
		spatial, declared []int
		divisors          []int
		maxVoxels, batch  int
		want              string
	}{
		{"whole image, batch capped at one window", []int{512, 512}, nil, []int{4, 4}, 0, 4,
			"[512 512] b1 n1 whole image"},
		{"whole image rounded up to the divisor", []int{500, 301}, nil, []int{8, 8}, 0, 4,
			"[504 304] b1 n1 whole image"},
		{"declared wins", []int{512, 512}, []int{64, 64}, []int{4, 4}, 0, 4,
			"[64 64] b4 n121 declared"},
		{"over the budget: longest axis shrinks first", []int{100, 400}, nil, []int{4, 4}, 100 * 200, 4,
			"[100 200] b1 n3 largest under the budget"},
		{"anisotropic divisors", []int{20, 300, 300}, nil, []int{1, 8, 8}, 20 * 64 * 64, 2,
			"[20 64 64] b1 n36 largest under the budget"},
		{"batch limited by the budget", []int{256, 256}, []int{64, 64}, nil, 2 * 64 * 64, 8,
			"[64 64] b2 n25 declared"},
		{"no divisor, tiny budget", []int{10, 10}, nil, nil, 1, 1,
			"[1 1] b1 n100 largest under the budget"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := ChooseWindow(c.spatial, c.declared, c.divisors, c.maxVoxels, c.batch, 0.25)
			got := fmt.Sprintf("%v b%d n%d %s", w.Window, w.BatchSize, w.Windows, w.Reason)
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if w.Whole != (w.Windows == 1) {
				t.Errorf("Whole %v with %d windows", w.Whole, w.Windows)
			}
		})
	}
}
