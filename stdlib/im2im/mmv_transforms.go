package im2im

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// mmvTransform is one {module_name, func_name, params} item of an mmv
// preprocess or augmentation list.
type mmvTransform struct {
	path   string     // data.preprocess[3]
	node   *yaml.Node // the item
	params *yaml.Node
	used   map[string]bool
}

// param returns the parameter and marks it handled.
func (t *mmvTransform) param(key string) *yaml.Node {
	t.used[key] = true
	return child(t.params, key)
}

// keys are the MONAI keys of the transform.
func (t *mmvTransform) keys() []string { return strs(t.param("keys")) }

// rest notes every parameter no handler used as dropped.
func (c *mmvConv) rest(t *mmvTransform) {
	for _, e := range entries(t.params) {
		if !t.used[e.key] {
			c.drop(e.v, t.path+".params."+e.key, "im2im has no such parameter")
		}
	}
}

// mmvTransforms maps MONAI's array transform names (the dictionary forms end
// in d) and mmv's own to their handlers.
var mmvTransforms = map[string]func(c *mmvConv, t *mmvTransform){
	"LoadImage":                      (*mmvConv).loadImage,
	"AddChannel":                     implied,
	"EnsureChannelFirst":             implied,
	"AsChannelFirst":                 implied,
	"EnsureType":                     implied,
	"CastToType":                     implied,
	"ToTensor":                       implied,
	"NormalizeIntensity":             (*mmvConv).zscore,
	"norm_around_center":             (*mmvConv).normAroundCenter,
	"ScaleIntensityRangePercentiles": (*mmvConv).percentile,
	"ScaleIntensityRange":            (*mmvConv).scaleRange,
	"ScaleIntensity":                 (*mmvConv).minMax,
	"RandSpatialCropSamples":         (*mmvConv).randCrop,
	"RandSpatialCrop":                (*mmvConv).randCrop,
	"RandCropByPosNegLabel":          (*mmvConv).randCrop,
	"SpatialPad":                     (*mmvConv).pad,
	"DivisiblePad":                   (*mmvConv).pad,
	"CenterSpatialCrop":              (*mmvConv).centerCrop,
	"RandFlip":                       (*mmvConv).randFlip,
	"RandRotate90":                   (*mmvConv).randRot90,
	"RandHistogramShift":             (*mmvConv).histShift,
	"RandGaussianNoise":              (*mmvConv).gaussNoise,
	"RandAdjustContrast":             (*mmvConv).adjustContrast,
	"Rand2DElastic":                  (*mmvConv).elastic,
	"Rand3DElastic":                  (*mmvConv).elastic,
}

// mmvTransformName returns the handler's name for func_name: the array form of
// a MONAI dictionary transform (NormalizeIntensityd → NormalizeIntensity).
func mmvTransformName(fn string) string {
	if _, ok := mmvTransforms[fn]; ok {
		return fn
	}
	if base, ok := strings.CutSuffix(fn, "d"); ok {
		if _, ok := mmvTransforms[base]; ok {
			return base
		}
	}
	return ""
}

// transforms maps an mmv preprocess or augmentation list.
func (c *mmvConv) transforms(list *yaml.Node, p string) {
	if list.Kind != yaml.SequenceNode {
		c.fail(list, p, "want a list of {module_name, func_name, params}")
		return
	}
	for i, item := range list.Content {
		t := &mmvTransform{path: fmt.Sprintf("%s[%d]", p, i), node: item, params: child(item, "params"), used: map[string]bool{}}
		fn := str(child(item, "func_name"))
		name := mmvTransformName(fn)
		if name == "" {
			c.fail(item, t.path+".func_name", "transform %q has no im2im equivalent yet", fn)
			continue
		}
		mmvTransforms[name](c, t)
		c.rest(t)
	}
}

func implied(c *mmvConv, t *mmvTransform) {
	t.param("keys")
	t.param("dtype")
	t.param("channel_dim")
	t.param("data_type")
}

// loadImage reads the spatial rank and channel layout from dimension_order_out.
func (c *mmvConv) loadImage(t *mmvTransform) {
	keys := t.keys()
	if c.framework == "embedseg" {
		keys = c.embedKeys(t, keys)
	}
	for _, k := range keys {
		if !slices.Contains(c.keys, k) {
			c.keys = append(c.keys, k)
		}
	}
	order := strings.ToUpper(str(t.param("dimension_order_out")))
	t.param("dtype")
	t.param("image_only")
	if slices.Contains(keys, "IM") && order != "" {
		if strings.Contains(order, "Z") {
			c.dims = 3
		} else {
			c.dims = 2
		}
		c.multiChannel = strings.ContainsAny(order, "CS")
	}
	for _, a := range []string{"C", "T", "Z"} {
		v := t.param(a)
		if v == nil {
			continue
		}
		if i, ok := integer(v); !ok || i != 0 || strings.Contains(order, a) && a != "C" {
			c.drop(v, t.path+".params."+a, fmt.Sprintf("im2im reads every channel and the first time point; %s=%s is not selected", a, str(v)))
		}
	}
}

// intensityKeys returns the params of an intensity transform's keys: none for
// IM alone (im2im's default), else the keys.
func intensityKeys(keys []string) map[string]any {
	if len(keys) == 0 || len(keys) == 1 && keys[0] == "IM" {
		return map[string]any{}
	}
	return map[string]any{"keys": keys}
}

// normalization puts a normalisation of IM into data.normalize (the first) and
// anything else into data.preprocess with its keys.
func (c *mmvConv) normalization(t *mmvTransform, name string, params map[string]any) {
	keys := t.keys()
	if len(keys) == 0 {
		keys = []string{"IM"} // an array transform (inference configs): the image
	}
	if slices.Contains(keys, "IM") && !c.inputNormalized {
		c.inputNormalized = true
		c.set("data.normalize", mapping("name", name, "params", params))
		if rest := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "IM" }); len(rest) > 0 {
			q := clone(params)
			q["keys"] = rest
			c.appendTo("data.preprocess", name, q)
		}
		return
	}
	q := clone(params)
	for k, v := range intensityKeys(keys) {
		q[k] = v
	}
	c.appendTo("data.preprocess", name, q)
}

func clone(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (c *mmvConv) zscore(t *mmvTransform) {
	cw, _ := boolean(t.param("channel_wise"))
	if c.multiChannel && !cw {
		c.approx(t.node, t.path, "", "im2im normalises each channel on its own (MONAI channel_wise: false uses all channels together)")
	}
	c.normalization(t, "normalize_zscore", map[string]any{})
}

func (c *mmvConv) normAroundCenter(t *mmvTransform) {
	t.param("min_z")
	c.approx(t.node, t.path, "", "mmv's z-score over the central z slices is approximated by a z-score over the whole stack")
	c.normalization(t, "normalize_zscore", map[string]any{})
}

// floatParams copies numeric params under im2im's names (mmv name → im2im name).
func (c *mmvConv) floatParams(t *mmvTransform, names ...string) map[string]any {
	out := map[string]any{}
	for i := 0; i+1 < len(names); i += 2 {
		v := t.param(names[i])
		if v == nil {
			continue
		}
		if f, ok := number(v); ok {
			out[names[i+1]] = f
		} else if b, ok := boolean(v); ok {
			out[names[i+1]] = b
		} else {
			c.fail(v, t.path+".params."+names[i], "want a number")
		}
	}
	return out
}

func (c *mmvConv) percentile(t *mmvTransform) {
	p := c.floatParams(t, "lower", "lower", "upper", "upper", "b_min", "b_min", "b_max", "b_max", "clip", "clip")
	if _, ok := p["b_min"]; !ok {
		p["b_min"] = 0.0 // MONAI's ScaleIntensityRangePercentiles has no default; mmv gives it
	}
	if _, ok := p["b_max"]; !ok {
		p["b_max"] = 1.0
	}
	c.normalization(t, "normalize_percentile", p)
}

func (c *mmvConv) scaleRange(t *mmvTransform) {
	c.normalization(t, "scale_range", c.floatParams(t, "a_min", "a_min", "a_max", "a_max", "b_min", "b_min", "b_max", "b_max", "clip", "clip"))
}

func (c *mmvConv) minMax(t *mmvTransform) {
	p := c.floatParams(t, "minv", "b_min", "maxv", "b_max")
	if len(p) == 0 {
		p = map[string]any{"b_min": 0.0, "b_max": 1.0}
	}
	c.normalization(t, "normalize_minmax", p)
}

// randCrop maps MONAI's random crops to data.patch (size, per_image,
// pos_fraction): im2im cuts patches itself.
func (c *mmvConv) randCrop(t *mmvTransform) {
	t.keys()
	sizeKey := "roi_size"
	if t.params != nil && child(t.params, "spatial_size") != nil {
		sizeKey = "spatial_size"
	}
	size, ok := ints(t.param(sizeKey))
	if !ok {
		c.fail(t.node, t.path+".params."+sizeKey, "want a list of whole numbers")
		return
	}
	if c.patch != nil && !slices.Equal(c.patch, size) {
		c.approx(t.node, t.path, "data.patch", fmt.Sprintf("im2im cuts patches of one size: %v, not %v", c.patch, size))
		return
	}
	c.patch = size
	c.set("data.patch.size", size)
	n := 1
	if v := t.param("num_samples"); v != nil {
		if n, ok = integer(v); !ok {
			c.fail(v, t.path+".params.num_samples", "want a whole number")
		}
	}
	c.set("data.patch.per_image", n)
	if rs, _ := boolean(t.param("random_size")); rs {
		c.approx(t.node, t.path+".params.random_size", "data.patch", "im2im's patches have the fixed size roi_size")
	}
	pos, okp := number(t.param("pos"))
	neg, okn := number(t.param("neg"))
	if okp || okn {
		if !okp {
			pos = 1
		}
		if !okn {
			neg = 1
		}
		if pos+neg > 0 {
			c.set("data.patch.pos_fraction", pos/(pos+neg))
		}
	}
	t.param("label_key")
	t.param("random_center")
}

func (c *mmvConv) pad(t *mmvTransform) {
	c.spatialKeys(t)
	mode := strings.ToLower(str(t.param("mode")))
	switch mode {
	case "", "constant":
		mode = "constant"
	case "reflect", "symmetric":
		if mode == "symmetric" {
			c.approx(t.node, t.path+".params.mode", "", "symmetric padding is approximated by reflect")
		}
		mode = "reflect"
	default:
		c.approx(t.node, t.path+".params.mode", "", fmt.Sprintf("padding mode %q is approximated by constant 0", mode))
		mode = "constant"
	}
	if k := t.param("k"); k != nil {
		ks, ok := ints(k)
		if !ok || len(ks) == 0 {
			c.fail(k, t.path+".params.k", "want a whole number or a list of them")
			return
		}
		if slices.Max(ks) != slices.Min(ks) {
			c.approx(k, t.path+".params.k", "", fmt.Sprintf("im2im pads every axis to a multiple of one k: %d", slices.Max(ks)))
		}
		c.appendTo("data.preprocess", "divisible_pad", map[string]any{"k": slices.Max(ks), "mode": mode})
		return
	}
	size, ok := ints(t.param("spatial_size"))
	if !ok {
		c.fail(t.node, t.path+".params.spatial_size", "want a list of whole numbers")
		return
	}
	c.appendTo("data.preprocess", "pad", map[string]any{"size": size, "mode": mode})
}

func (c *mmvConv) centerCrop(t *mmvTransform) {
	c.spatialKeys(t)
	size, ok := ints(t.param("roi_size"))
	if !ok {
		c.fail(t.node, t.path+".params.roi_size", "want a list of whole numbers")
		return
	}
	c.appendTo("data.preprocess", "center_crop", map[string]any{"size": size})
}

// spatialKeys notes a spatial transform that mmv applies to some images only:
// im2im applies spatial transforms to all (input, target, cost map alike).
func (c *mmvConv) spatialKeys(t *mmvTransform) {
	keys := t.keys()
	if len(keys) == 0 {
		return
	}
	for _, k := range c.keys {
		if !slices.Contains(keys, k) {
			c.approx(t.node, t.path+".params.keys", "", fmt.Sprintf("im2im applies it to every image, %s included", k))
			return
		}
	}
}

func (c *mmvConv) prob(t *mmvTransform) float64 {
	v := t.param("prob")
	if v == nil {
		return 0.1 // MONAI's default
	}
	f, ok := number(v)
	if !ok {
		c.fail(v, t.path+".params.prob", "want a number")
	}
	return f
}

func (c *mmvConv) randFlip(t *mmvTransform) {
	c.spatialKeys(t)
	p := map[string]any{"prob": c.prob(t)}
	if ax := t.param("spatial_axis"); ax != nil {
		a, ok := ints(ax)
		if !ok {
			c.fail(ax, t.path+".params.spatial_axis", "want a whole number or a list of them")
		}
		p["spatial_axis"] = a
		if len(a) > 1 {
			c.approx(ax, t.path+".params.spatial_axis", "", "im2im flips each listed axis independently; MONAI flips them together")
		}
	} else {
		c.approx(t.node, t.path, "data.augment", "im2im flips each spatial axis independently with prob; MONAI without spatial_axis flips all axes together")
	}
	c.appendTo("data.augment", "rand_flip", p)
}

func (c *mmvConv) randRot90(t *mmvTransform) {
	c.spatialKeys(t)
	p := map[string]any{"prob": c.prob(t)}
	if k := t.param("max_k"); k != nil {
		if n, ok := integer(k); ok {
			p["max_k"] = n
		}
	} else {
		p["max_k"] = 3
	}
	if ax := t.param("spatial_axes"); ax != nil || c.dims == 3 {
		if a, _ := ints(ax); !(c.dims == 2 && slices.Equal(a, []int{0, 1})) && !(c.dims == 3 && slices.Equal(a, []int{1, 2})) {
			c.approx(t.node, t.path, "", "im2im rotates in the Y-X plane")
		}
	}
	c.appendTo("data.augment", "rand_rot90", p)
}

func (c *mmvConv) histShift(t *mmvTransform) {
	p := intensityKeys(t.keys())
	p["prob"] = c.prob(t)
	if v := t.param("num_control_points"); v != nil {
		n, ok := ints(v)
		if !ok || len(n) == 0 {
			c.fail(v, t.path+".params.num_control_points", "want a whole number or a range")
			return
		}
		p["num_control_points"] = slices.Max(n)
		if len(n) > 1 && n[0] != n[1] {
			c.approx(v, t.path+".params.num_control_points", "", fmt.Sprintf("im2im uses a fixed number of control points: %d", slices.Max(n)))
		}
	}
	c.appendTo("data.augment", "rand_histogram_shift", p)
}

func (c *mmvConv) gaussNoise(t *mmvTransform) {
	p := intensityKeys(t.keys())
	p["prob"] = c.prob(t)
	for k, v := range c.floatParams(t, "mean", "mean", "std", "std") {
		p[k] = v
	}
	if _, ok := p["std"]; !ok {
		p["std"] = 0.1
	}
	c.appendTo("data.augment", "rand_gaussian_noise", p)
}

func (c *mmvConv) adjustContrast(t *mmvTransform) {
	p := intensityKeys(t.keys())
	p["prob"] = c.prob(t)
	lo, hi := 0.5, 4.5
	if v := t.param("gamma"); v != nil {
		g, ok := numbers(v)
		switch {
		case ok && len(g) == 2:
			lo, hi = g[0], g[1]
		case ok && len(g) == 1:
			lo, hi = max(0.5, 1-g[0]), 1+g[0] // MONAI: (0.5 or 1-g, 1+g)
		default:
			c.fail(v, t.path+".params.gamma", "want a number or a range")
		}
	}
	p["min"], p["max"] = lo, hi
	c.appendTo("data.augment", "rand_gamma", p)
}

// elastic maps Rand2D/3DElasticd to im2im's rand_elastic: the control-point
// spacing becomes sigma, the largest magnitude the RMS displacement; the affine
// parts are dropped.
func (c *mmvConv) elastic(t *mmvTransform) {
	c.spatialKeys(t)
	p := map[string]any{"prob": c.prob(t)}
	if s, ok := numbers(t.param("spacing")); ok && len(s) > 0 {
		p["sigma"] = slices.Max(s)
	}
	if m, ok := numbers(t.param("magnitude_range")); ok && len(m) > 0 {
		p["magnitude"] = slices.Max(m)
	}
	if c.seg && slices.Contains(c.keys, "GT") {
		p["label_keys"] = []string{"GT"}
	}
	for _, k := range []string{"rotate_range", "scale_range", "translate_range", "shear_range", "sigma_range", "padding_mode", "mode", "spatial_size"} {
		if v := t.param(k); v != nil {
			c.approx(v, t.path+".params."+k, "", "im2im's rand_elastic has no affine part, border or interpolation setting")
		}
	}
	c.approx(t.node, t.path, "", "MONAI's elastic deformation is approximated by im2im's rand_elastic (smoothed random field)")
	c.appendTo("data.augment", "rand_elastic", p)
}
