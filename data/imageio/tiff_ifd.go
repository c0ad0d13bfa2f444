package imageio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// TIFF field types and their sizes in bytes.
var tiffTypeSize = map[uint16]uint64{
	1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8,
}

// tiffSource is the open file with its byte order and flavour.
type tiffSource struct {
	r     io.ReaderAt
	path  string
	size  int64
	order binary.ByteOrder
	big   bool // BigTIFF
}

// ifdEntry is one directory entry; value holds the inline bytes.
type ifdEntry struct {
	tag, typ uint16
	count    uint64
	inline   bool
	value    [8]byte
	offset   uint64
}

// ifd is one image file directory.
type ifd struct {
	offset  uint64
	entries map[uint16]ifdEntry
	next    uint64
}

// readAt reads exactly len(buf) bytes at off, naming what was read on failure.
func (s *tiffSource) readAt(buf []byte, off uint64, what string) error {
	if off > uint64(s.size) || uint64(len(buf)) > uint64(s.size)-off {
		return fmt.Errorf("%s at offset %d (+%d bytes) lies beyond the end of the file (%d bytes)", what, off, len(buf), s.size)
	}
	n, err := s.r.ReadAt(buf, int64(off))
	if n == len(buf) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s at offset %d: %w", what, off, err)
}

// readHeader parses the TIFF/BigTIFF header and returns the first IFD offset.
func (s *tiffSource) readHeader() (uint64, error) {
	var h [16]byte
	if s.size < 8 {
		return 0, fmt.Errorf("file is too short for a TIFF header (%d bytes)", s.size)
	}
	n := 8
	if s.size >= 16 {
		n = 16
	}
	if err := s.readAt(h[:n], 0, "header"); err != nil {
		return 0, err
	}
	switch string(h[:2]) {
	case "II":
		s.order = binary.LittleEndian
	case "MM":
		s.order = binary.BigEndian
	default:
		return 0, fmt.Errorf("bad byte-order mark %q", h[:2])
	}
	switch s.order.Uint16(h[2:]) {
	case 42:
		return uint64(s.order.Uint32(h[4:])), nil
	case 43:
		if n < 16 {
			return 0, fmt.Errorf("file is too short for a BigTIFF header (%d bytes)", s.size)
		}
		if s.order.Uint16(h[4:]) != 8 || s.order.Uint16(h[6:]) != 0 {
			return 0, fmt.Errorf("BigTIFF header: unsupported offset size %d", s.order.Uint16(h[4:]))
		}
		s.big = true
		return s.order.Uint64(h[8:]), nil
	default:
		return 0, fmt.Errorf("bad TIFF version %d", s.order.Uint16(h[2:]))
	}
}

// readIFD parses the directory at off (page is its index, for messages).
func (s *tiffSource) readIFD(off uint64, page int) (*ifd, error) {
	countSize, entrySize, nextSize := uint64(2), uint64(12), uint64(4)
	if s.big {
		countSize, entrySize, nextSize = 8, 20, 8
	}
	var cb [8]byte
	if err := s.readAt(cb[:countSize], off, fmt.Sprintf("page %d: IFD", page)); err != nil {
		return nil, err
	}
	var n uint64
	if s.big {
		n = s.order.Uint64(cb[:])
	} else {
		n = uint64(s.order.Uint16(cb[:]))
	}
	if n == 0 {
		return nil, fmt.Errorf("page %d: IFD at offset %d has no entries", page, off)
	}
	if n > uint64(s.size)/entrySize {
		return nil, fmt.Errorf("page %d: IFD at offset %d claims %d entries, more than the file can hold", page, off, n)
	}
	buf := make([]byte, n*entrySize+nextSize)
	if err := s.readAt(buf, off+countSize, fmt.Sprintf("page %d: IFD with %d entries", page, n)); err != nil {
		return nil, err
	}
	d := &ifd{offset: off, entries: make(map[uint16]ifdEntry, n)}
	inlineSize := uint64(4)
	if s.big {
		inlineSize = 8
	}
	for i := uint64(0); i < n; i++ {
		b := buf[i*entrySize : (i+1)*entrySize]
		e := ifdEntry{tag: s.order.Uint16(b), typ: s.order.Uint16(b[2:])}
		var val []byte
		if s.big {
			e.count = s.order.Uint64(b[4:])
			val = b[12:20]
		} else {
			e.count = uint64(s.order.Uint32(b[4:]))
			val = b[8:12]
		}
		size, ok := tiffTypeSize[e.typ]
		if !ok {
			continue // unknown field types are skipped, as the TIFF spec asks
		}
		if e.count > uint64(s.size) || e.count*size > uint64(s.size)+inlineSize {
			return nil, fmt.Errorf("page %d: tag %d has %d values, more than the file can hold", page, e.tag, e.count)
		}
		if e.count*size <= inlineSize {
			e.inline = true
			copy(e.value[:], val)
		} else if s.big {
			e.offset = s.order.Uint64(val)
		} else {
			e.offset = uint64(s.order.Uint32(val))
		}
		d.entries[e.tag] = e
	}
	nb := buf[n*entrySize:]
	if s.big {
		d.next = s.order.Uint64(nb)
	} else {
		d.next = uint64(s.order.Uint32(nb))
	}
	return d, nil
}

// raw returns the bytes of an entry's values.
func (s *tiffSource) raw(e ifdEntry, page int) ([]byte, error) {
	size := tiffTypeSize[e.typ] * e.count
	if e.inline {
		return e.value[:size], nil
	}
	buf := make([]byte, size)
	if err := s.readAt(buf, e.offset, fmt.Sprintf("page %d: tag %d values", page, e.tag)); err != nil {
		return nil, err
	}
	return buf, nil
}

// uints returns an entry's values as unsigned integers.
func (s *tiffSource) uints(e ifdEntry, page int) ([]uint64, error) {
	b, err := s.raw(e, page)
	if err != nil {
		return nil, err
	}
	out := make([]uint64, e.count)
	switch e.typ {
	case 1, 6, 7:
		for i := range out {
			out[i] = uint64(b[i])
		}
	case 3, 8:
		for i := range out {
			out[i] = uint64(s.order.Uint16(b[2*i:]))
		}
	case 4, 9, 13:
		for i := range out {
			out[i] = uint64(s.order.Uint32(b[4*i:]))
		}
	case 16, 17, 18:
		for i := range out {
			out[i] = s.order.Uint64(b[8*i:])
		}
	default:
		return nil, fmt.Errorf("page %d: tag %d has type %d, want an integer type", page, e.tag, e.typ)
	}
	return out, nil
}

// floats returns an entry's values as float64 (rationals divided out).
func (s *tiffSource) floats(e ifdEntry, page int) ([]float64, error) {
	switch e.typ {
	case 5, 10, 11, 12:
	default:
		u, err := s.uints(e, page)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(u))
		for i, v := range u {
			out[i] = float64(v)
		}
		return out, nil
	}
	b, err := s.raw(e, page)
	if err != nil {
		return nil, err
	}
	out := make([]float64, e.count)
	for i := range out {
		switch e.typ {
		case 5:
			num, den := s.order.Uint32(b[8*i:]), s.order.Uint32(b[8*i+4:])
			if den != 0 {
				out[i] = float64(num) / float64(den)
			}
		case 10:
			num, den := int32(s.order.Uint32(b[8*i:])), int32(s.order.Uint32(b[8*i+4:]))
			if den != 0 {
				out[i] = float64(num) / float64(den)
			}
		case 11:
			out[i] = float64(math.Float32frombits(s.order.Uint32(b[4*i:])))
		case 12:
			out[i] = math.Float64frombits(s.order.Uint64(b[8*i:]))
		}
	}
	return out, nil
}

// str returns an ASCII entry as a string, cut at the first NUL.
func (s *tiffSource) str(e ifdEntry, page int) (string, error) {
	b, err := s.raw(e, page)
	if err != nil {
		return "", err
	}
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	return string(b), nil
}
