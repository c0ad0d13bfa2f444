package bench

import "testing"

func TestSummarize(t *testing.T) {
	r := Summarize([]float64{3, 1, 2, 10})
	if r.Median != 2.5 || r.Min != 1 || r.Max != 10 || r.N != 4 {
		t.Fatalf("Summarize = %+v", r)
	}
	if r := Summarize([]float64{4, 2, 9}); r.Median != 4 || r.N != 3 {
		t.Fatalf("odd Summarize = %+v", r)
	}
}
