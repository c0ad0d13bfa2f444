package imageio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/image/tiff/lzw"
)

// chunkDecoder decodes strips and tiles; one per worker goroutine, reusing its
// buffers and decompressors.
type chunkDecoder struct {
	raw []byte
	buf []byte
	tmp []byte
	inf inflater
}

var (
	zstdOnce sync.Once
	zstdDec  *zstd.Decoder
	zstdErr  error
)

// zstdDecoder returns the shared zstd decoder; DecodeAll is safe for
// concurrent use and never grows the destination beyond its capacity.
func zstdDecoder() (*zstd.Decoder, error) {
	zstdOnce.Do(func() {
		zstdDec, zstdErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecodeAllCapLimit(true),
			zstd.WithDecoderMaxMemory(1<<31))
	})
	return zstdDec, zstdErr
}

// chunkRows returns the number of rows stored in chunk ci of p.
func (p *tiffPage) chunkRows(ci int) int {
	if p.tiled {
		return p.chunkH
	}
	row := (ci % (p.across * p.down)) / p.across
	return min(p.chunkH, p.height-row*p.chunkH)
}

// decode returns the decoded bytes (file byte order, predictor undone) of
// chunk ci of page p: rows [rowLo, rowLo+rows) of it, where rowLo may be > 0
// only for uncompressed chunks without predictor (compressed chunks are
// decoded whole). When dst is not nil it must have the decoded size and
// receives the bytes; otherwise they go to an internal buffer that is valid
// until the next call.
func (d *chunkDecoder) decode(s *tiffSource, p *tiffPage, ci, rowLo, rows int, dst []byte) ([]byte, error) {
	bytesPer := p.bps / 8
	rowBytes := p.chunkW * p.chunkSamples() * bytesPer
	want := rows * rowBytes
	out := dst
	if out == nil {
		if cap(d.buf) < want {
			d.buf = make([]byte, want)
		}
		out = d.buf[:want]
	}
	off, count := p.offsets[ci], p.counts[ci]
	what := func() string { return fmt.Sprintf("page %d: %s %d", p.index, p.chunkKind(), ci) }
	if count == 0 { // sparse chunk: not written, reads as zeros
		clear(out)
		return out, nil
	}
	if count > uint64(s.size) {
		return nil, fmt.Errorf("%s: byte count %d exceeds the file size %d", what(), count, s.size)
	}
	if p.compression == 1 {
		skip := uint64(rowLo) * uint64(rowBytes)
		if count < skip+uint64(want) {
			return nil, fmt.Errorf("%s: %d bytes stored, %d needed", what(), count, skip+uint64(want))
		}
		if err := s.readAt(out, off+skip, what()); err != nil {
			return nil, err
		}
		return d.unpredict(s, p, out, rowBytes, bytesPer), nil
	}
	if cap(d.raw) < int(count) {
		d.raw = make([]byte, count)
	}
	raw := d.raw[:count]
	if err := s.readAt(raw, off, "chunk"); err != nil {
		return nil, fmt.Errorf("%s: %w", what(), err)
	}
	var err error
	switch p.compression {
	case 8, 32946:
		err = d.inf.inflateZlib(out, raw)
	case 5:
		r := lzw.NewReader(bytes.NewReader(raw), lzw.MSB, 8)
		err = readFull(r, out)
		r.Close()
	case 32773:
		err = unpackBits(out, raw)
	case 50000:
		var dec *zstd.Decoder
		if dec, err = zstdDecoder(); err == nil {
			var got []byte
			got, err = dec.DecodeAll(raw, out[:0:want])
			if err == nil && len(got) != want {
				err = fmt.Errorf("data decodes to %d of %d bytes", len(got), want)
			} else if err == nil && want > 0 && &got[0] != &out[0] {
				copy(out, got)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", what(), compressionNames[p.compression], err)
	}
	return d.unpredict(s, p, out, rowBytes, bytesPer), nil
}

// unpredict undoes the page's predictor in place.
func (d *chunkDecoder) unpredict(s *tiffSource, p *tiffPage, out []byte, rowBytes, bytesPer int) []byte {
	switch p.predictor {
	case 2:
		undoHorizontal(out, rowBytes, p.chunkSamples(), bytesPer, s.order)
	case 3:
		if cap(d.tmp) < rowBytes {
			d.tmp = make([]byte, rowBytes)
		}
		undoFloatPredictor(out, d.tmp[:rowBytes], rowBytes, p.chunkSamples(), bytesPer, s.order == binary.BigEndian)
	}
	return out
}

// readFull fills buf from r; a stream that ends early is an error.
func readFull(r io.Reader, buf []byte) error {
	n, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return fmt.Errorf("data ends after %d of %d bytes", n, len(buf))
	}
	return err
}

// unpackBits decodes PackBits data into out, which it must fill exactly.
func unpackBits(out, src []byte) error {
	o := 0
	for i := 0; i < len(src) && o < len(out); {
		n := int(int8(src[i]))
		i++
		switch {
		case n >= 0:
			if i+n+1 > len(src) {
				return fmt.Errorf("literal run of %d bytes at input %d is cut off", n+1, i)
			}
			if o+n+1 > len(out) {
				return fmt.Errorf("data decodes to more than %d bytes", len(out))
			}
			copy(out[o:], src[i:i+n+1])
			o += n + 1
			i += n + 1
		case n == -128:
		default:
			if i >= len(src) {
				return fmt.Errorf("repeat run at input %d is cut off", i)
			}
			if o+1-n > len(out) {
				return fmt.Errorf("data decodes to more than %d bytes", len(out))
			}
			b := src[i]
			i++
			for k := 0; k < 1-n; k++ {
				out[o+k] = b
			}
			o += 1 - n
		}
	}
	if o < len(out) {
		return fmt.Errorf("data ends after %d of %d bytes", o, len(out))
	}
	return nil
}

// undoHorizontal reverses predictor 2 (horizontal differencing) in place.
func undoHorizontal(b []byte, rowBytes, spp, size int, order binary.ByteOrder) {
	for r := 0; r+rowBytes <= len(b); r += rowBytes {
		row := b[r : r+rowBytes]
		switch size {
		case 1:
			for i := spp; i < len(row); i++ {
				row[i] += row[i-spp]
			}
		case 2:
			st := 2 * spp
			for i := st; i+2 <= len(row); i += 2 {
				order.PutUint16(row[i:], order.Uint16(row[i:])+order.Uint16(row[i-st:]))
			}
		case 4:
			st := 4 * spp
			for i := st; i+4 <= len(row); i += 4 {
				order.PutUint32(row[i:], order.Uint32(row[i:])+order.Uint32(row[i-st:]))
			}
		case 8:
			st := 8 * spp
			for i := st; i+8 <= len(row); i += 8 {
				order.PutUint64(row[i:], order.Uint64(row[i:])+order.Uint64(row[i-st:]))
			}
		}
	}
}

// undoFloatPredictor reverses predictor 3 in place: per row, a byte-wise
// horizontal difference over byte planes stored most significant first. The
// result is written in the file's byte order.
func undoFloatPredictor(b, tmp []byte, rowBytes, spp, size int, bigEndian bool) {
	n := rowBytes / size
	for r := 0; r+rowBytes <= len(b); r += rowBytes {
		row := b[r : r+rowBytes]
		for i := spp; i < len(row); i++ {
			row[i] += row[i-spp]
		}
		copy(tmp, row)
		for j := 0; j < size; j++ {
			plane := tmp[j*n : (j+1)*n]
			pos := j
			if !bigEndian {
				pos = size - 1 - j
			}
			for k, v := range plane {
				row[k*size+pos] = v
			}
		}
	}
}
