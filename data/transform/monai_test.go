package transform

import (
	"reflect"
	"strings"
	"testing"
)

func TestFromMONAI(t *testing.T) {
	for _, tc := range []struct {
		fn     string
		params map[string]any
		want   Transform
	}{
		{"NormalizeIntensityd", map[string]any{"keys": []any{"IM"}}, &ZScore{Keys: []string{"IM"}}},
		{"ScaleIntensityRangePercentilesd", map[string]any{"keys": "IM", "lower": 0.5, "upper": 99.5, "b_min": 0, "b_max": 1, "clip": true},
			&Percentile{Keys: []string{"IM"}, Lower: 0.5, Upper: 99.5, BMax: 1, Clip: true}},
		{"RandSpatialCropSamplesd", map[string]any{"keys": []any{"IM", "GT"}, "roi_size": []any{32, 128, 128}, "num_samples": 4, "random_size": false},
			&RandCropSamples{Size: []int{32, 128, 128}, N: 4, LabelKey: "GT"}},
		{"RandCropByPosNegLabeld", map[string]any{"keys": []any{"IM", "GT"}, "label_key": "GT", "spatial_size": []any{64, 64}, "pos": 3, "neg": 1, "num_samples": 2},
			&RandCropSamples{Size: []int{64, 64}, N: 2, PosFraction: 0.75, LabelKey: "GT"}},
		{"RandFlipd", map[string]any{"keys": []any{"IM", "GT"}, "prob": 0.5}, &RandFlip{Prob: 0.5}},
		{"RandRotate90d", map[string]any{"keys": []any{"IM", "GT"}, "prob": 0.3, "max_k": 2, "spatial_axes": []any{1, 2}}, &rot90Want},
		{"RandHistogramShiftd", map[string]any{"keys": []any{"IM"}, "prob": 0.2, "num_control_points": []any{5, 15}},
			&RandHistogramShift{Keys: []string{"IM"}, Prob: 0.2, Points: 10}},
		{"RandAdjustContrastd", map[string]any{"keys": []any{"IM"}, "prob": 0.4, "gamma": []any{0.5, 2}},
			&RandGamma{Keys: []string{"IM"}, Prob: 0.4, Min: 0.5, Max: 2}},
		{"Rand2DElasticd", map[string]any{"keys": []any{"IM", "GT"}, "prob": 0.5, "spacing": []any{20, 30}, "magnitude_range": []any{1, 3}, "mode": []any{"bilinear", "nearest"}},
			&RandElastic{Prob: 0.5, Sigma: 25, Magnitude: 2, LabelKeys: []string{"GT", "CM"}}},
		{"DivisiblePadd", map[string]any{"keys": []any{"IM", "GT"}, "k": 16}, &DivisiblePad{K: 16, Mode: "constant"}},
		{"SpatialPadd", map[string]any{"keys": []any{"IM", "GT"}, "spatial_size": []any{32, 256, 256}}, &Pad{Size: []int{32, 256, 256}, Mode: "constant"}},
	} {
		got, err := FromMONAI(tc.fn, tc.params)
		if err != nil {
			t.Errorf("%s: %v", tc.fn, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.fn, got, tc.want)
		}
	}
	for _, fn := range []string{"LoadImaged", "AddChanneld", "EnsureTyped"} {
		if tr, err := FromMONAI(fn, map[string]any{"keys": []any{"IM"}}); tr != nil || err != nil {
			t.Errorf("%s should translate to nothing: %v %v", fn, tr, err)
		}
	}
	for _, tc := range []struct {
		fn     string
		params map[string]any
		want   string
	}{
		{"RandZoomd", nil, `"RandZoomd": no im2im equivalent`},
		{"RandSpatialCropSamplesd", map[string]any{"roi_size": []any{8, 8}, "random_size": true}, "random_size true"},
		{"RandRotate90d", map[string]any{"spatial_axes": []any{0, 2}}, "spatial_axes [0 2]"},
		{"RandFlipd", map[string]any{"prob": 0.5, "lazy": true}, `unknown parameter "lazy"`},
	} {
		_, err := FromMONAI(tc.fn, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: err = %v, want %q", tc.fn, tc.params, err, tc.want)
		}
	}
}

// rot90Want is the expected translation of the RandRotate90d case.
var rot90Want = RandRot90{Prob: 0.3, MaxK: 2}
