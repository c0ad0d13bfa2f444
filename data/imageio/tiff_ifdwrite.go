package imageio

import (
	"bufio"
	"encoding/binary"
	"sort"
)

// tiffTag is one IFD entry to write.
type tiffTag struct {
	tag   uint16
	typ   uint16
	count uint64
	data  []byte // little-endian values
}

// pageLayout is what the writer knows about one page.
type pageLayout struct {
	offsets, counts []uint64
	tags            []tiffTag
}

// tiffWriter writes a little-endian TIFF or BigTIFF sequentially.
type tiffWriter struct {
	w        *bufio.Writer
	big      bool
	pos      uint64
	firstIFD uint64
	err      error
}

func (w *tiffWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	_, w.err = w.w.Write(b)
	w.pos += uint64(len(b))
}

// writeHeader writes the header with a zero first-IFD offset (patched later).
func (w *tiffWriter) writeHeader() {
	if w.big {
		w.write([]byte{'I', 'I', 43, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	} else {
		w.write([]byte{'I', 'I', 42, 0, 0, 0, 0, 0})
	}
}

func (w *tiffWriter) short(tag uint16, v uint16) tiffTag {
	return tiffTag{tag: tag, typ: 3, count: 1, data: binary.LittleEndian.AppendUint16(nil, v)}
}

func (w *tiffWriter) long(tag uint16, v uint64) tiffTag {
	return tiffTag{tag: tag, typ: 4, count: 1, data: binary.LittleEndian.AppendUint32(nil, uint32(v))}
}

// offsets encodes offsets or byte counts as LONG (classic) or LONG8 (BigTIFF).
func (w *tiffWriter) offsets(tag uint16, v []uint64) tiffTag {
	t := tiffTag{tag: tag, count: uint64(len(v))}
	if w.big {
		t.typ = 16
		for _, x := range v {
			t.data = binary.LittleEndian.AppendUint64(t.data, x)
		}
	} else {
		t.typ = 4
		for _, x := range v {
			t.data = binary.LittleEndian.AppendUint32(t.data, uint32(x))
		}
	}
	return t
}

// writeIFDs writes the chained IFDs of all pages, each followed by its
// out-of-line values.
func (w *tiffWriter) writeIFDs(pages []pageLayout) {
	countSize, entrySize, nextSize, inline := uint64(2), uint64(12), uint64(4), uint64(4)
	if w.big {
		countSize, entrySize, nextSize, inline = 8, 20, 8, 8
	}
	le := binary.LittleEndian
	for i := range pages {
		if w.pos%2 == 1 {
			w.write([]byte{0})
		}
		if i == 0 {
			w.firstIFD = w.pos
		}
		tags := pages[i].tags
		sort.Slice(tags, func(a, b int) bool { return tags[a].tag < tags[b].tag })
		start := w.pos
		extra := start + countSize + uint64(len(tags))*entrySize + nextSize
		var ifd, values []byte
		if w.big {
			ifd = le.AppendUint64(ifd, uint64(len(tags)))
		} else {
			ifd = le.AppendUint16(ifd, uint16(len(tags)))
		}
		for _, t := range tags {
			ifd = le.AppendUint16(ifd, t.tag)
			ifd = le.AppendUint16(ifd, t.typ)
			if w.big {
				ifd = le.AppendUint64(ifd, t.count)
			} else {
				ifd = le.AppendUint32(ifd, uint32(t.count))
			}
			var field [8]byte
			if uint64(len(t.data)) <= inline {
				copy(field[:], t.data)
			} else {
				off := extra + uint64(len(values))
				if w.big {
					le.PutUint64(field[:], off)
				} else {
					le.PutUint32(field[:], uint32(off))
				}
				values = append(values, t.data...)
				if len(values)%2 == 1 {
					values = append(values, 0)
				}
			}
			ifd = append(ifd, field[:inline]...)
		}
		next := uint64(0)
		if i+1 < len(pages) {
			next = extra + uint64(len(values))
		}
		if w.big {
			ifd = le.AppendUint64(ifd, next)
		} else {
			ifd = le.AppendUint32(ifd, uint32(next))
		}
		w.write(ifd)
		w.write(values)
	}
}
