package imageio

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Image is an opened image file. Opening reads only metadata; Read decodes the
// selected part. An Image is safe for concurrent Reads.
type Image interface {
	// Meta returns the image's TCZYX dimensions, dtype and metadata.
	Meta() Meta
	// Read decodes the selected sub-array, keeping the file's dtype.
	Read(sel Selection) (*Array, error)
	// Close releases the file.
	Close() error
}

// Open opens a TIFF (classic, BigTIFF, OME-TIFF, ImageJ), NPY or PNG file,
// recognised by its first bytes, and reads its metadata.
func Open(path string) (Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	var magic [8]byte
	n, _ := io.ReadFull(f, magic[:])
	m := magic[:n]
	var img Image
	switch {
	case bytes.HasPrefix(m, []byte("II*\x00")), bytes.HasPrefix(m, []byte("MM\x00*")),
		bytes.HasPrefix(m, []byte("II+\x00")), bytes.HasPrefix(m, []byte("MM\x00+")):
		img, err = openTIFF(f, path)
	case bytes.HasPrefix(m, []byte("\x93NUMPY")):
		img, err = openNPY(f, path)
	case bytes.HasPrefix(m, []byte("\x89PNG\r\n\x1a\n")):
		img, err = openPNG(f, path)
	default:
		err = fmt.Errorf("imageio: %s: not a TIFF, NPY or PNG file (starts with %q)", path, m)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return img, nil
}

// ReadFile opens path, reads the selection and closes the file.
func ReadFile(path string, sel Selection) (*Array, Meta, error) {
	img, err := Open(path)
	if err != nil {
		return nil, Meta{}, err
	}
	defer img.Close()
	a, err := img.Read(sel)
	return a, img.Meta(), err
}

// ReadFloat32 reads the selection of path converted to float32; it returns the
// data, the output shape (one extent per letter of sel.Dims) and the metadata.
func ReadFloat32(path string, sel Selection) ([]float32, []int, Meta, error) {
	a, m, err := ReadFile(path, sel)
	if err != nil {
		return nil, nil, m, err
	}
	return a.Float32(), a.Shape, m, nil
}
