package imageio

import (
	"fmt"
	"math"
)

// TIFF tags imageio uses.
const (
	tagNewSubfileType  = 254
	tagImageWidth      = 256
	tagImageLength     = 257
	tagBitsPerSample   = 258
	tagCompression     = 259
	tagPhotometric     = 262
	tagDescription     = 270
	tagStripOffsets    = 273
	tagSamplesPerPixel = 277
	tagRowsPerStrip    = 278
	tagStripByteCounts = 279
	tagXResolution     = 282
	tagYResolution     = 283
	tagPlanarConfig    = 284
	tagResolutionUnit  = 296
	tagSoftware        = 305
	tagPredictor       = 317
	tagTileWidth       = 322
	tagTileLength      = 323
	tagTileOffsets     = 324
	tagTileByteCounts  = 325
	tagSampleFormat    = 339
)

// compressionNames names the TIFF compression schemes imageio decodes.
var compressionNames = map[int]string{
	1: "none", 5: "lzw", 8: "deflate", 32946: "deflate", 32773: "packbits", 50000: "zstd",
}

// maxRatio bounds the decoded/stored size ratio of each compression (a little
// above what the format can reach), so that a small file cannot make the reader
// allocate huge buffers.
var maxRatio = map[int]uint64{5: 1 << 12, 8: 1040, 32946: 1040, 32773: 64, 50000: 1 << 15}

// otherCompressionNames names common schemes imageio does not decode, for errors.
var otherCompressionNames = map[int]string{
	2: "CCITT RLE", 3: "CCITT G3", 4: "CCITT G4", 6: "old-style JPEG", 7: "JPEG", 34712: "JPEG 2000",
	34887: "LERC", 34925: "LZMA", 50001: "WebP", 50002: "JPEG XL", 34892: "lossy JPEG",
}

// tiffPage is one parsed IFD: geometry, pixel format and chunk (strip or tile) layout.
type tiffPage struct {
	index           int
	subfile         uint64
	width, height   int
	bps, spp        int
	dtype           DType
	compression     int
	predictor       int
	planar          int
	tiled           bool
	chunkW, chunkH  int // tile size, or (width, rows per strip) for strips
	across, down    int // chunks per row and per column of one sample plane
	offsets, counts []uint64
	xres, yres      float64
	resUnit         int
}

// chunkBytes returns the decoded size of a full chunk in bytes.
func (p *tiffPage) chunkSamples() int {
	if p.planar == 2 {
		return 1
	}
	return p.spp
}

// parsePage decodes the tags of directory d (page index i).
func (s *tiffSource) parsePage(d *ifd, i int) (*tiffPage, error) {
	p := &tiffPage{index: i, compression: 1, predictor: 1, planar: 1, spp: 1, bps: 1, resUnit: 2}
	one := func(tag uint16, dst *int, required bool) error {
		e, ok := d.entries[tag]
		if !ok {
			if required {
				return fmt.Errorf("page %d: missing required tag %d", i, tag)
			}
			return nil
		}
		v, err := s.uints(e, i)
		if err != nil {
			return err
		}
		if len(v) == 0 {
			return fmt.Errorf("page %d: tag %d is empty", i, tag)
		}
		if v[0] > 1<<31 {
			return fmt.Errorf("page %d: tag %d value %d is too large", i, tag, v[0])
		}
		*dst = int(v[0])
		return nil
	}
	if e, ok := d.entries[tagNewSubfileType]; ok {
		if v, err := s.uints(e, i); err == nil && len(v) > 0 {
			p.subfile = v[0]
		}
	}
	for _, f := range []struct {
		tag uint16
		dst *int
		req bool
	}{
		{tagImageWidth, &p.width, true}, {tagImageLength, &p.height, true}, {tagCompression, &p.compression, false},
		{tagSamplesPerPixel, &p.spp, false}, {tagPlanarConfig, &p.planar, false}, {tagPredictor, &p.predictor, false},
		{tagResolutionUnit, &p.resUnit, false},
	} {
		if err := one(f.tag, f.dst, f.req); err != nil {
			return nil, err
		}
	}
	if p.width <= 0 || p.height <= 0 || p.width > 1<<30 || p.height > 1<<30 {
		return nil, fmt.Errorf("page %d: image size %dx%d is not supported", i, p.width, p.height)
	}
	if p.spp < 1 || p.spp > 1<<12 {
		return nil, fmt.Errorf("page %d: %d samples per pixel is not supported", i, p.spp)
	}
	if p.planar != 1 && p.planar != 2 {
		return nil, fmt.Errorf("page %d: planar configuration %d is not supported", i, p.planar)
	}
	if p.planar == 2 && p.spp == 1 {
		p.planar = 1
	}
	if _, ok := compressionNames[p.compression]; !ok {
		name := otherCompressionNames[p.compression]
		if name == "" {
			name = "unknown"
		}
		return nil, fmt.Errorf("page %d: compression %d (%s) is not supported", i, p.compression, name)
	}
	// Bits per sample and sample format: one value per sample, all equal.
	bps := []uint64{1}
	if e, ok := d.entries[tagBitsPerSample]; ok {
		v, err := s.uints(e, i)
		if err != nil {
			return nil, err
		}
		bps = v
	}
	format := []uint64{1}
	if e, ok := d.entries[tagSampleFormat]; ok {
		v, err := s.uints(e, i)
		if err != nil {
			return nil, err
		}
		format = v
	}
	if len(bps) == 0 || len(format) == 0 {
		return nil, fmt.Errorf("page %d: empty BitsPerSample or SampleFormat", i)
	}
	for _, b := range bps {
		if b != bps[0] {
			return nil, fmt.Errorf("page %d: mixed bits per sample %v is not supported", i, bps)
		}
	}
	for _, f := range format {
		if f != format[0] {
			return nil, fmt.Errorf("page %d: mixed sample formats %v is not supported", i, format)
		}
	}
	p.bps = int(bps[0])
	switch {
	case format[0] == 1 || format[0] == 4: // unsigned (4 = undefined, read as unsigned)
		p.dtype = map[int]DType{8: Uint8, 16: Uint16, 32: Uint32, 64: Uint64}[p.bps]
	case format[0] == 2:
		p.dtype = map[int]DType{8: Int8, 16: Int16, 32: Int32, 64: Int64}[p.bps]
	case format[0] == 3:
		p.dtype = map[int]DType{32: Float32, 64: Float64}[p.bps]
	default:
		return nil, fmt.Errorf("page %d: sample format %d is not supported", i, format[0])
	}
	if p.dtype == Invalid {
		return nil, fmt.Errorf("page %d: %d-bit samples of format %d are not supported", i, p.bps, format[0])
	}
	switch p.predictor {
	case 1, 2:
	case 3:
		if !p.dtype.IsFloat() {
			return nil, fmt.Errorf("page %d: floating-point predictor on %v samples", i, p.dtype)
		}
	default:
		return nil, fmt.Errorf("page %d: predictor %d is not supported", i, p.predictor)
	}
	// Chunk layout.
	offTag, cntTag := uint16(tagStripOffsets), uint16(tagStripByteCounts)
	if _, ok := d.entries[tagTileWidth]; ok {
		p.tiled = true
		offTag, cntTag = tagTileOffsets, tagTileByteCounts
		if err := one(tagTileWidth, &p.chunkW, true); err != nil {
			return nil, err
		}
		if err := one(tagTileLength, &p.chunkH, true); err != nil {
			return nil, err
		}
		if p.chunkW <= 0 || p.chunkH <= 0 || p.chunkW > 1<<16 || p.chunkH > 1<<16 {
			return nil, fmt.Errorf("page %d: tile size %dx%d is not supported", i, p.chunkW, p.chunkH)
		}
	} else {
		p.chunkW, p.chunkH = p.width, p.height
		if err := one(tagRowsPerStrip, &p.chunkH, false); err != nil {
			return nil, err
		}
		if p.chunkH <= 0 || p.chunkH > p.height {
			p.chunkH = p.height
		}
	}
	p.across = (p.width + p.chunkW - 1) / p.chunkW
	p.down = (p.height + p.chunkH - 1) / p.chunkH
	if satMul(uint64(p.chunkW), uint64(p.chunkH), uint64(p.chunkSamples()), uint64(p.bps/8)) > 1<<31 {
		return nil, fmt.Errorf("page %d: one %s of %dx%dx%d samples is too large", i, p.chunkKind(), p.chunkW, p.chunkH, p.chunkSamples())
	}
	planes := 1
	if p.planar == 2 {
		planes = p.spp
	}
	if satMul(uint64(p.across), uint64(p.down), uint64(planes)) > uint64(s.size) {
		return nil, fmt.Errorf("page %d: %dx%d %ss of %dx%d pixels need more offsets than the file can hold", i, p.across, p.down, p.chunkKind(), p.chunkW, p.chunkH)
	}
	nChunks := p.across * p.down * planes
	for _, t := range []struct {
		tag uint16
		dst *[]uint64
	}{{offTag, &p.offsets}, {cntTag, &p.counts}} {
		e, ok := d.entries[t.tag]
		if !ok {
			return nil, fmt.Errorf("page %d: missing %s offsets or byte counts (tag %d)", i, p.chunkKind(), t.tag)
		}
		if e.count != uint64(nChunks) {
			return nil, fmt.Errorf("page %d: tag %d lists %d %ss, the layout needs %d", i, t.tag, e.count, p.chunkKind(), nChunks)
		}
		v, err := s.uints(e, i)
		if err != nil {
			return nil, err
		}
		*t.dst = v
	}
	// Never promise more pixels than the file could hold.
	var stored uint64
	for _, c := range p.counts {
		stored += c
	}
	decoded := satMul(uint64(p.width), uint64(p.height), uint64(p.spp), uint64(p.bps/8))
	if p.compression == 1 {
		if stored < decoded {
			return nil, fmt.Errorf("page %d: uncompressed %ss hold %d bytes, the image needs %d", i, p.chunkKind(), stored, decoded)
		}
	} else if decoded > stored*maxRatio[p.compression]+(1<<16) {
		return nil, fmt.Errorf("page %d: %dx%dx%d %v image from %d %s-compressed bytes is implausible",
			i, p.width, p.height, p.spp, p.dtype, stored, compressionNames[p.compression])
	}
	if e, ok := d.entries[tagXResolution]; ok {
		if v, err := s.floats(e, i); err == nil && len(v) > 0 {
			p.xres = v[0]
		}
	}
	if e, ok := d.entries[tagYResolution]; ok {
		if v, err := s.floats(e, i); err == nil && len(v) > 0 {
			p.yres = v[0]
		}
	}
	return p, nil
}

func (p *tiffPage) chunkKind() string {
	if p.tiled {
		return "tile"
	}
	return "strip"
}

// compatible reports why page q cannot be stacked with p, or nil.
func (p *tiffPage) compatible(q *tiffPage) error {
	if p.width != q.width || p.height != q.height || p.spp != q.spp || p.dtype != q.dtype {
		return fmt.Errorf("page %d is %dx%dx%d %v but page %d is %dx%dx%d %v; pages of one image must match",
			q.index, q.width, q.height, q.spp, q.dtype, p.index, p.width, p.height, p.spp, p.dtype)
	}
	return nil
}

// satMul multiplies, saturating at the largest uint64 instead of wrapping.
func satMul(factors ...uint64) uint64 {
	n := uint64(1)
	for _, f := range factors {
		if f != 0 && n > math.MaxUint64/f {
			return math.MaxUint64
		}
		n *= f
	}
	return n
}
