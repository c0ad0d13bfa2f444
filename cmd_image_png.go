package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/stdlib/plot"
)

// pngScale says how `image convert` maps values to a PNG: "auto" (label
// images in colours, 8-bit data as is, anything else scaled between
// percentiles), "labels", "percentile" or "none" (values as they are; PNG
// holds 8- and 16-bit integers only).
type pngScale struct {
	mode   string
	lo, hi float64 // percentiles
	note   string  // what the conversion did, for the user
}

// parsePNGScale checks --scale and --percentiles.
func parsePNGScale(mode, percentiles string) (pngScale, error) {
	s := pngScale{mode: strings.ToLower(mode)}
	switch s.mode {
	case "auto", "labels", "percentile", "none":
	default:
		return s, badf("--scale %q: want auto, labels, percentile or none", mode)
	}
	parts := strings.Split(percentiles, ",")
	if len(parts) != 2 {
		return s, badf("--percentiles %q: want LOW,HIGH such as 1,99.8", percentiles)
	}
	var err1, err2 error
	s.lo, err1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	s.hi, err2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	if err1 != nil || err2 != nil || s.lo < 0 || s.hi > 100 || s.lo >= s.hi {
		return s, badf("--percentiles %q: want LOW,HIGH with 0 ≤ LOW < HIGH ≤ 100", percentiles)
	}
	return s, nil
}

// viewable turns a YX or CYX array into what a PNG viewer shows well, and
// says what it did ("" when a is kept as it is).
func (s pngScale) viewable(a *imageio.Array) (*imageio.Array, string, error) {
	if s.mode == "none" {
		if a.DType != imageio.Uint8 && a.DType != imageio.Uint16 {
			return nil, "", badf("--scale none: a PNG holds 8- or 16-bit integers, not %v; use --scale auto or percentile", a.DType)
		}
		return a, "", nil
	}
	for i, d := range a.Dims {
		if !strings.ContainsRune("CYX", d) && a.Shape[i] > 1 {
			return nil, "", badf("a PNG is 2D and the image has %d elements along %c: pick one with --%c (0..%d)", a.Shape[i], d, d, a.Shape[i]-1)
		}
	}
	c := 1
	if i := strings.IndexByte(a.Dims, 'C'); i >= 0 {
		c = a.Shape[i]
	}
	v := a.Float32()
	labels := s.mode == "labels" || (s.mode == "auto" && c == 1 && plot.IsLabels(v))
	switch {
	case labels:
		if c != 1 {
			return nil, "", badf("--scale labels needs one channel, not %d (pick one with --C)", c)
		}
		return colourLabels(a, v)
	case s.mode == "auto" && a.DType == imageio.Uint8:
		return a, "", nil
	}
	return s.scale(a, v)
}

// colourLabels draws a label image in categorical colours (0 black).
func colourLabels(a *imageio.Array, v []float32) (*imageio.Array, string, error) {
	y, x := a.Size('Y'), a.Size('X')
	out := make([]uint8, 3*y*x)
	seen := map[int]bool{}
	for i, l := range v {
		col := plot.LabelColor(int(l))
		out[i], out[y*x+i], out[2*y*x+i] = col.R, col.G, col.B
		seen[int(l)] = true
	}
	r, err := imageio.ArrayOf(out, "CYX", 3, y, x)
	if err != nil {
		return nil, "", err
	}
	return r, fmt.Sprintf("label image (%d values) drawn in colours, 0 black; --scale none writes the raw values", len(seen)), nil
}

// scale maps the values between the two percentiles (of all channels
// together) to 0..255.
func (s pngScale) scale(a *imageio.Array, v []float32) (*imageio.Array, string, error) {
	sorted := make([]float32, 0, len(v))
	for _, f := range v {
		if !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) {
			sorted = append(sorted, f)
		}
	}
	if len(sorted) == 0 {
		return nil, "", badf("no finite values to scale")
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	at := func(p float64) float64 { return float64(sorted[int(math.Round(p/100*float64(len(sorted)-1)))]) }
	lo, hi := at(s.lo), at(s.hi)
	if hi <= lo {
		lo, hi = float64(sorted[0]), float64(sorted[len(sorted)-1])
	}
	out := make([]uint8, len(v))
	for i, f := range v {
		t := 0.0
		if hi > lo {
			t = (float64(f) - lo) / (hi - lo)
		}
		if math.IsNaN(t) {
			t = 0
		}
		out[i] = uint8(math.Min(1, math.Max(0, t))*255 + 0.5)
	}
	r, err := imageio.ArrayOf(out, a.Dims, a.Shape...)
	if err != nil {
		return nil, "", err
	}
	return r, fmt.Sprintf("%v intensities scaled from the %g%% (%.4g) to the %g%% (%.4g) percentile to 0–255; --scale none keeps the values (8/16-bit only)",
		a.DType, s.lo, lo, s.hi, hi), nil
}
