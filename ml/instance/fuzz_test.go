package instance

import (
	"math"
	"slices"
	"testing"
)

// FuzzMatch feeds arbitrary label images, thresholds and shapes to Match, Relabel and
// Centers: bad input must give an error, never a panic, and good input must give
// consistent results.
func FuzzMatch(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2}, []byte{0, 1, 1, 1}, 0.5, 1, 2, 2)
	f.Add([]byte{0, 1}, []byte{0, 1, 2}, 0.7, 1, 1, 3)
	f.Add([]byte{255, 3}, []byte{3, 3}, 0.3, 0, 1, 2)
	f.Add([]byte{}, []byte{}, math.NaN(), -1, 1, 1)
	f.Add([]byte{9, 9, 9, 0, 0, 7, 7, 7}, []byte{9, 9, 0, 0, 0, 7, 7, 7}, 1.0, 2, 2, 2)
	f.Fuzz(func(t *testing.T, a, b []byte, th float64, z, y, x int) {
		pred, truth := bytesToLabels(a), bytesToLabels(b)
		thresholds := []float64{0.5, th}
		r, err := Match(pred, truth, thresholds)
		bad := len(pred) != len(truth) || !(th >= 0.5 && th <= 1) ||
			slices.ContainsFunc(pred, negative) || slices.ContainsFunc(truth, negative)
		if bad != (err != nil) {
			t.Fatalf("Match(%v, %v, %v): err = %v, bad input = %v", pred, truth, thresholds, err, bad)
		}
		if err == nil {
			checkMatchResult(t, r)
		}

		relabelled := slices.Clone(pred)
		n := Relabel(relabelled)
		next := int32(1)
		for i, l := range relabelled {
			if (l == 0) != (pred[i] == 0) || l > next {
				t.Fatalf("Relabel(%v) = %v: not in order of first appearance", pred, relabelled)
			}
			if l == next {
				next++
			}
		}
		if int(next-1) != n || Relabel(slices.Clone(relabelled)) != n {
			t.Fatalf("Relabel(%v) = %v, %d", pred, relabelled, n)
		}

		shape := [3]int{z, y, x}
		c, err := Centers(pred, shape, CenterMethods[(len(a)+len(b))%3], 1)
		okShape := z > 0 && y > 0 && x > 0 && z <= len(pred) && y <= len(pred) && x <= len(pred) && z*y*x == len(pred)
		if okShape && !slices.ContainsFunc(pred, negative) {
			if err != nil {
				t.Fatalf("Centers(%v, %v): %v", pred, shape, err)
			}
			if k := len(ones(c)); k < 1 && n > 0 || k > n {
				t.Fatalf("Centers(%v, %v): %d centres for %d instances", pred, shape, k, n)
			}
		} else if err == nil {
			t.Fatalf("Centers(%v, %v): no error for a bad shape or label", pred, shape)
		}
	})
}

// bytesToLabels turns each byte into a label; bytes ≥ 250 become negative labels.
func bytesToLabels(b []byte) []int32 {
	out := make([]int32, len(b))
	for i, v := range b {
		out[i] = int32(v % 16)
		if v >= 250 {
			out[i] = -int32(v - 249)
		}
	}
	return out
}

func negative(l int32) bool { return l < 0 }

// checkMatchResult checks the invariants of a MatchResult.
func checkMatchResult(t *testing.T, r MatchResult) {
	t.Helper()
	for j := range r.Thresholds {
		if r.TP[j] < 0 || r.TP[j] > min(r.NPred, r.NTrue) || r.TP[j]+r.FP[j] != r.NPred || r.TP[j]+r.FN[j] != r.NTrue {
			t.Fatalf("inconsistent counts %+v", r)
		}
		for _, v := range []float64{r.Precision[j], r.Recall[j], r.Accuracy[j], r.F1[j]} {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("ratio out of [0, 1]: %+v", r)
			}
		}
		if r.Thresholds[j] >= r.Thresholds[0] && r.TP[j] > r.TP[0] {
			t.Fatalf("more matches at a higher threshold: %+v", r)
		}
	}
	if !(r.MeanMatchedIoU >= 0 && r.MeanMatchedIoU <= 1 && r.MeanTrueIoU >= 0 && r.MeanTrueIoU <= 1) {
		t.Fatalf("mean IoUs out of [0, 1]: %+v", r)
	}
}
