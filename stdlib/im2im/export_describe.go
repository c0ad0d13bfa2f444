package im2im

import (
	"fmt"
	"strings"

	"github.com/im2im/im2im/ml/bioimageio"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/nn"
)

// The bioimage.io forms of a run's settings: normalisation as preprocessing,
// the prediction output as postprocessing, the net's tiling sizes and halo.

// spaceIDs are the ids of the spatial axes of a dims-D net.
func spaceIDs(dims int) []string {
	if dims == 3 {
		return []string{"z", "y", "x"}
	}
	return []string{"y", "x"}
}

// anyStrings is ids as a YAML list.
func anyStrings(ids []string) []any {
	out := make([]any, len(ids))
	for i, s := range ids {
		out[i] = s
	}
	return out
}

// preprocessing returns the bioimage.io steps equal to the run's input
// normalisation and preprocessing (per channel: statistics over the spatial
// axes), or an error naming the transform that has none.
func preprocessing(d Data) ([]bioimageio.Processing, error) {
	axes := anyStrings(spaceIDs(d.Dims))
	var steps []bioimageio.Processing
	ts := d.Preprocess
	if d.Normalize != nil {
		ts = append([]Transform{*d.Normalize}, ts...)
	}
	for i, t := range ts {
		field := "data.normalize"
		if d.Normalize == nil || i > 0 {
			field = fmt.Sprintf("data.preprocess[%d]", i-boolInt(d.Normalize != nil))
		}
		p := func(name string, def float64) float64 {
			if v, ok := t.Params[name]; ok {
				if f, ok := toFloat64(v); ok {
					return f
				}
			}
			return def
		}
		if keys, ok := t.Params["keys"]; ok && fmt.Sprint(keys) != fmt.Sprint([]any{d.Input}) && fmt.Sprint(keys) != "["+d.Input+"]" {
			return nil, fmt.Errorf("%s: %s applies to keys %v; a package describes the input %s only", field, t.Name, keys, d.Input)
		}
		// rescale maps [0, 1] onto [b_min, b_max] (nothing when that is [0, 1]).
		rescale := func() {
			lo, hi := p("b_min", 0), p("b_max", 1)
			if lo != 0 || hi != 1 {
				steps = append(steps, bioimageio.Processing{ID: "scale_linear", Kwargs: map[string]any{"gain": hi - lo, "offset": lo}})
			}
			if b, _ := t.Params["clip"].(bool); b {
				steps = append(steps, bioimageio.Processing{ID: "clip", Kwargs: map[string]any{"min": min(lo, hi), "max": max(lo, hi)}})
			}
		}
		switch t.Name {
		case "none":
		case "normalize_zscore":
			steps = append(steps, bioimageio.Processing{ID: "zero_mean_unit_variance", Kwargs: map[string]any{"axes": axes, "eps": 1e-6}})
		case "normalize_percentile":
			steps = append(steps, bioimageio.Processing{ID: "scale_range", Kwargs: map[string]any{"axes": axes,
				"min_percentile": p("lower", 1), "max_percentile": p("upper", 99.8), "eps": 1e-6}})
			rescale()
		case "normalize_minmax":
			steps = append(steps, bioimageio.Processing{ID: "scale_range", Kwargs: map[string]any{"axes": axes,
				"min_percentile": 0.0, "max_percentile": 100.0, "eps": 1e-6}})
			rescale()
		case "scale_range":
			a0, a1, b0, b1 := p("a_min", 0), p("a_max", 0), p("b_min", 0), p("b_max", 1)
			if a0 == a1 {
				return nil, fmt.Errorf("%s: scale_range with a_min = a_max", field)
			}
			gain := (b1 - b0) / (a1 - a0)
			steps = append(steps, bioimageio.Processing{ID: "scale_linear", Kwargs: map[string]any{"gain": gain, "offset": b0 - a0*gain}})
			if b, _ := t.Params["clip"].(bool); b {
				steps = append(steps, bioimageio.Processing{ID: "clip", Kwargs: map[string]any{"min": min(b0, b1), "max": max(b0, b1)}})
			}
		case "clip":
			steps = append(steps, bioimageio.Processing{ID: "clip", Kwargs: map[string]any{"min": p("min", 0), "max": p("max", 0)}})
		default:
			return nil, fmt.Errorf("%s: %s has no bioimage.io preprocessing form (the package can describe normalize_zscore, normalize_percentile, normalize_minmax, scale_range, clip and none)", field, t.Name)
		}
	}
	return steps, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func toFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// postprocessing returns the steps of the run's prediction output and notes
// on what a package cannot express: raw → none; prob → sigmoid (one channel)
// or softmax over channels; labels → sigmoid and binarize at the threshold
// (one channel), softmax probabilities for several classes (bioimage.io has
// no arg-max), without Otsu levels or small-object removal.
func postprocessing(p Prediction, outChannels int) (steps []bioimageio.Processing, notes []string) {
	if p.Output == framework.OutputRaw || p.Output == "" {
		return nil, nil
	}
	if outChannels == 1 {
		steps = append(steps, bioimageio.Processing{ID: "sigmoid"})
	} else {
		steps = append(steps, bioimageio.Processing{ID: "softmax", Kwargs: map[string]any{"axis": "channel"}})
	}
	if p.Output != framework.OutputLabels {
		return steps, nil
	}
	if outChannels > 1 {
		notes = append(notes, fmt.Sprintf("the package outputs the %d class probabilities (softmax): bioimage.io has no arg-max step, so consumers label pixels themselves; im2im predict --model writes the probabilities", outChannels))
	} else {
		steps = append(steps, bioimageio.Processing{ID: "binarize", Kwargs: map[string]any{"threshold": p.Threshold}})
		if p.ThresholdMethod != "fixed" {
			notes = append(notes, fmt.Sprintf("model.predict.threshold_method %s has no bioimage.io form: the package binarizes at the fixed threshold %g", p.ThresholdMethod, p.Threshold))
		}
	}
	if p.MinSize > 0 {
		notes = append(notes, fmt.Sprintf("model.predict.min_size %d (removing small objects) has no bioimage.io form and is left out", p.MinSize))
	}
	return steps, notes
}

// halo estimates, per spatial axis, the receptive-field radius of a U-Net of
// the given config (two k×k convolutions per level on the way down and up, at
// that level's scale): the margin tiling consumers crop from each tile.
func haloOf(c netSummary) []int {
	if c.halo != nil {
		return c.halo
	}
	r := (c.kernel - 1) / 2
	out := make([]int, c.dims)
	for a := range out {
		scale, sum := 1, 0
		for l := 0; l < c.levels; l++ {
			convs := 4
			if l == c.levels-1 {
				convs = 2
			}
			sum += convs * r * scale
			if l < len(c.strides) {
				scale *= c.strides[l][a]
			}
		}
		out[a] = max(sum, 1)
	}
	return out
}

// netSummary is what the description needs of a net's config.
type netSummary struct {
	kind           string
	dims, levels   int
	kernel         int
	strides        [][]int // per level transition, per axis
	features       []int
	norm, act      string
	outChannels    int
	parameterCount int
	halo           []int // set where haloOf's U-Net estimate does not apply
}

func summarize(n Net) netSummary {
	switch g := n.(type) {
	case ResNetGenerator:
		return summarizeResNet(g)
	case BranchedERFNet:
		return summarizeERFNet(g)
	}
	c := n.config()
	s := netSummary{kind: n.Kind(), dims: c.Dims, levels: len(c.Features), kernel: c.KernelSize, features: c.Features,
		norm: c.Norm, act: c.Act, outChannels: c.OutChannels}
	if s.kernel == 0 {
		s.kernel = 3
	}
	if s.norm == "" {
		s.norm = nn.NormInstance
	}
	for i := 0; i+1 < len(c.Features); i++ {
		switch {
		case len(c.AxisStrides) > i:
			s.strides = append(s.strides, c.AxisStrides[i])
		case len(c.Strides) > i:
			s.strides = append(s.strides, repeatInt(c.Dims, c.Strides[i]))
		default:
			s.strides = append(s.strides, repeatInt(c.Dims, 2))
		}
	}
	return s
}

func repeatInt(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// physicalUnit maps a file's length unit to the spec's space unit name ("" when unknown).
func physicalUnit(u string) string {
	switch strings.ToLower(strings.TrimSpace(u)) {
	case "µm", "um", "μm", "micron", "micrometer", "microns":
		return "micrometer"
	case "nm", "nanometer":
		return "nanometer"
	case "mm", "millimeter":
		return "millimeter"
	case "m", "meter":
		return "meter"
	case "pm", "picometer":
		return "picometer"
	}
	return ""
}

// summarizeResNet is summarize for the GANs' ResNet generator: features are
// the channels at each scale, and the halo its receptive-field radius (the
// 7×7 stem and output convolutions, one 3×3 convolution per down- and
// up-sampling at its scale, two per residual unit at the bottleneck's).
func summarizeResNet(g ResNetGenerator) netSummary {
	r := nets.ResNetGenerator(g).Resolved()
	s := netSummary{kind: g.Kind(), dims: r.Dims, levels: r.NDown + 1, kernel: 3, norm: r.Norm, act: nn.ActReLU, outChannels: r.OutChannels}
	radius := 3 + 3 + 2*r.NRes<<r.NDown
	for i := range r.NDown {
		s.features = append(s.features, r.NF<<i)
		radius += 1<<i + 2<<i // the down-sampling convolution at scale 2^i, the up-sampling one from 2^(i+1)
	}
	s.features = append(s.features, r.NF<<r.NDown)
	s.halo = repeatInt(r.Dims, radius)
	return s
}

// erfnetHalo is the halo of a BranchedERFNet package: the receptive field of
// its full- and half-resolution layers. Its whole receptive field (radius
// erfnetRadius, through the dilated 1/8-scale blocks) exceeds any practical
// tile; tiles crop this much, and whole images avoid tiling (as im2im does
// where memory allows).
const erfnetHalo = 16

// erfnetRadius is BranchedERFNet's receptive-field radius: per layer, its
// taps' reach at its scale (down-samplers 1 at scales 1, 2, 4; non-bottleneck
// blocks 1 + dilation at their scale; up-samplers and the output ≈ 1).
func erfnetRadius() int {
	r := 1 + 2 + 4 + 5*2*4 // down0, down1, down2; five blocks at 1/4
	for i := range 8 {
		r += (1 + 1 + 2<<(i%4)) * 8 // eight dilated blocks at 1/8
	}
	return r + 8 + 2*2*4 + 4 + 2*2*2 + 1 // each decoder: up0, two blocks at 1/4, up1, two at 1/2, the output
}

// summarizeERFNet is summarize for EmbedSeg's BranchedERFNet.
func summarizeERFNet(n BranchedERFNet) netSummary {
	return netSummary{kind: n.Kind(), dims: n.Dims, levels: 4, kernel: 3, features: []int{16, 64, 128}, norm: nn.NormBatch,
		act: nn.ActReLU, outChannels: nets.BranchedERFNet(n).OutChannels(), halo: repeatInt(n.Dims, erfnetHalo)}
}
