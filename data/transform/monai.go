package transform

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// monaiRule translates one MONAI dictionary transform of an mmv_im2im config
// into ours: the target name, renamed parameters, parameters that are accepted
// and dropped (the loader does their job, or they only concern MONAI), and a
// hook for values that need conversion.
type monaiRule struct {
	name    string
	rename  map[string]string
	drop    []string
	convert func(p map[string]any) error
}

// monaiNoOps are transforms the pipeline does by itself (loading, channel
// first, typing), so they translate to nothing.
var monaiNoOps = map[string]bool{
	"LoadImaged": true, "LoadImage": true, "AddChanneld": true, "EnsureChannelFirstd": true,
	"EnsureTyped": true, "ToTensord": true, "CastToTyped": true,
}

var monaiRules = map[string]monaiRule{
	"NormalizeIntensityd":             {name: "normalize_zscore"},
	"ScaleIntensityRangePercentilesd": {name: "normalize_percentile"},
	"ScaleIntensityRanged":            {name: "scale_range"},
	"ScaleIntensityd":                 {name: "normalize_minmax", rename: map[string]string{"minv": "b_min", "maxv": "b_max"}},
	"RandSpatialCropSamplesd": {name: "rand_crop_samples", rename: map[string]string{"roi_size": "size"}, drop: []string{"keys"},
		convert: func(p map[string]any) error {
			if rs, ok := p["random_size"]; ok {
				if b, isBool := rs.(bool); !isBool || b {
					return fmt.Errorf("random_size %v: only fixed-size crops (random_size: false) make fixed-shape batches", rs)
				}
				delete(p, "random_size")
			}
			return nil
		}},
	"RandSpatialCropd": {name: "rand_crop_samples", rename: map[string]string{"roi_size": "size"}, drop: []string{"keys", "random_size"}},
	"RandCropByPosNegLabeld": {name: "rand_crop_samples", rename: map[string]string{"spatial_size": "size", "label_key": "label_key"}, drop: []string{"keys"},
		convert: func(p map[string]any) error {
			pos, neg := 1.0, 1.0
			var err error
			if v, ok := p["pos"]; ok {
				if pos, err = toFloat(v); err != nil {
					return fmt.Errorf("pos: %v", err)
				}
				delete(p, "pos")
			}
			if v, ok := p["neg"]; ok {
				if neg, err = toFloat(v); err != nil {
					return fmt.Errorf("neg: %v", err)
				}
				delete(p, "neg")
			}
			if pos < 0 || neg < 0 || pos+neg == 0 {
				return fmt.Errorf("pos %v / neg %v: want non-negative, not both 0", pos, neg)
			}
			p["pos_fraction"] = pos / (pos + neg)
			return nil
		}},
	"SpatialPadd":        {name: "pad", rename: map[string]string{"spatial_size": "size"}, drop: []string{"keys"}},
	"DivisiblePadd":      {name: "divisible_pad", drop: []string{"keys"}},
	"CenterSpatialCropd": {name: "center_crop", rename: map[string]string{"roi_size": "size"}, drop: []string{"keys"}},
	"RandFlipd":          {name: "rand_flip", drop: []string{"keys"}},
	"RandRotate90d": {name: "rand_rot90", drop: []string{"keys"},
		convert: func(p map[string]any) error {
			if v, ok := p["spatial_axes"]; ok {
				axes, err := toList(v)
				if err != nil || len(axes) != 2 {
					return fmt.Errorf("spatial_axes %v: want two axes", v)
				}
				a0, e0 := toInt(axes[0])
				a1, e1 := toInt(axes[1])
				// In-plane (Y, X) only: (0, 1) for 2D data or (1, 2) for 3D.
				if e0 != nil || e1 != nil || a1 != a0+1 || a0 < 0 || a0 > 1 {
					return fmt.Errorf("spatial_axes %v: only the in-plane axes (0,1) in 2D or (1,2) in 3D are supported", v)
				}
				delete(p, "spatial_axes")
			}
			return nil
		}},
	"RandHistogramShiftd": {name: "rand_histogram_shift",
		convert: func(p map[string]any) error { return rangeToScalar(p, "num_control_points", true) }},
	"RandAdjustContrastd": {name: "rand_gamma", convert: func(p map[string]any) error { return rangeToMinMax(p, "gamma") }},
	"RandGaussianNoised":  {name: "rand_gaussian_noise"},
	"RandGaussianSmoothd": {name: "rand_gaussian_blur", drop: []string{"sigma_y", "sigma_z"},
		convert: func(p map[string]any) error { return rangeToMinMax(p, "sigma_x") }},
	"GaussianSmoothd": {name: "gaussian_blur"},
	"Rand2DElasticd":  {name: "rand_elastic", rename: map[string]string{"spacing": "sigma"}, drop: []string{"keys", "mode", "padding_mode"}, convert: elasticParams},
	"Rand3DElasticd":  {name: "rand_elastic", rename: map[string]string{"sigma_range": "sigma"}, drop: []string{"keys", "mode", "padding_mode"}, convert: elasticParams},
}

// elasticParams turns MONAI's ranges (spacing/sigma_range, magnitude_range)
// into our scalars: the mean of each range.
func elasticParams(p map[string]any) error {
	if err := rangeToScalar(p, "sigma", false); err != nil {
		return err
	}
	if v, ok := p["magnitude_range"]; ok {
		p["magnitude"] = v
		delete(p, "magnitude_range")
	}
	return rangeToScalar(p, "magnitude", false)
}

// rangeToScalar replaces a [lo, hi] value (or a list of per-axis values) of key
// by its mean, rounded if integer.
func rangeToScalar(p map[string]any, key string, integer bool) error {
	v, ok := p[key]
	if !ok {
		return nil
	}
	items, err := toList(v)
	if err != nil || len(items) == 0 {
		return fmt.Errorf("%s %v: want a number or a range", key, v)
	}
	var sum float64
	for _, it := range items {
		f, err := toFloat(it)
		if err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
		sum += f
	}
	mean := sum / float64(len(items))
	if integer {
		p[key] = int(math.Round(mean))
	} else {
		p[key] = mean
	}
	return nil
}

// rangeToMinMax replaces key (a number or [lo, hi]) by min and max.
func rangeToMinMax(p map[string]any, key string) error {
	v, ok := p[key]
	if !ok {
		return nil
	}
	delete(p, key)
	items, err := toList(v)
	if err != nil || len(items) == 0 || len(items) > 2 {
		return fmt.Errorf("%s %v: want a number or [min, max]", key, v)
	}
	lo, err := toFloat(items[0])
	if err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	hi := lo
	if len(items) == 2 {
		if hi, err = toFloat(items[1]); err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
	}
	p["min"], p["max"] = lo, hi
	return nil
}

// FromMONAI translates a transform of an mmv_im2im config, written with
// MONAI's dictionary-transform name and parameters (func_name and params), into
// ours. Loading and channel/type transforms (LoadImaged, AddChanneld,
// EnsureTyped, ...) return (nil, nil): the pipeline does them. Spatial
// transforms act on every array of a sample, whatever "keys" lists, so that IM
// and GT stay aligned. Unsupported transforms or parameters are errors naming
// them.
func FromMONAI(funcName string, params map[string]any) (Transform, error) {
	if monaiNoOps[funcName] {
		return nil, nil
	}
	rule, ok := monaiRules[funcName]
	if !ok {
		known := make([]string, 0, len(monaiRules))
		for k := range monaiRules {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("transform %q: no im2im equivalent (supported MONAI transforms: %s)", funcName, strings.Join(known, ", "))
	}
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	for _, d := range rule.drop {
		delete(p, d)
	}
	for from, to := range rule.rename {
		if v, ok := p[from]; ok && from != to {
			p[to] = v
			delete(p, from)
		}
	}
	if rule.convert != nil {
		if err := rule.convert(p); err != nil {
			return nil, fmt.Errorf("transform %q (%s): %v", funcName, rule.name, err)
		}
	}
	t, err := New(rule.name, p)
	if err != nil {
		return nil, fmt.Errorf("%s (from MONAI %s): %w", rule.name, funcName, err)
	}
	return t, nil
}
