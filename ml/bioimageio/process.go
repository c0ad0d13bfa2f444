package bioimageio

import (
	"fmt"
	"math"
	"slices"
)

// Array is a float32 tensor whose axes are named by their ids (batch,
// channel, z, y, x, ...), row-major.
type Array struct {
	Axes  []string
	Shape []int
	Data  []float32
}

// PreprocessingIDs and PostprocessingIDs are the step ids of format 0.5.
var (
	PreprocessingIDs = []string{"binarize", "clip", "ensure_dtype", "fixed_zero_mean_unit_variance", "scale_linear",
		"scale_range", "sigmoid", "softmax", "zero_mean_unit_variance"}
	PostprocessingIDs = append(slices.Clone(PreprocessingIDs), "scale_mean_variance")
)

// Apply runs processing steps on a in place, in order. Statistics
// (zero_mean_unit_variance, scale_range) are those of a itself over the
// step's axes (per-sample statistics), each combination of the other axes
// separately. scale_range's reference_tensor and scale_mean_variance need
// other tensors and are errors, as are unknown steps.
func Apply(steps []Processing, a *Array) error {
	for i, s := range steps {
		if err := apply(s, a); err != nil {
			return fmt.Errorf("bioimageio: %s (step %d): %w", s.ID, i, err)
		}
	}
	return nil
}

func apply(s Processing, a *Array) error {
	k := kwargs(s.Kwargs)
	switch s.ID {
	case "zero_mean_unit_variance":
		eps := k.float("eps", 1e-6)
		return perGroup(a, k, func(v []float32, idx []int) {
			var sum, sq float64
			for _, i := range idx {
				sum += float64(v[i])
			}
			mean := sum / float64(len(idx))
			for _, i := range idx {
				d := float64(v[i]) - mean
				sq += d * d
			}
			std := math.Sqrt(sq / float64(len(idx)))
			for _, i := range idx {
				v[i] = float32((float64(v[i]) - mean) / (std + eps))
			}
		})
	case "scale_range":
		if _, ok := s.Kwargs["reference_tensor"]; ok {
			return fmt.Errorf("reference_tensor is not supported")
		}
		lo, hi, eps := k.float("min_percentile", 0), k.float("max_percentile", 100), k.float("eps", 1e-6)
		if lo < 0 || hi > 100 || lo >= hi {
			return fmt.Errorf("want 0 ≤ min_percentile < max_percentile ≤ 100, got %v and %v", lo, hi)
		}
		return perGroup(a, k, func(v []float32, idx []int) {
			vals := make([]float32, len(idx))
			for j, i := range idx {
				vals[j] = v[i]
			}
			slices.Sort(vals)
			p0, p1 := percentile(vals, lo), percentile(vals, hi)
			for _, i := range idx {
				v[i] = float32((float64(v[i]) - p0) / (p1 - p0 + eps))
			}
		})
	case "fixed_zero_mean_unit_variance":
		mean, std := k.floats("mean"), k.floats("std")
		return alongAxis(a, k, len(mean), func(v float32, j int) float32 {
			return float32((float64(v) - mean[j]) / (std[min(j, len(std)-1)] + k.float("eps", 1e-6)))
		}, "mean", "std")
	case "scale_linear":
		gain, offset := k.floatsOr("gain", 1), k.floatsOr("offset", 0)
		n := max(len(gain), len(offset))
		return alongAxis(a, k, n, func(v float32, j int) float32 {
			return float32(float64(v)*gain[min(j, len(gain)-1)] + offset[min(j, len(offset)-1)])
		}, "gain", "offset")
	case "binarize":
		th := k.floats("threshold")
		return alongAxis(a, k, len(th), func(v float32, j int) float32 {
			if float64(v) > th[j] {
				return 1
			}
			return 0
		}, "threshold")
	case "clip":
		lo, hi := k.float("min", math.Inf(-1)), k.float("max", math.Inf(1))
		for i, v := range a.Data {
			a.Data[i] = float32(math.Max(lo, math.Min(hi, float64(v))))
		}
		return nil
	case "sigmoid":
		for i, v := range a.Data {
			a.Data[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
		return nil
	case "softmax":
		ax := slices.Index(a.Axes, k.str("axis", "channel"))
		if ax < 0 {
			return fmt.Errorf("axis %q is not an axis of the tensor %v", k.str("axis", "channel"), a.Axes)
		}
		softmax(a, ax)
		return nil
	case "ensure_dtype":
		return ensureDType(a, k.str("dtype", ""))
	}
	return fmt.Errorf("unknown or unsupported step (im2im runs %v)", PreprocessingIDs)
}

func percentile(sorted []float32, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	f := pos - float64(lo)
	return float64(sorted[lo])*(1-f) + float64(sorted[hi])*f
}

func softmax(a *Array, ax int) {
	outer, k, inner := prod(a.Shape[:ax]), a.Shape[ax], prod(a.Shape[ax+1:])
	for o := range outer {
		for i := range inner {
			base := o*k*inner + i
			m := math.Inf(-1)
			for c := range k {
				m = math.Max(m, float64(a.Data[base+c*inner]))
			}
			var sum float64
			for c := range k {
				sum += math.Exp(float64(a.Data[base+c*inner]) - m)
			}
			for c := range k {
				a.Data[base+c*inner] = float32(math.Exp(float64(a.Data[base+c*inner])-m) / sum)
			}
		}
	}
}

func ensureDType(a *Array, dt string) error {
	lim := map[string][2]float64{"uint8": {0, 255}, "uint16": {0, 65535}, "int8": {-128, 127}, "int16": {-32768, 32767},
		"int32": {math.MinInt32, math.MaxInt32}, "uint32": {0, math.MaxUint32}}
	switch dt {
	case "float32", "float64":
		return nil
	case "bool":
		for i, v := range a.Data {
			if v != 0 {
				a.Data[i] = 1
			}
		}
		return nil
	}
	r, ok := lim[dt]
	if !ok {
		return fmt.Errorf("dtype %q", dt)
	}
	for i, v := range a.Data {
		a.Data[i] = float32(math.Max(r[0], math.Min(r[1], math.Round(float64(v)))))
	}
	return nil
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// perGroup calls f with the indices of every group of a: the elements that
// share their coordinates on the axes not in kwargs axes (all axes but batch
// and channel when axes is not given... the spec's default is all axes; im2im
// writes axes explicitly).
func perGroup(a *Array, k kwargs, f func(v []float32, idx []int)) error {
	reduce := make([]bool, len(a.Axes))
	axes, given := k.strs("axes")
	if !given {
		for i := range reduce {
			reduce[i] = true
		}
	}
	for _, id := range axes {
		i := slices.Index(a.Axes, id)
		if i < 0 {
			return fmt.Errorf("axes %v: %q is not an axis of the tensor %v", axes, id, a.Axes)
		}
		reduce[i] = true
	}
	groups := map[int][]int{}
	var order []int
	idx := make([]int, len(a.Shape))
	for i := range a.Data {
		g := 0
		for ax, c := range idx {
			if !reduce[ax] {
				g = g*a.Shape[ax] + c
			}
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
		for ax := len(idx) - 1; ax >= 0; ax-- {
			if idx[ax]++; idx[ax] < a.Shape[ax] {
				break
			}
			idx[ax] = 0
		}
	}
	for _, g := range order {
		f(a.Data, groups[g])
	}
	return nil
}

// alongAxis applies f(value, j) where j is the element's index along kwargs
// axis (0 when no axis is given; then the parameters must be scalars).
func alongAxis(a *Array, k kwargs, n int, f func(v float32, j int) float32, params ...string) error {
	for _, p := range params {
		if _, ok := k[p]; !ok && (p == "mean" || p == "std" || p == "threshold") {
			return fmt.Errorf("kwarg %s is required", p)
		}
	}
	axis := k.str("axis", "")
	if axis == "" {
		if n > 1 {
			return fmt.Errorf("%v hold %d values but no axis is given", params, n)
		}
		for i, v := range a.Data {
			a.Data[i] = f(v, 0)
		}
		return nil
	}
	ax := slices.Index(a.Axes, axis)
	if ax < 0 {
		return fmt.Errorf("axis %q is not an axis of the tensor %v", axis, a.Axes)
	}
	if n != 1 && n != a.Shape[ax] {
		return fmt.Errorf("%v hold %d values, axis %s has %d", params, n, axis, a.Shape[ax])
	}
	inner := prod(a.Shape[ax+1:])
	for i, v := range a.Data {
		j := (i / inner) % a.Shape[ax]
		if n == 1 {
			j = 0
		}
		a.Data[i] = f(v, j)
	}
	return nil
}
