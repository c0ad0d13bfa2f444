package imageio

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
)

// pngImage is an opened PNG file (decoded whole on Read).
type pngImage struct {
	f     *os.File
	meta  Meta
	depth int
	ctype int
}

// pngChannels maps PNG colour types to channel counts.
var pngChannels = map[int]int{0: 1, 2: 3, 3: 3, 4: 2, 6: 4}

func openPNG(f *os.File, path string) (Image, error) {
	var hdr [26]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return nil, fmt.Errorf("imageio: %s: PNG header: %w", path, err)
	}
	if string(hdr[12:16]) != "IHDR" {
		return nil, fmt.Errorf("imageio: %s: PNG does not start with IHDR", path)
	}
	w, h := binary.BigEndian.Uint32(hdr[16:]), binary.BigEndian.Uint32(hdr[20:])
	depth, ctype := int(hdr[24]), int(hdr[25])
	c, ok := pngChannels[ctype]
	if !ok {
		return nil, fmt.Errorf("imageio: %s: PNG colour type %d is not supported", path, ctype)
	}
	if w == 0 || h == 0 || w > 1<<24 || h > 1<<24 {
		return nil, fmt.Errorf("imageio: %s: PNG size %dx%d is not supported", path, w, h)
	}
	dt := Uint8
	if depth == 16 {
		dt = Uint16
	}
	// zlib cannot compress by more than about 1032:1: refuse sizes the file cannot hold.
	if st, err := f.Stat(); err == nil && uint64(w)*uint64(h)*uint64(c*dt.Size()) > 1100*uint64(st.Size())+(1<<20) {
		return nil, fmt.Errorf("imageio: %s: PNG of %dx%d pixels cannot come from %d bytes", path, w, h, st.Size())
	}
	m := Meta{Path: path, Format: "png", Dims: "TCZYX", DType: dt, Shape: [5]int{1, c, 1, int(h), int(w)}}
	return &pngImage{f: f, meta: m, depth: depth, ctype: ctype}, nil
}

func (img *pngImage) Meta() Meta   { return img.meta }
func (img *pngImage) Close() error { return img.f.Close() }

// Read decodes the PNG and returns the selection.
func (img *pngImage) Read(sel Selection) (*Array, error) {
	r, err := sel.resolve(img.meta.Shape)
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	im, err := png.Decode(io.NewSectionReader(img.f, 0, 1<<62))
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	full := pngToArray(im, img.meta.Shape[1], img.meta.DType)
	full.Dims, full.Shape = "TCZYX", img.meta.Shape[:]
	return subArray(full, 0, r), nil
}

// pngToArray converts a decoded image to a CYX array with c channels.
func pngToArray(im image.Image, c int, dt DType) *Array {
	b := im.Bounds()
	w, h := b.Dx(), b.Dy()
	plane := w * h
	if dt == Uint8 {
		out := make([]uint8, c*plane)
		if g, ok := im.(*image.Gray); ok && c == 1 {
			for y := 0; y < h; y++ {
				copy(out[y*w:(y+1)*w], g.Pix[y*g.Stride:y*g.Stride+w])
			}
		} else {
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					px := color.NRGBAModel.Convert(im.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
					v := [4]uint8{px.R, px.G, px.B, px.A}
					if c <= 2 { // gray (+alpha)
						v = [4]uint8{px.R, px.A}
					}
					for k := 0; k < c; k++ {
						out[k*plane+y*w+x] = v[k]
					}
				}
			}
		}
		return &Array{DType: Uint8, Data: out}
	}
	out := make([]uint16, c*plane)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			px := color.NRGBA64Model.Convert(im.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
			v := [4]uint16{px.R, px.G, px.B, px.A}
			if c <= 2 {
				v = [4]uint16{px.R, px.A}
			}
			for k := 0; k < c; k++ {
				out[k*plane+y*w+x] = v[k]
			}
		}
	}
	return &Array{DType: Uint16, Data: out}
}
