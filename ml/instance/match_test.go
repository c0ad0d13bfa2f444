package instance

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	th := []float64{0.5, 0.65, 0.75, 0.8}
	cases := []struct {
		name                  string
		pred, truth           []int32
		tp                    []int
		nPred, nTrue          int
		precision, recall     float64 // at 0.5
		accuracy, f1          float64 // at 0.5
		meanMatched, meanTrue float64
	}{
		{"identical", []int32{0, 4, 4, 0}, []int32{0, 1, 1, 0}, []int{1, 1, 1, 1}, 1, 1, 1, 1, 1, 1, 1, 1},
		{"both empty", []int32{0, 0}, []int32{0, 0}, []int{0, 0, 0, 0}, 0, 0, 1, 1, 1, 1, 1, 1},
		{"empty prediction", []int32{0, 0}, []int32{0, 3}, []int{0, 0, 0, 0}, 0, 1, 0, 0, 0, 0, 0, 0},
		{"empty truth", []int32{2, 0}, []int32{0, 0}, []int{0, 0, 0, 0}, 1, 0, 0, 0, 0, 0, 0, 0},
		// truth x 0..3, pred x 1..3 (IoU 3/4) and a stray pred.
		{"IoU 0.75 and a false positive", []int32{0, 1, 1, 1, 0, 2, 2}, []int32{5, 5, 5, 5, 0, 0, 0},
			[]int{1, 1, 0, 0}, 2, 1, 0.5, 1, 0.5, 2.0 / 3, 0.75, 0.75},
		// one prediction over two truths: IoU exactly 0.5 each, which is not > 0.5.
		{"IoU 0.5 is no match", []int32{1, 1, 1, 1}, []int32{1, 1, 2, 2}, []int{0, 0, 0, 0}, 1, 2, 0, 0, 0, 0, 0, 0},
		// truth of 6 split 4 + 2: IoUs 2/3 and 1/3.
		{"split", []int32{3, 3, 3, 3, 8, 8}, []int32{1, 1, 1, 1, 1, 1}, []int{1, 1, 0, 0}, 2, 1, 0.5, 1, 0.5, 2.0 / 3, 2.0 / 3, 2.0 / 3},
		{"sparse ids, permuted", []int32{300000, 300000, 0, 7, 7}, []int32{9, 9, 0, 2, 2}, []int{2, 2, 2, 2}, 2, 2, 1, 1, 1, 1, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Match(tc.pred, tc.truth, th)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.TP, tc.tp) || r.NPred != tc.nPred || r.NTrue != tc.nTrue {
				t.Fatalf("TP %v NPred %d NTrue %d; want %v %d %d", r.TP, r.NPred, r.NTrue, tc.tp, tc.nPred, tc.nTrue)
			}
			for j := range th {
				if r.FP[j] != tc.nPred-tc.tp[j] || r.FN[j] != tc.nTrue-tc.tp[j] {
					t.Errorf("threshold %v: FP %d FN %d", th[j], r.FP[j], r.FN[j])
				}
			}
			got := []float64{r.Precision[0], r.Recall[0], r.Accuracy[0], r.F1[0], r.MeanMatchedIoU, r.MeanTrueIoU}
			want := []float64{tc.precision, tc.recall, tc.accuracy, tc.f1, tc.meanMatched, tc.meanTrue}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Errorf("precision, recall, accuracy, F1, mean matched, mean true = %v; want %v", got, want)
					break
				}
			}
		})
	}
}

func TestMatchErrors(t *testing.T) {
	cases := []struct {
		name        string
		pred, truth []int32
		th          []float64
		want        string
	}{
		{"lengths", []int32{1, 2}, []int32{1}, nil, "prediction has 2 voxels, ground truth 1"},
		{"threshold below 0.5", []int32{1}, []int32{1}, []float64{0.3}, "threshold 0.3"},
		{"threshold above 1", []int32{1}, []int32{1}, []float64{0.5, 1.2}, "threshold 1.2"},
		{"threshold NaN", []int32{1}, []int32{1}, []float64{math.NaN()}, "threshold NaN"},
		{"negative prediction", []int32{0, -1}, []int32{1, 1}, nil, "prediction has negative label -1 at index 1"},
		{"negative truth", []int32{1, 1}, []int32{-5, 1}, nil, "ground truth has negative label -5 at index 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Match(tc.pred, tc.truth, tc.th)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestMatchBruteForce compares Match with dense IoUs computed pair by pair on random
// label images, and checks that matches above 0.5 are one-to-one.
func TestMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	th := DefaultThresholds()
	for trial := range 40 {
		n := 50 + rng.IntN(400)
		pred, truth := randomLabels(2*trial, n, 1+rng.IntN(12)), randomLabels(2*trial+1, n, 1+rng.IntN(12))
		if trial%2 == 0 { // a prediction close to the truth: many matches
			pred = slices.Clone(truth)
			for k := 0; k < n/10; k++ {
				pred[rng.IntN(n)] = int32(rng.IntN(6))
			}
		}
		r, err := Match(pred, truth, th)
		if err != nil {
			t.Fatal(err)
		}
		tp := make([]int, len(th))
		sum, matched := 0.0, 0
		rowHits, colHits := map[int32]int{}, map[int32]int{}
		for p := int32(1); p <= slices.Max(pred); p++ {
			for q := int32(1); q <= slices.Max(truth); q++ {
				inter, union := 0, 0
				for i := range pred {
					inter += b2i(pred[i] == p && truth[i] == q)
					union += b2i(pred[i] == p || truth[i] == q)
				}
				if inter == 0 {
					continue
				}
				iou := float64(inter) / float64(union)
				for j, x := range th {
					tp[j] += b2i(iou > x)
				}
				if iou > 0.5 {
					sum += iou
					matched++
					rowHits[p]++
					colHits[q]++
				}
			}
		}
		for _, m := range []map[int32]int{rowHits, colHits} {
			for id, k := range m {
				if k > 1 {
					t.Fatalf("trial %d: instance %d has %d partners above IoU 0.5", trial, id, k)
				}
			}
		}
		if !slices.Equal(r.TP, tp) || r.Matched != matched || math.Abs(r.SumMatchedIoU-sum) > 1e-9 {
			t.Fatalf("trial %d: TP %v matched %d sum %v; brute force %v %d %v", trial, r.TP, r.Matched, r.SumMatchedIoU, tp, matched, sum)
		}
		if trial%2 == 0 && tp[0] == 0 {
			t.Fatalf("trial %d: no match in a near-copy", trial)
		}
	}
}

func TestSummarize(t *testing.T) {
	th := []float64{0.5, 0.8}
	a, _ := Match([]int32{0, 1, 1, 1, 0, 2, 2}, []int32{5, 5, 5, 5, 0, 0, 0}, th) // IoU 0.75 + FP
	b, _ := Match([]int32{4, 4, 0}, []int32{1, 1, 0}, th)                         // perfect
	e, _ := Match([]int32{0}, []int32{0}, th)                                     // empty
	s := Summarize([]MatchResult{a, b, e})
	if !slices.Equal(s.TP, []int{2, 1}) || !slices.Equal(s.FP, []int{1, 2}) || !slices.Equal(s.FN, []int{0, 1}) ||
		s.NPred != 3 || s.NTrue != 2 {
		t.Fatalf("summary %+v", s)
	}
	got := []float64{s.Precision[0], s.Recall[0], s.Accuracy[0], s.Accuracy[1], s.F1[1], s.MeanMatchedIoU, s.MeanTrueIoU}
	want := []float64{2.0 / 3, 1, 2.0 / 3, 1.0 / 4, 2.0 / 5, 0.875, 0.875}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("ratios %v, want %v", got, want)
		}
	}
	if s := Summarize([]MatchResult{e, e}); s.Accuracy[0] != 1 || s.MeanTrueIoU != 1 {
		t.Errorf("empty images: %+v, want all ratios 1", s)
	}
	other, _ := Match([]int32{1}, []int32{1}, []float64{0.5, 0.9})
	if _, err := SummarizeChecked([]MatchResult{a, other}); err == nil || !strings.Contains(err.Error(), "threshold 0.9") {
		t.Errorf("mismatched thresholds: err = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Summarize of mismatched thresholds did not panic")
		}
	}()
	Summarize([]MatchResult{a, other})
}

func TestDefaultThresholds(t *testing.T) {
	th := DefaultThresholds()
	if len(th) != 9 || th[0] != 0.5 || th[8] != 0.9 || th[3] != 0.65 {
		t.Errorf("DefaultThresholds() = %v", th)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
