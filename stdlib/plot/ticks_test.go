package plot

import (
	"strings"
	"testing"
)

func TestTicks(t *testing.T) {
	linear := []struct {
		lo, hi  float64
		integer bool
		want    string
	}{
		{0.7, 0.96, false, "0.70 0.75 0.80 0.85 0.90 0.95"},
		{0.93, 1.002, false, "0.94 0.96 0.98 1.00"},
		{1, 4, true, "1 2 3 4"},
		{1, 28, true, "5 10 15 20 25"},
		{-0.2, 0.2, false, "-0.2 -0.1 0.0 0.1 0.2"},
		{0.0002, 0.0011, false, "0.0002 0.0004 0.0006 0.0008 0.0010"},
		{2e6, 9e6, false, "2e+06 4e+06 6e+06 8e+06"},
		{1, 1.5, true, "1"},
	}
	for _, tc := range linear {
		var got []string
		for _, tk := range (linearTicks{integer: tc.integer}).Ticks(tc.lo, tc.hi) {
			got = append(got, tk.Label)
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("linear %g..%g: %q, want %q", tc.lo, tc.hi, s, tc.want)
		}
	}
	logs := []struct {
		lo, hi float64
		want   string
	}{
		{0.001, 10, "0.001 0.01 0.1 1 10"},
		{0.03, 0.7, "0.05 0.1 0.2 0.5"},
		{0.11, 0.19, "0.11 0.19"},
		{0.2, 0.9, "0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9"},
	}
	for _, tc := range logs {
		var got []string
		for _, tk := range (logTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("log %g..%g: %q, want %q", tc.lo, tc.hi, s, tc.want)
		}
	}
	if got := niceFloor(3.2); got != 2 {
		t.Errorf("niceFloor(3.2) = %v", got)
	}
	if got, labels := niceTicks(0, 1, 4, false); len(got) != 6 || got[0] != 0 || got[5] != 1 || labels[5] != "1.0" {
		t.Errorf("niceTicks(0, 1) = %v %q", got, labels)
	}
}
