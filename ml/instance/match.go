package instance

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// MatchResult scores a predicted instance image against the ground truth, per IoU
// threshold t: a predicted and a true instance match when their IoU is > t.
type MatchResult struct {
	Thresholds []float64
	// TP: matched pairs; FP: unmatched predictions; FN: unmatched true instances.
	TP, FP, FN []int
	// Precision TP/(TP+FP), Recall TP/(TP+FN), F1 2TP/(2TP+FP+FN), and Accuracy
	// TP/(TP+FP+FN), the DSB 2018 / StarDist "AP" at that IoU.
	Precision, Recall, Accuracy, F1 []float64
	// MeanMatchedIoU is the mean IoU of the pairs with IoU > 0.5 (StarDist's
	// mean_matched_score).
	MeanMatchedIoU float64
	// MeanTrueIoU is the sum of those IoUs over the number of true instances (unmatched
	// ones count as 0).
	MeanTrueIoU float64
	// Matched is the number of pairs with IoU > 0.5 and SumMatchedIoU the sum of their
	// IoUs (kept so that Summarize can pool images).
	Matched       int
	SumMatchedIoU float64
	NPred, NTrue  int
}

// DefaultThresholds returns the IoU thresholds 0.5, 0.55, …, 0.9.
func DefaultThresholds() []float64 {
	t := make([]float64, 9)
	for i := range t {
		t[i] = float64(50+5*i) / 100
	}
	return t
}

// Match compares two label images of the same shape (non-negative ids, 0 background;
// ids need not be consecutive) at the given IoU thresholds (nil: DefaultThresholds).
// Thresholds must lie in [0.5, 1]: above 0.5 every instance has at most one partner
// with IoU > t, so the matching is unique (StarDist counts IoU ≥ t; here it is > t).
// A ratio whose denominator is 0 is 1 when both images are empty and 0 otherwise.
// Overlaps are counted sparsely (one entry per overlapping pair).
func Match(pred, truth []int32, thresholds []float64) (MatchResult, error) {
	if len(pred) != len(truth) {
		return MatchResult{}, fmt.Errorf("instance: match: prediction has %d voxels, ground truth %d", len(pred), len(truth))
	}
	if thresholds == nil {
		thresholds = DefaultThresholds()
	}
	for _, t := range thresholds {
		if !(t >= 0.5 && t <= 1) {
			return MatchResult{}, fmt.Errorf("instance: match threshold %v: want IoU thresholds in [0.5, 1] (below 0.5 the matching is not unique)", t)
		}
	}
	if err := checkNonNegative(pred, "prediction"); err != nil {
		return MatchResult{}, err
	}
	if err := checkNonNegative(truth, "ground truth"); err != nil {
		return MatchResult{}, err
	}
	p, t := append([]int32(nil), pred...), append([]int32(nil), truth...)
	r := MatchResult{Thresholds: append([]float64(nil), thresholds...), NPred: Relabel(p), NTrue: Relabel(t)}
	r.TP = make([]int, len(thresholds))
	for _, iou := range pairIoUs(p, t, r.NPred, r.NTrue) {
		for j, th := range thresholds {
			if iou > th {
				r.TP[j]++
			}
		}
		if iou > 0.5 {
			r.Matched++
			r.SumMatchedIoU += iou
		}
	}
	r.finish()
	return r, nil
}

// pairIoUs returns the IoU of every overlapping pair of instances of p (ids 1..np) and
// t (ids 1..nt), ordered by (p id, t id).
func pairIoUs(p, t []int32, np, nt int) []float64 {
	sizeP, sizeT := make([]int, np+1), make([]int, nt+1)
	inter := map[int64]int{}
	var last int64 = -1
	run := 0
	for i := range p {
		sizeP[p[i]]++
		sizeT[t[i]]++
		if p[i] == 0 || t[i] == 0 {
			continue
		}
		key := int64(p[i])<<32 | int64(t[i])
		if key != last {
			if last >= 0 {
				inter[last] += run
			}
			last, run = key, 0
		}
		run++
	}
	if last >= 0 {
		inter[last] += run
	}
	keys := slices.Sorted(maps.Keys(inter)) // a fixed order, so that sums are reproducible
	ious := make([]float64, len(keys))
	for i, key := range keys {
		n, a, b := inter[key], sizeP[key>>32], sizeT[key&math.MaxUint32]
		ious[i] = float64(n) / float64(a+b-n)
	}
	return ious
}

// finish fills FP, FN and the ratios from TP, the counts and the matched sums.
func (r *MatchResult) finish() {
	empty := r.NPred == 0 && r.NTrue == 0
	ratio := func(a, b float64) float64 {
		switch {
		case b > 0:
			return a / b
		case empty:
			return 1
		}
		return 0
	}
	k := len(r.TP)
	r.FP, r.FN = make([]int, k), make([]int, k)
	r.Precision, r.Recall, r.Accuracy, r.F1 = make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
	for j, tp := range r.TP {
		r.FP[j], r.FN[j] = r.NPred-tp, r.NTrue-tp
		fp, fn, tpf := float64(r.FP[j]), float64(r.FN[j]), float64(tp)
		r.Precision[j] = ratio(tpf, tpf+fp)
		r.Recall[j] = ratio(tpf, tpf+fn)
		r.Accuracy[j] = ratio(tpf, tpf+fp+fn)
		r.F1[j] = ratio(2*tpf, 2*tpf+fp+fn)
	}
	r.MeanMatchedIoU = ratio(r.SumMatchedIoU, float64(r.Matched))
	r.MeanTrueIoU = ratio(r.SumMatchedIoU, float64(r.NTrue))
}

// Summarize pools per-image results into one dataset-level result: it sums TP, FP, FN,
// the instance counts and the matched IoUs, and recomputes the ratios. All results must
// have the same thresholds; it panics otherwise (see SummarizeChecked).
func Summarize(results []MatchResult) MatchResult {
	r, err := SummarizeChecked(results)
	if err != nil {
		panic(err)
	}
	return r
}

// SummarizeChecked is Summarize returning an error when the thresholds differ. No
// results give an empty summary at DefaultThresholds (all ratios 1).
func SummarizeChecked(results []MatchResult) (MatchResult, error) {
	th := DefaultThresholds()
	if len(results) > 0 {
		th = results[0].Thresholds
	}
	s := MatchResult{Thresholds: append([]float64(nil), th...), TP: make([]int, len(th))}
	for i, r := range results {
		if len(r.Thresholds) != len(th) || len(r.TP) != len(th) {
			return MatchResult{}, fmt.Errorf("instance: summarize: result %d has %d thresholds, result 0 has %d", i, len(r.Thresholds), len(th))
		}
		for j, t := range r.Thresholds {
			if t != th[j] {
				return MatchResult{}, fmt.Errorf("instance: summarize: result %d has threshold %v where result 0 has %v", i, t, th[j])
			}
			s.TP[j] += r.TP[j]
		}
		s.NPred += r.NPred
		s.NTrue += r.NTrue
		s.Matched += r.Matched
		s.SumMatchedIoU += r.SumMatchedIoU
	}
	s.finish()
	return s, nil
}
