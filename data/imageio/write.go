package imageio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write writes a to path in the format its extension names: .tif/.tiff
// (including .ome.tif/.ome.tiff) as OME-TIFF, .npy as NPY, .png as PNG.
func Write(path string, a *Array, meta WriteMeta, opts WriteOptions) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".tif", ".tiff":
		return WriteOMETIFF(path, a, meta, opts)
	case ".npy":
		return WriteNPY(path, a)
	case ".png":
		return WritePNG(path, a)
	default:
		return fmt.Errorf("imageio: write %s: unknown extension %q (want .tif, .tiff, .npy or .png)", path, ext)
	}
}

// npyDescr maps dtypes to little-endian numpy descriptors.
var npyDescr = map[DType]string{
	Uint8: "|u1", Uint16: "<u2", Uint32: "<u4", Uint64: "<u8", Int8: "|i1", Int16: "<i2", Int32: "<i4", Int64: "<i8",
	Float32: "<f4", Float64: "<f8",
}

// WriteNPY writes a as a C-order NPY file (the axis names are not stored).
func WriteNPY(path string, a *Array) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	bw := bufio.NewWriter(f)
	if err := EncodeNPY(bw, a, false); err != nil {
		f.Close()
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	return nil
}

// EncodeNPY writes a in NPY format 1.0 (2.0 for very long headers),
// little-endian, in C order or (fortran) Fortran order.
func EncodeNPY(w io.Writer, a *Array, fortran bool) error {
	if err := a.Check(); err != nil {
		return err
	}
	shape := ""
	for _, d := range a.Shape {
		shape += fmt.Sprintf("%d, ", d)
	}
	if len(a.Shape) != 1 {
		shape = strings.TrimSuffix(shape, ", ")
	} else {
		shape = strings.TrimSuffix(shape, " ")
	}
	fo := "False"
	data := a
	if fortran {
		fo = "True"
		rev := make([]byte, len(a.Dims))
		for i := range rev {
			rev[i] = a.Dims[len(a.Dims)-1-i]
		}
		var err error
		if data, err = a.Transpose(string(rev)); err != nil {
			return err
		}
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }", npyDescr[a.DType], fo, shape)
	version, pre := byte(1), 10
	if len(dict)+pre+1 > 65535 {
		version, pre = 2, 12
	}
	pad := 64 - (pre+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	hdr := []byte("\x93NUMPY")
	hdr = append(hdr, version, 0)
	hlen := len(dict) + pad + 1
	if version == 1 {
		hdr = binary.LittleEndian.AppendUint16(hdr, uint16(hlen))
	} else {
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(hlen))
	}
	hdr = append(hdr, dict...)
	hdr = append(hdr, strings.Repeat(" ", pad)+"\n"...)
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(leBytes(data.Data))
	return err
}

// WritePNG writes a 2D array as PNG: dims YX (gray) or CYX with C = 1 (gray),
// 3 (RGB) or 4 (RGBA); other axes must have size 1. The dtype
// must be uint8 or uint16 (convert with AsType first).
func WritePNG(path string, a *Array) error {
	im, err := arrayToImage(a)
	if err != nil {
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	if err := png.Encode(f, im); err != nil {
		f.Close()
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	return f.Close()
}

// arrayToImage converts a (C)YX uint8/uint16 array to an image.Image.
func arrayToImage(a *Array) (image.Image, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	if a.DType != Uint8 && a.DType != Uint16 {
		return nil, fmt.Errorf("PNG holds uint8 or uint16 data, not %v", a.DType)
	}
	for i := 0; i < len(a.Dims); i++ {
		if d := a.Dims[i]; d != 'C' && d != 'Y' && d != 'X' && a.Shape[i] != 1 {
			return nil, fmt.Errorf("PNG is 2D: axis %c of %s %v has size %d", d, a.Dims, a.Shape, a.Shape[i])
		}
	}
	c, h, w := a.Size('C'), a.Size('Y'), a.Size('X')
	if c != 1 && c != 3 && c != 4 {
		return nil, fmt.Errorf("PNG is written with 1, 3 or 4 channels, not %d", c)
	}
	canon, _, err := canonical(a)
	if err != nil {
		return nil, err
	}
	plane := h * w
	rect := image.Rect(0, 0, w, h)
	if a.DType == Uint8 {
		src := canon.Data.([]uint8)
		if c == 1 {
			return &image.Gray{Pix: append([]uint8(nil), src...), Stride: w, Rect: rect}, nil
		}
		im := image.NewNRGBA(rect)
		for i := 0; i < plane; i++ {
			px := im.Pix[4*i : 4*i+4]
			switch c {
			case 3:
				px[0], px[1], px[2], px[3] = src[i], src[plane+i], src[2*plane+i], 255
			case 4:
				px[0], px[1], px[2], px[3] = src[i], src[plane+i], src[2*plane+i], src[3*plane+i]
			}
		}
		return im, nil
	}
	src := canon.Data.([]uint16)
	if c == 1 {
		im := image.NewGray16(rect)
		for i, v := range src {
			binary.BigEndian.PutUint16(im.Pix[2*i:], v)
		}
		return im, nil
	}
	im := image.NewNRGBA64(rect)
	for i := 0; i < plane; i++ {
		var v [4]uint16
		switch c {
		case 3:
			v = [4]uint16{src[i], src[plane+i], src[2*plane+i], 0xffff}
		case 4:
			v = [4]uint16{src[i], src[plane+i], src[2*plane+i], src[3*plane+i]}
		}
		for k := 0; k < 4; k++ {
			binary.BigEndian.PutUint16(im.Pix[8*i+2*k:], v[k])
		}
	}
	return im, nil
}
