package plot

import "fmt"

// Panel is one image of an Images row: Data in row-major order with Shape
// [Y, X], [C, Y, X] or [C, Z, Y, X]. Three channels are shown as RGB, otherwise
// the first channel. Zero values of the other fields mean: colours chosen from
// the values, square pixels, 1st–99.8th percentile range, middle Z slice.
type Panel struct {
	Title string
	Data  []float32
	Shape []int
	// Kind is how values become colours: "" chooses (labels when every value is
	// a non-negative integer and there are at most 64 of them), "intensity"
	// (grey levels, or RGB for three channels), "labels" (one colour per label,
	// 0 black: classes and instances stay distinguishable).
	Kind string
	// PixelSize is the physical size of a pixel in µm, [Y, X] or [Z, Y, X]:
	// the panel keeps the physical aspect and gets a scale bar. Nil: square
	// pixels, no scale bar.
	PixelSize []float64
	// Range fixes the intensity display range {low, high}; nil: the panel's
	// (or its Group's) 1st to 99.8th percentile.
	Range []float64
	// Group: intensity panels of one row with the same non-empty Group share
	// one display range, so their brightness compares (target and prediction).
	Group string
	// ColorBar draws the intensity scale right of the panel.
	ColorBar bool
	// View of 3D data: "" the middle Z slice, "mip" the maximum projection
	// along Z, "ortho" orthogonal views through the centre (XY, with XZ below
	// and YZ to the right).
	View string
	// Outline is a label image of the panel's Z, Y, X size (a prediction)
	// whose boundaries are drawn over the panel in yellow.
	Outline []float32
	// Truth, with Outline, is the reference label image: pixels Outline marks
	// and Truth does not (false positives) are tinted magenta, pixels Truth
	// marks and Outline misses (false negatives) green.
	Truth []float32
}

// Panel kinds and 3D views (the values of Panel.Kind and Panel.View).
const (
	KindIntensity = "intensity"
	KindLabels    = "labels"
	ViewMIP       = "mip"
	ViewOrtho     = "ortho"
)

// dims returns the panel's channels, Z, Y and X extents.
func (p Panel) dims() (c, z, y, x int, err error) {
	s := p.Shape
	switch len(s) {
	case 2:
		c, z, y, x = 1, 1, s[0], s[1]
	case 3:
		c, z, y, x = s[0], 1, s[1], s[2]
	case 4:
		c, z, y, x = s[0], s[1], s[2], s[3]
	default:
		return 0, 0, 0, 0, fmt.Errorf("shape %v: want [Y, X], [C, Y, X] or [C, Z, Y, X]", s)
	}
	if c <= 0 || z <= 0 || y <= 0 || x <= 0 || c*z*y*x != len(p.Data) {
		return 0, 0, 0, 0, fmt.Errorf("shape %v does not match %d values", s, len(p.Data))
	}
	return c, z, y, x, nil
}

// check validates the options against the data.
func (p Panel) check() error {
	_, z, y, x, err := p.dims()
	if err != nil {
		return err
	}
	switch p.Kind {
	case "", KindIntensity, KindLabels:
	default:
		return fmt.Errorf("kind %q: want \"\", %q or %q", p.Kind, KindIntensity, KindLabels)
	}
	switch p.View {
	case "", ViewMIP, ViewOrtho:
	default:
		return fmt.Errorf("view %q: want \"\", %q or %q", p.View, ViewMIP, ViewOrtho)
	}
	if n := len(p.PixelSize); n != 0 && n != 2 && n != 3 {
		return fmt.Errorf("pixel size %v: want [Y, X] or [Z, Y, X] in µm", p.PixelSize)
	}
	for _, v := range p.PixelSize {
		if !(v > 0) {
			return fmt.Errorf("pixel size %v: sizes must be > 0", p.PixelSize)
		}
	}
	if p.Range != nil && (len(p.Range) != 2 || !(p.Range[1] > p.Range[0])) {
		return fmt.Errorf("range %v: want {low, high} with low < high", p.Range)
	}
	for _, o := range []struct {
		name string
		v    []float32
	}{{"outline", p.Outline}, {"truth", p.Truth}} {
		if o.v != nil && len(o.v) != z*y*x {
			return fmt.Errorf("%s has %d values, want %d (Z×Y×X = %d×%d×%d)", o.name, len(o.v), z*y*x, z, y, x)
		}
	}
	if p.Truth != nil && p.Outline == nil {
		return fmt.Errorf("truth needs an outline to compare with")
	}
	return nil
}

// spacing returns the physical pixel size along Z, Y and X (1, 1, 1 when
// unknown) and whether it is known.
func (p Panel) spacing() (sz, sy, sx float64, known bool) {
	switch len(p.PixelSize) {
	case 2:
		return p.PixelSize[1], p.PixelSize[0], p.PixelSize[1], true
	case 3:
		return p.PixelSize[0], p.PixelSize[1], p.PixelSize[2], true
	}
	return 1, 1, 1, false
}
