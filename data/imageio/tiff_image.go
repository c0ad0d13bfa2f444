package imageio

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// maxPages bounds the IFD chain walk (each IFD takes at least 18 bytes anyway).
const maxPages = 1 << 24

// tiffImage is an opened TIFF file seen as one TCZYX image.
type tiffImage struct {
	f     *os.File
	src   *tiffSource
	meta  Meta
	pages []*tiffPage
	// planes maps (t*cPlanes+cp)*Z+z to an index into pages (-1: not stored).
	planes  []int
	cPlanes int // stored channel planes; C = cPlanes * samples per pixel
	spp     int
}

// openTIFF reads the header, every IFD and the description of the first page.
func openTIFF(f *os.File, path string) (Image, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	src := &tiffSource{r: f, path: path, size: st.Size()}
	img, err := newTIFFImage(src)
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", path, err)
	}
	img.f = f
	return img, nil
}

// newTIFFImage parses the structure of a TIFF source.
func newTIFFImage(src *tiffSource) (*tiffImage, error) {
	off, err := src.readHeader()
	if err != nil {
		return nil, err
	}
	img := &tiffImage{src: src}
	seen := map[uint64]int{}
	var desc string
	for off != 0 {
		i := len(img.pages)
		if prev, ok := seen[off]; ok {
			return nil, fmt.Errorf("page %d: IFD offset %d repeats page %d (IFD loop)", i, off, prev)
		}
		if i >= maxPages {
			return nil, fmt.Errorf("more than %d pages", maxPages)
		}
		seen[off] = i
		d, err := src.readIFD(off, i)
		if err != nil {
			return nil, err
		}
		p, err := src.parsePage(d, i)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if e, ok := d.entries[tagDescription]; ok {
				if desc, err = src.str(e, 0); err != nil {
					return nil, err
				}
			}
		}
		img.pages = append(img.pages, p)
		off = d.next
	}
	if len(img.pages) == 0 {
		return nil, fmt.Errorf("no pages (first IFD offset is 0)")
	}
	p0 := img.pages[0]
	img.spp = p0.spp
	m := &img.meta
	m.Path = src.path
	m.Dims = "TCZYX"
	m.DType = p0.dtype
	m.Compression = compressionNames[p0.compression]
	m.BigTIFF = src.big
	m.Tiled = p0.tiled
	m.ByteOrder = "little"
	if src.order == binary.BigEndian {
		m.ByteOrder = "big"
	}
	trimmed := strings.TrimSpace(desc)
	switch {
	case strings.HasPrefix(trimmed, "<?xml") || strings.HasPrefix(trimmed, "<OME"):
		err = img.mapOME(trimmed)
	case strings.HasPrefix(trimmed, "ImageJ="):
		err = img.mapImageJ(parseImageJ(trimmed))
	default:
		img.mapPlain()
	}
	if err != nil {
		return nil, err
	}
	used := map[int]bool{}
	for _, pi := range img.planes {
		if pi >= 0 {
			used[pi] = true
			if err := p0.compatible(img.pages[pi]); err != nil {
				return nil, err
			}
		}
	}
	m.Pages = len(used)
	m.Shape[3], m.Shape[4] = p0.height, p0.width
	return img, nil
}

// mapPlain treats the pages of a plain TIFF as a Z stack: all full-resolution
// pages matching the first one, up to the first that does not.
func (img *tiffImage) mapPlain() {
	img.meta.Format = "tiff"
	p0 := img.pages[0]
	for i, p := range img.pages {
		if p.subfile&1 != 0 && i > 0 {
			continue // reduced-resolution copy
		}
		if p0.compatible(p) != nil {
			break
		}
		img.planes = append(img.planes, i)
	}
	img.cPlanes = 1
	img.meta.Shape = [5]int{1, p0.spp, len(img.planes), 0, 0}
}

// mapImageJ maps pages in ImageJ's hyperstack order (C fastest, then Z, then T).
func (img *tiffImage) mapImageJ(ij imagejMeta) error {
	img.meta.Format = "imagej-tiff"
	p0 := img.pages[0]
	c, z, t := max(ij.channels, 1), max(ij.slices, 1), max(ij.frames, 1)
	if ij.images > 0 && c*z*t == 1 {
		z = ij.images
	}
	n, ok := boundedProduct(maxPages, c, z, t)
	if !ok {
		return fmt.Errorf("ImageJ description: %d channels, %d slices and %d frames are too many", c, z, t)
	}
	if ij.images > 0 && ij.images != n {
		return fmt.Errorf("ImageJ description: images=%d but channels*slices*frames=%d", ij.images, n)
	}
	if len(img.pages) < n {
		if err := img.synthesizeContiguous(n); err != nil {
			return fmt.Errorf("ImageJ description promises %d images, file has %d pages: %w", n, len(img.pages), err)
		}
	}
	img.planes = make([]int, n)
	// Our plane index is (t*C + c)*Z + z; ImageJ's page index is (t*Z + z)*C + c.
	for tt := 0; tt < t; tt++ {
		for cc := 0; cc < c; cc++ {
			for zz := 0; zz < z; zz++ {
				img.planes[(tt*c+cc)*z+zz] = (tt*z+zz)*c + cc
			}
		}
	}
	img.cPlanes = c
	img.meta.Shape = [5]int{t, c * p0.spp, z, 0, 0}
	ps := &img.meta.PhysicalSize
	if p0.xres > 0 {
		ps.X, ps.XUnit = 1/p0.xres, ij.unit
	}
	if p0.yres > 0 {
		ps.Y, ps.YUnit = 1/p0.yres, ij.unit
	}
	if ij.spacing > 0 {
		ps.Z, ps.ZUnit = ij.spacing, ij.unit
	}
	return nil
}

// synthesizeContiguous adds the pages of an ImageJ file whose images follow the
// first page's pixel data without IFDs of their own (ImageJ's files past 4 GiB).
func (img *tiffImage) synthesizeContiguous(n int) error {
	p0 := img.pages[0]
	if len(img.pages) != 1 || p0.compression != 1 || p0.tiled {
		return fmt.Errorf("missing images are only readable from one uncompressed striped page")
	}
	for i := 1; i < len(p0.offsets); i++ {
		if p0.offsets[i] != p0.offsets[i-1]+p0.counts[i-1] {
			return fmt.Errorf("first page's strips are not contiguous")
		}
	}
	planeBytes := uint64(p0.width) * uint64(p0.height) * uint64(p0.spp) * uint64(p0.bps/8)
	end := p0.offsets[0] + planeBytes*uint64(n)
	if end > uint64(img.src.size) || end < p0.offsets[0] {
		return fmt.Errorf("%d contiguous images need %d bytes, the file has %d", n, end, img.src.size)
	}
	for k := 1; k < n; k++ {
		q := *p0
		q.index = k
		q.offsets = make([]uint64, len(p0.offsets))
		for i, o := range p0.offsets {
			q.offsets[i] = o + uint64(k)*planeBytes
		}
		img.pages = append(img.pages, &q)
	}
	return nil
}

// mapOME maps pages through the OME-XML Pixels element and its TiffData.
func (img *tiffImage) mapOME(desc string) error {
	img.meta.Format = "ome-tiff"
	ome, err := parseOME(desc)
	if err != nil {
		return err
	}
	px := ome.Pixels
	p0 := img.pages[0]
	if px.SizeX != p0.width || px.SizeY != p0.height {
		return fmt.Errorf("OME-XML size %dx%d does not match page 0 (%dx%d)", px.SizeX, px.SizeY, p0.width, p0.height)
	}
	if px.SizeC%p0.spp != 0 {
		return fmt.Errorf("OME-XML SizeC=%d is not a multiple of the %d samples per pixel", px.SizeC, p0.spp)
	}
	cPlanes := px.SizeC / p0.spp
	if p0.spp > 1 && px.SizeC == p0.spp {
		cPlanes = 1
	}
	n, ok := boundedProduct(len(img.pages), px.SizeZ, cPlanes, px.SizeT)
	if !ok {
		return fmt.Errorf("OME-XML describes SizeZ=%d × SizeC=%d × SizeT=%d planes, more than the file's %d pages (multi-file OME-TIFF is not supported)",
			px.SizeZ, px.SizeC, px.SizeT, len(img.pages))
	}
	order := px.DimensionOrder[2:] // fastest first
	axis := func(d byte) int { return strings.IndexByte("ZCT", d) }
	sizes := [3]int{px.SizeZ, cPlanes, px.SizeT}
	ourIndex := func(ome int) int {
		var idx [3]int // Z, C, T
		for i := 0; i < 3; i++ {
			a := axis(order[i])
			idx[a] = ome % sizes[a]
			ome /= sizes[a]
		}
		return (idx[2]*cPlanes+idx[1])*px.SizeZ + idx[0]
	}
	omeIndex := func(z, c, t int) int {
		idx := [3]int{z, c, t}
		o, mul := 0, 1
		for i := 0; i < 3; i++ {
			a := axis(order[i])
			o += idx[a] * mul
			mul *= sizes[a]
		}
		return o
	}
	img.planes = make([]int, n)
	for i := range img.planes {
		img.planes[i] = -1
	}
	tds := px.TiffData
	if len(tds) == 0 {
		tds = []omeTiffData{{}}
	}
	for _, td := range tds {
		if td.UUID != nil && td.UUID.FileName != "" && td.UUID.FileName != filepath.Base(img.src.path) {
			return fmt.Errorf("OME-XML TiffData refers to planes in %q (multi-file OME-TIFF is not supported)", td.UUID.FileName)
		}
		ifd, first := 0, 0
		if td.IFD != nil {
			ifd = *td.IFD
		}
		fz, fc, ft := deref(td.FirstZ), deref(td.FirstC), deref(td.FirstT)
		if fz < 0 || fz >= px.SizeZ || fc < 0 || fc >= cPlanes || ft < 0 || ft >= px.SizeT {
			return fmt.Errorf("OME-XML TiffData FirstZ/C/T=%d/%d/%d outside the image", fz, fc, ft)
		}
		first = omeIndex(fz, fc, ft)
		count := n - first
		if td.PlaneCount != nil {
			count = *td.PlaneCount
		} else if td.IFD != nil && len(tds) > 1 {
			count = 1
		}
		if ifd < 0 || count < 0 || first+count > n {
			return fmt.Errorf("OME-XML TiffData IFD=%d PlaneCount=%d does not fit %d planes", ifd, count, n)
		}
		for k := 0; k < count; k++ {
			if ifd+k >= len(img.pages) {
				return fmt.Errorf("OME-XML maps plane %d to IFD %d, the file has %d pages", first+k, ifd+k, len(img.pages))
			}
			img.planes[ourIndex(first+k)] = ifd + k
		}
	}
	img.cPlanes = cPlanes
	m := &img.meta
	m.Shape = [5]int{px.SizeT, cPlanes * p0.spp, px.SizeZ, 0, 0}
	if dt, ok := omeTypes[px.Type]; ok && dt != p0.dtype {
		return fmt.Errorf("OME-XML Type %q does not match the pages' %v samples", px.Type, p0.dtype)
	}
	m.PhysicalSize = PhysicalSize{
		X: px.PhysicalSizeX, XUnit: omeUnit(px.PhysicalSizeX, px.PhysicalSizeXUnit),
		Y: px.PhysicalSizeY, YUnit: omeUnit(px.PhysicalSizeY, px.PhysicalSizeYUnit),
		Z: px.PhysicalSizeZ, ZUnit: omeUnit(px.PhysicalSizeZ, px.PhysicalSizeZUnit),
	}
	named := false
	names := make([]string, len(px.Channels))
	for i, c := range px.Channels {
		names[i] = c.Name
		named = named || c.Name != ""
	}
	if named {
		m.ChannelNames = names
	}
	return nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// Meta returns the image's metadata.
func (img *tiffImage) Meta() Meta {
	m := img.meta
	m.ChannelNames = append([]string(nil), m.ChannelNames...)
	return m
}

// Close closes the file.
func (img *tiffImage) Close() error {
	if img.f == nil {
		return nil
	}
	return img.f.Close()
}

// boundedProduct multiplies positive factors; ok is false when the product
// exceeds limit (checked without overflow) or a factor is not positive.
func boundedProduct(limit int, factors ...int) (int, bool) {
	n := 1
	for _, f := range factors {
		if f <= 0 || f > limit/n {
			return n, false
		}
		n *= f
	}
	return n, true
}
