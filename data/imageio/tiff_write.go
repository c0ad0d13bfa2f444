package imageio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// WriteMeta is the metadata written with an image.
type WriteMeta struct {
	PhysicalSize PhysicalSize // voxel size; 0 = unknown; units default to µm
	ChannelNames []string     // one per channel (may be shorter)
	Name         string       // image name
}

// WriteOptions controls how a TIFF is written.
type WriteOptions struct {
	Compression  string // "deflate" (default), "zstd" or "none"
	Level        int    // compression level (deflate 1-9, zstd 1-4); 0 = default
	Predictor    bool   // horizontal differencing (predictor 2) for integer data
	BigTIFF      bool   // force BigTIFF; otherwise chosen when the file could pass 4 GiB
	RowsPerStrip int    // 0 = about 256 KiB per strip
}

// bigTIFFThreshold is the data size from which BigTIFF is chosen automatically
// (a variable only so that tests can lower it).
var bigTIFFThreshold = 1<<32 - 1<<26

// WriteOMETIFF writes a as a multi-page OME-TIFF: one page per (T, C, Z) plane in
// XYZCT order, OME-XML with sizes, physical sizes and channel names in the first
// page's description. a.Dims may be any distinct letters of TCZYX (missing axes
// have size 1).
func WriteOMETIFF(path string, a *Array, meta WriteMeta, opts WriteOptions) error {
	if err := writeOMETIFF(path, a, meta, opts); err != nil {
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	return nil
}

func writeOMETIFF(path string, a *Array, meta WriteMeta, opts WriteOptions) error {
	if err := a.Check(); err != nil {
		return err
	}
	if _, ok := omeTypeNames[a.DType]; !ok {
		return fmt.Errorf("OME-TIFF cannot hold %v data", a.DType)
	}
	canon, shape, err := canonical(a)
	if err != nil {
		return err
	}
	comp := map[string]int{"": 8, "deflate": 8, "zlib": 8, "zstd": 50000, "none": 1}[strings.ToLower(opts.Compression)]
	if comp == 0 {
		return fmt.Errorf("compression %q is not supported (want deflate, zstd or none)", opts.Compression)
	}
	if shape[3] == 0 || shape[4] == 0 || shape[0]*shape[1]*shape[2] == 0 {
		return fmt.Errorf("empty image of shape %v", a.Shape)
	}
	raw := leBytes(canon.Data)
	elem := a.DType.Size()
	planeBytes := shape[3] * shape[4] * elem
	rowBytes := shape[4] * elem
	rps := opts.RowsPerStrip
	if rps <= 0 {
		rps = max(1, (256<<10)/rowBytes)
	}
	rps = min(rps, shape[3])
	big := opts.BigTIFF || len(raw) >= bigTIFFThreshold
	w := &tiffWriter{big: big}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w.w = bufio.NewWriterSize(f, 1<<20)
	w.writeHeader()
	predictor := 1
	if opts.Predictor && comp != 1 && !a.DType.IsFloat() {
		predictor = 2
	}
	enc, err := newStripEncoder(comp, opts.Level)
	if err != nil {
		return err
	}
	nPages := shape[0] * shape[1] * shape[2]
	stripsPer := (shape[3] + rps - 1) / rps
	pages := make([]pageLayout, nPages)
	// Compress strips in parallel, a batch of pages at a time, and write them in order.
	batch := max(1, (64<<20)/planeBytes)
	for p0 := 0; p0 < nPages; p0 += batch {
		p1 := min(p0+batch, nPages)
		out := make([][]byte, (p1-p0)*stripsPer)
		errs := make([]error, len(out))
		parallelFor(len(out), func(i int) {
			pg, s := p0+i/stripsPer, i%stripsPer
			y0, y1 := s*rps, min((s+1)*rps, shape[3])
			src := raw[pg*planeBytes+y0*rowBytes : pg*planeBytes+y1*rowBytes]
			out[i], errs[i] = enc.encode(src, rowBytes, elem, predictor)
		})
		for i, e := range errs {
			if e != nil {
				return fmt.Errorf("page %d: %w", p0+i/stripsPer, e)
			}
		}
		for pg := p0; pg < p1; pg++ {
			for s := 0; s < stripsPer; s++ {
				b := out[(pg-p0)*stripsPer+s]
				pages[pg].offsets = append(pages[pg].offsets, w.pos)
				pages[pg].counts = append(pages[pg].counts, uint64(len(b)))
				w.write(b)
			}
		}
		if !big && w.pos > math.MaxUint32-1<<24 {
			return fmt.Errorf("compressed data passes 4 GiB; write with WriteOptions{BigTIFF: true}")
		}
	}
	desc := buildOME(shape, a.DType, meta)
	for i := range pages {
		pl := &pages[i]
		pl.tags = []tiffTag{
			w.long(tagImageWidth, uint64(shape[4])),
			w.long(tagImageLength, uint64(shape[3])),
			w.short(tagBitsPerSample, uint16(8*elem)),
			w.short(tagCompression, uint16(comp)),
			w.short(tagPhotometric, 1),
		}
		if i == 0 {
			pl.tags = append(pl.tags, tiffTag{tag: tagDescription, typ: 2, count: uint64(len(desc) + 1), data: append([]byte(desc), 0)})
		}
		pl.tags = append(pl.tags,
			w.offsets(tagStripOffsets, pl.offsets),
			w.short(tagSamplesPerPixel, 1),
			w.long(tagRowsPerStrip, uint64(rps)),
			w.offsets(tagStripByteCounts, pl.counts),
			w.short(tagPlanarConfig, 1),
		)
		if i == 0 {
			pl.tags = append(pl.tags, tiffTag{tag: tagSoftware, typ: 2, count: 6, data: []byte("im2im\x00")})
		}
		if predictor != 1 {
			pl.tags = append(pl.tags, w.short(tagPredictor, uint16(predictor)))
		}
		format := uint16(1)
		if a.DType.IsSigned() {
			format = 2
		} else if a.DType.IsFloat() {
			format = 3
		}
		pl.tags = append(pl.tags, w.short(tagSampleFormat, format))
	}
	w.writeIFDs(pages)
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		return err
	}
	// Patch the first IFD offset into the header.
	var b [8]byte
	if big {
		binary.LittleEndian.PutUint64(b[:], w.firstIFD)
		_, err = f.WriteAt(b[:8], 8)
	} else {
		binary.LittleEndian.PutUint32(b[:], uint32(w.firstIFD))
		_, err = f.WriteAt(b[:4], 4)
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// canonical returns a transposed to the TCZYX subsequence of its dims, and its
// TCZYX sizes.
func canonical(a *Array) (*Array, [5]int, error) {
	var order []byte
	var shape [5]int
	for k := 0; k < 5; k++ {
		shape[k] = 1
		if strings.IndexByte(a.Dims, "TCZYX"[k]) >= 0 {
			order = append(order, "TCZYX"[k])
		}
	}
	t, err := a.Transpose(string(order))
	if err != nil {
		return nil, shape, err
	}
	for i := 0; i < len(t.Dims); i++ {
		shape[strings.IndexByte("TCZYX", t.Dims[i])] = t.Shape[i]
	}
	return t, shape, nil
}

// toBytesLE returns the little-endian bytes of a typed slice.
func toBytesLE(data any) []byte {
	dt, n := dtypeOf(data)
	b := make([]byte, n*dt.Size())
	le := binary.LittleEndian
	switch s := data.(type) {
	case []uint8:
		copy(b, s)
	case []int8:
		for i, v := range s {
			b[i] = byte(v)
		}
	case []uint16:
		for i, v := range s {
			le.PutUint16(b[2*i:], v)
		}
	case []int16:
		for i, v := range s {
			le.PutUint16(b[2*i:], uint16(v))
		}
	case []uint32:
		for i, v := range s {
			le.PutUint32(b[4*i:], v)
		}
	case []int32:
		for i, v := range s {
			le.PutUint32(b[4*i:], uint32(v))
		}
	case []uint64:
		for i, v := range s {
			le.PutUint64(b[8*i:], v)
		}
	case []int64:
		for i, v := range s {
			le.PutUint64(b[8*i:], uint64(v))
		}
	case []float32:
		for i, v := range s {
			le.PutUint32(b[4*i:], math.Float32bits(v))
		}
	case []float64:
		for i, v := range s {
			le.PutUint64(b[8*i:], math.Float64bits(v))
		}
	}
	return b
}

// parallelFor runs f(0..n-1) on up to GOMAXPROCS goroutines.
func parallelFor(n int, f func(i int)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < min(runtime.GOMAXPROCS(0), n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// stripEncoder compresses strips; safe for concurrent use.
type stripEncoder struct {
	comp  int
	level int
	zstd  *zstd.Encoder
}

func newStripEncoder(comp, level int) (*stripEncoder, error) {
	e := &stripEncoder{comp: comp, level: level}
	switch comp {
	case 8:
		if level == 0 {
			e.level = 6
		}
		if e.level < 1 || e.level > 9 {
			return nil, fmt.Errorf("deflate level %d is not in 1..9", level)
		}
	case 50000:
		l := zstd.SpeedDefault
		if level != 0 {
			if level < 1 || level > 4 {
				return nil, fmt.Errorf("zstd level %d is not in 1..4", level)
			}
			l = zstd.EncoderLevel(level)
		}
		var err error
		if e.zstd, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1)); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// encode applies the predictor to a copy of src and compresses it.
func (e *stripEncoder) encode(src []byte, rowBytes, elem, predictor int) ([]byte, error) {
	if predictor == 2 {
		src = append([]byte(nil), src...)
		applyHorizontal(src, rowBytes, elem)
	}
	switch e.comp {
	case 1:
		return src, nil
	case 8:
		var b bytes.Buffer
		zw, err := zlib.NewWriterLevel(&b, e.level)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(src); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	case 50000:
		return e.zstd.EncodeAll(src, nil), nil
	}
	return nil, fmt.Errorf("compression %d cannot be written", e.comp)
}

// applyHorizontal applies predictor 2 to little-endian rows of one sample per pixel.
func applyHorizontal(b []byte, rowBytes, size int) {
	le := binary.LittleEndian
	for r := 0; r+rowBytes <= len(b); r += rowBytes {
		row := b[r : r+rowBytes]
		for i := len(row) - size; i >= size; i -= size {
			switch size {
			case 1:
				row[i] -= row[i-1]
			case 2:
				le.PutUint16(row[i:], le.Uint16(row[i:])-le.Uint16(row[i-2:]))
			case 4:
				le.PutUint32(row[i:], le.Uint32(row[i:])-le.Uint32(row[i-4:]))
			case 8:
				le.PutUint64(row[i:], le.Uint64(row[i:])-le.Uint64(row[i-8:]))
			}
		}
	}
}

// leBytes returns the little-endian bytes of a typed slice: its own memory on
// little-endian machines (not to be modified), a converted copy otherwise.
func leBytes(data any) []byte {
	if _, n := dtypeOf(data); nativeLittle && n > 0 {
		return bytesView(data, 0, n)
	}
	return toBytesLE(data)
}
