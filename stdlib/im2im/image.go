package im2im

import (
	"fmt"
	"strings"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/stdlib/plot"
)

// Image is an image in a cell: float32 values in TCZYX order (time, channel,
// Z, Y, X; every image has all five axes, of size 1 where absent) with what
// its file says about it. ReadImage makes one from any format im2im reads.
type Image struct {
	// Name is the file's name (without folders) or what a selection made of it.
	Name string
	// Data holds the values, TCZYX row-major.
	Data []float32
	// Shape is the size of T, C, Z, Y and X.
	Shape []int
	// DType is the file's data type (uint8, uint16, float32, ...).
	DType string
	// PixelSize is the physical size of a voxel along X, Y and Z (0: unknown)
	// and its unit ("µm", ...).
	PixelSizeX, PixelSizeY, PixelSizeZ float64
	Unit                               string
	// ChannelNames as stored in the file (may be empty).
	ChannelNames []string
}

// ReadImage reads a whole image file (OME-TIFF, ImageJ TIFF, TIFF, NPY, PNG).
func ReadImage(path string) (*Image, error) {
	data, shape, m, err := imageio.ReadFloat32(path, imageio.Selection{Dims: "TCZYX"})
	if err != nil {
		return nil, err
	}
	name := path
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		name = path[i+1:]
	}
	unit := m.PhysicalSize.XUnit
	if unit == "" && m.PhysicalSize.X > 0 {
		unit = "µm"
	}
	return &Image{Name: name, Data: data, Shape: shape, DType: m.DType.String(),
		PixelSizeX: m.PhysicalSize.X, PixelSizeY: m.PhysicalSize.Y, PixelSizeZ: m.PhysicalSize.Z, Unit: unit,
		ChannelNames: append([]string(nil), m.ChannelNames...)}, nil
}

// WriteImage writes img to path in the format its extension names (.tif/.tiff
// as OME-TIFF with the pixel sizes and channel names, .npy, .png), as float32.
func WriteImage(path string, img *Image) error {
	if err := img.check(); err != nil {
		return err
	}
	dims, shape := "TCZYX", img.Shape
	if lower := strings.ToLower(path); strings.HasSuffix(lower, ".png") || strings.HasSuffix(lower, ".npy") {
		// Those formats store no axis names: leave out the axes of size 1 (the
		// same values in the same order).
		dims, shape = img.planeDims()
	}
	a, err := imageio.FromFloat32(img.Data, dims, shape...)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if strings.HasSuffix(strings.ToLower(path), ".png") {
		if a, err = pngArray(a, img); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	meta := imageio.WriteMeta{Name: img.Name, ChannelNames: img.ChannelNames,
		PhysicalSize: imageio.PhysicalSize{X: img.PixelSizeX, Y: img.PixelSizeY, Z: img.PixelSizeZ, XUnit: img.Unit, YUnit: img.Unit, ZUnit: img.Unit}}
	return imageio.Write(path, a, meta, imageio.WriteOptions{})
}

// planeDims names the axes of size > 1 (always Y and X), in TCZYX order, with
// their sizes.
func (img *Image) planeDims() (string, []int) {
	var b strings.Builder
	var shape []int
	for i, d := range "TCZYX" {
		if img.Shape[i] > 1 || d == 'Y' || d == 'X' {
			b.WriteRune(d)
			shape = append(shape, img.Shape[i])
		}
	}
	return b.String(), shape
}

func (img *Image) check() error {
	if img == nil {
		return fmt.Errorf("image is nil")
	}
	if len(img.Shape) != 5 {
		return fmt.Errorf("image %s: shape %v: want 5 sizes (T, C, Z, Y, X)", img.Name, img.Shape)
	}
	n := 1
	for _, d := range img.Shape {
		n *= d
	}
	if n != len(img.Data) || n == 0 {
		return fmt.Errorf("image %s: shape %v holds %d values, not %d", img.Name, img.Shape, n, len(img.Data))
	}
	return nil
}

// String describes the image: name, shape, type and pixel size.
func (img *Image) String() string {
	if err := img.check(); err != nil {
		return err.Error()
	}
	s := fmt.Sprintf("%s: TCZYX %v %s", img.Name, img.Shape, img.DType)
	if img.PixelSizeX > 0 {
		s += fmt.Sprintf(", pixel %g×%g", img.PixelSizeY, img.PixelSizeX)
		if img.Shape[2] > 1 && img.PixelSizeZ > 0 {
			s += fmt.Sprintf("×%g (z)", img.PixelSizeZ)
		}
		s += " " + img.Unit
	}
	return s
}

// Len returns the number of values.
func (img *Image) Len() int { return len(img.Data) }

// T returns time point t (the T axis keeps size 1).
func (img *Image) T(t int) *Image { return img.pick(0, t, t+1) }

// C returns channel c.
func (img *Image) C(c int) *Image { return img.pick(1, c, c+1) }

// Z returns slice z.
func (img *Image) Z(z int) *Image { return img.pick(2, z, z+1) }

// Ts returns time points from..to-1; Cs and Zs likewise for channels and slices.
func (img *Image) Ts(from, to int) *Image { return img.pick(0, from, to) }

// Cs returns channels from..to-1.
func (img *Image) Cs(from, to int) *Image { return img.pick(1, from, to) }

// Zs returns slices from..to-1.
func (img *Image) Zs(from, to int) *Image { return img.pick(2, from, to) }

// pick keeps indices from..to-1 of axis (0 = T, 1 = C, 2 = Z); out of range
// panics with the image and axis named.
func (img *Image) pick(axis, from, to int) *Image {
	if err := img.check(); err != nil {
		panic(err)
	}
	if from < 0 || to > img.Shape[axis] || from >= to {
		panic(fmt.Errorf("image %s: %c range %d..%d outside 0..%d", img.Name, "TCZYX"[axis], from, to-1, img.Shape[axis]-1))
	}
	out := *img
	out.Shape = append([]int(nil), img.Shape...)
	out.Shape[axis] = to - from
	out.Name = fmt.Sprintf("%s[%c=%d]", img.Name, "TCZYX"[axis], from)
	if to-from > 1 {
		out.Name = fmt.Sprintf("%s[%c=%d:%d]", img.Name, "TCZYX"[axis], from, to)
	}
	if axis == 1 && len(img.ChannelNames) >= to {
		out.ChannelNames = append([]string(nil), img.ChannelNames[from:to]...)
	}
	outer, inner := 1, 1
	for i := range 5 {
		if i < axis {
			outer *= img.Shape[i]
		} else if i > axis {
			inner *= img.Shape[i]
		}
	}
	out.Data = make([]float32, 0, outer*(to-from)*inner)
	for o := range outer {
		base := (o*img.Shape[axis] + from) * inner
		out.Data = append(out.Data, img.Data[base:base+(to-from)*inner]...)
	}
	return &out
}

// MaxZ returns the maximum-intensity projection along Z.
func (img *Image) MaxZ() *Image {
	if err := img.check(); err != nil {
		panic(err)
	}
	out := *img
	out.Name = img.Name + " (max Z)"
	out.Shape = append([]int(nil), img.Shape...)
	z, plane := img.Shape[2], img.Shape[3]*img.Shape[4]
	out.Shape[2] = 1
	out.Data = make([]float32, img.Shape[0]*img.Shape[1]*plane)
	for tc := range img.Shape[0] * img.Shape[1] {
		dst := out.Data[tc*plane : (tc+1)*plane]
		copy(dst, img.Data[tc*z*plane:tc*z*plane+plane])
		for k := 1; k < z; k++ {
			src := img.Data[(tc*z+k)*plane : (tc*z+k+1)*plane]
			for i, v := range src {
				dst[i] = max(dst[i], v)
			}
		}
	}
	return &out
}

// Panel is the picture of the image a figure shows: the first time point,
// three channels as RGB or else the first channel, [C, Y, X] for a plane and
// [C, Z, Y, X] for a stack (the panel's View picks the middle slice, a maximum
// projection or orthogonal views), with the pixel size when the file has one.
func (img *Image) Panel() plot.Panel {
	if err := img.check(); err != nil {
		panic(err)
	}
	x := img.T(0)
	if x.Shape[1] != 3 {
		x = x.C(0)
	}
	p := plot.Panel{Title: img.Name, Data: x.Data, Shape: []int{x.Shape[1], x.Shape[3], x.Shape[4]}}
	um, known := micrometres(img.Unit)
	if known && img.PixelSizeX > 0 && img.PixelSizeY > 0 {
		p.PixelSize = []float64{img.PixelSizeY * um, img.PixelSizeX * um}
	}
	if x.Shape[2] > 1 {
		p.Shape = []int{x.Shape[1], x.Shape[2], x.Shape[3], x.Shape[4]}
		if p.PixelSize != nil && img.PixelSizeZ > 0 {
			p.PixelSize = []float64{img.PixelSizeZ * um, p.PixelSize[0], p.PixelSize[1]}
		} else {
			p.PixelSize = nil
		}
	}
	return p
}

// micrometres returns how many µm one unit is, for the units images state.
func micrometres(unit string) (float64, bool) {
	switch unit {
	case "µm", "um", "micron", "micrometer", "micrometre":
		return 1, true
	case "nm", "nanometer", "nanometre":
		return 1e-3, true
	case "mm", "millimeter", "millimetre":
		return 1e3, true
	}
	return 0, false
}

// Show shows the image's Panel in the notebook.
func (img *Image) Show() { plot.Images(img.Panel()).Show() }

// pngArray converts float32 values to PNG's 8 or 16 bits: whole numbers in
// 0..255 or 0..65535 only (scale an image first: PNG stores no other values).
func pngArray(a *imageio.Array, img *Image) (*imageio.Array, error) {
	hi := float32(0)
	for _, v := range img.Data {
		if v < 0 || v != float32(int64(v)) || v > 65535 {
			return nil, fmt.Errorf("image %s has the value %v: PNG stores whole numbers in 0..255 or 0..65535 (scale it first, or write .tif)", img.Name, v)
		}
		hi = max(hi, v)
	}
	if hi <= 255 {
		return a.AsType(imageio.Uint8)
	}
	return a.AsType(imageio.Uint16)
}
