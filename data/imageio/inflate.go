package imageio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"sync"
)

// A whole-buffer DEFLATE (RFC 1951) decoder: TIFF strips and tiles decode to a
// size known in advance, so the output buffer is the history window and
// matches copy straight inside it. Huffman codes are decoded with two-level
// tables (an entry gives symbol and code length, or points to a subtable).

const (
	litPrimaryBits  = 10
	distPrimaryBits = 8
	linkFlag        = 1 << 15
)

var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clOrder     = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

var errTruncated = errors.New("data is cut off")

// huffTable is a two-level decoding table. Leaf entries hold sym<<16 | length;
// link entries hold start<<16 | linkFlag | subtable bits. A zero entry is an
// unused code.
type huffTable struct {
	t    []uint32
	bits uint
}

// build makes the table for the code lengths of symbols 0..len(lengths)-1.
func (h *huffTable) build(lengths []uint8, primary uint) error {
	var count [16]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left := 1
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return errors.New("over-subscribed Huffman code")
		}
	}
	var next [16]uint32
	code := uint32(0)
	for l := 1; l <= 15; l++ {
		code = (code + uint32(count[l-1])) << 1
		next[l] = code
	}
	h.bits = primary
	size := 1 << primary
	if cap(h.t) < size {
		h.t = make([]uint32, size, size*2)
	}
	h.t = h.t[:size]
	clear(h.t)
	// Longest code per primary prefix, to size the subtables.
	var maxLen [1 << litPrimaryBits]uint8
	codes := next
	for _, l := range lengths {
		if uint(l) > primary {
			c := reverseBits(codes[l], uint(l))
			codes[l]++
			p := c & uint32(size-1)
			maxLen[p] = max(maxLen[p], l)
		} else if l > 0 {
			codes[l]++
		}
	}
	for p := 0; p < size; p++ {
		if maxLen[p] > 0 {
			sub := uint(maxLen[p]) - primary
			h.t[p] = uint32(len(h.t))<<16 | linkFlag | uint32(sub)
			h.t = append(h.t, make([]uint32, 1<<sub)...)
		}
	}
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		c := reverseBits(next[l], uint(l))
		next[l]++
		leaf := uint32(sym)<<16 | uint32(l)
		if uint(l) <= primary {
			for i := c; i < uint32(size); i += 1 << l {
				h.t[i] = leaf
			}
			continue
		}
		link := h.t[c&uint32(size-1)]
		start, sub := link>>16, uint(link&0xff)
		for i := c >> primary; i < 1<<sub; i += 1 << (uint(l) - primary) {
			h.t[start+i] = leaf
		}
	}
	return nil
}

func reverseBits(c uint32, n uint) uint32 {
	r := uint32(0)
	for i := uint(0); i < n; i++ {
		r = r<<1 | c&1
		c >>= 1
	}
	return r
}

var (
	fixedOnce       sync.Once
	fixedLit, fixed huffTable
)

func fixedTables() (*huffTable, *huffTable) {
	fixedOnce.Do(func() {
		var l [288]uint8
		for i := range l {
			switch {
			case i < 144:
				l[i] = 8
			case i < 256:
				l[i] = 9
			case i < 280:
				l[i] = 7
			default:
				l[i] = 8
			}
		}
		fixedLit.build(l[:], litPrimaryBits)
		var d [30]uint8
		for i := range d {
			d[i] = 5
		}
		fixed.build(d[:], distPrimaryBits)
	})
	return &fixedLit, &fixed
}

// inflater holds the bit reader and reusable tables.
type inflater struct {
	in      []byte
	pos     int    // next input byte
	pad     int    // zero bytes read past the end of in
	bitbuf  uint64 // unread bits, least significant first
	nbits   uint
	lit, di huffTable
	cl      huffTable
	lens    [320]uint8
}

func (f *inflater) refill() {
	if f.pos+8 <= len(f.in) {
		f.bitbuf |= binary.LittleEndian.Uint64(f.in[f.pos:]) << f.nbits
		f.pos += int((63 - f.nbits) >> 3)
		f.nbits |= 56
		return
	}
	for f.nbits <= 56 {
		if f.pos < len(f.in) {
			f.bitbuf |= uint64(f.in[f.pos]) << f.nbits
			f.pos++
		} else {
			f.pad++
		}
		f.nbits += 8
	}
}

// overrun reports whether more bits were consumed than the input holds.
func (f *inflater) overrun() bool { return f.pad*8 > int(f.nbits) }

func (f *inflater) bits(n uint) uint32 {
	if f.nbits < n {
		f.refill()
	}
	v := uint32(f.bitbuf & (1<<n - 1))
	f.bitbuf >>= n
	f.nbits -= n
	return v
}

// sym decodes one symbol; the caller guarantees at least 15 bits are buffered.
func (f *inflater) sym(h *huffTable) (uint32, error) {
	e := h.t[f.bitbuf&(1<<h.bits-1)]
	if e&linkFlag != 0 {
		e = h.t[e>>16+uint32(f.bitbuf>>h.bits)&(1<<(e&0xff)-1)]
	}
	n := uint(e & 0xff)
	if n == 0 {
		return 0, errors.New("invalid Huffman code")
	}
	f.bitbuf >>= n
	f.nbits -= n
	return e >> 16, nil
}

// inflate decodes the raw DEFLATE stream in into out. It stops when the final
// block ends or out is full; it returns the bytes written, whether the stream
// ended, and the number of input bytes consumed.
func (f *inflater) inflate(out, in []byte) (n int, ended bool, used int, err error) {
	f.in, f.pos, f.pad, f.bitbuf, f.nbits = in, 0, 0, 0, 0
	o := 0
	for !ended {
		if f.overrun() {
			return o, false, 0, errTruncated
		}
		final := f.bits(1) == 1
		full := false
		switch f.bits(2) {
		case 0:
			o, full, err = f.stored(out, o)
		case 1:
			lit, dist := fixedTables()
			o, full, err = f.codes(out, o, lit, dist)
		case 2:
			if err = f.dynamic(); err == nil {
				o, full, err = f.codes(out, o, &f.lit, &f.di)
			}
		default:
			err = errors.New("invalid block type 3")
		}
		if err != nil {
			return o, false, 0, err
		}
		if full { // the stream holds more data than out: stop here
			return o, false, 0, nil
		}
		ended = final
	}
	if f.overrun() {
		return o, false, 0, errTruncated
	}
	return o, ended, f.pos - (int(f.nbits/8) - f.pad), nil
}

// stored copies a stored block; full reports that out filled up before its end.
func (f *inflater) stored(out []byte, o int) (int, bool, error) {
	// Give back whole unread bytes, then read LEN and NLEN byte-aligned.
	f.nbits -= f.nbits % 8
	back := int(f.nbits / 8)
	pos := f.pos - (back - f.pad)
	if pos < 0 || pos+4 > len(f.in) {
		return o, false, errTruncated
	}
	f.bitbuf, f.nbits, f.pad = 0, 0, 0
	ln := int(binary.LittleEndian.Uint16(f.in[pos:]))
	if ^uint16(ln) != binary.LittleEndian.Uint16(f.in[pos+2:]) {
		return o, false, errors.New("stored block length check fails")
	}
	pos += 4
	if pos+ln > len(f.in) {
		return o, false, errTruncated
	}
	n := copy(out[o:], f.in[pos:pos+ln])
	f.pos = pos + n
	return o + n, n < ln, nil
}

// dynamic reads the code lengths of a dynamic block and builds its tables.
func (f *inflater) dynamic() error {
	nlit := int(f.bits(5)) + 257
	ndist := int(f.bits(5)) + 1
	ncl := int(f.bits(4)) + 4
	if nlit > 286 || ndist > 30 {
		return fmt.Errorf("%d literal/length or %d distance codes", nlit, ndist)
	}
	var cl [19]uint8
	for i := 0; i < ncl; i++ {
		cl[clOrder[i]] = uint8(f.bits(3))
	}
	if err := f.cl.build(cl[:], 7); err != nil {
		return err
	}
	lens := f.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		if f.nbits < 15 {
			f.refill()
		}
		s, err := f.sym(&f.cl)
		if err != nil {
			return err
		}
		if f.overrun() {
			return errTruncated
		}
		var rep int
		var val uint8
		switch {
		case s < 16:
			lens[i] = uint8(s)
			i++
			continue
		case s == 16:
			if i == 0 {
				return errors.New("repeated code length without a previous one")
			}
			val, rep = lens[i-1], 3+int(f.bits(2))
		case s == 17:
			rep = 3 + int(f.bits(3))
		default:
			rep = 11 + int(f.bits(7))
		}
		if i+rep > len(lens) {
			return errors.New("code lengths overflow")
		}
		for k := 0; k < rep; k++ {
			lens[i+k] = val
		}
		i += rep
	}
	if lens[256] == 0 {
		return errors.New("no end-of-block code")
	}
	if err := f.lit.build(lens[:nlit], litPrimaryBits); err != nil {
		return err
	}
	return f.di.build(lens[nlit:], distPrimaryBits)
}

// codes decodes a Huffman-coded block into out from o; full reports that out
// filled up before the end of the block. The bit buffer lives in locals here
// (this is the hot loop) and is written back before every return.
func (f *inflater) codes(out []byte, o int, lit, dist *huffTable) (int, bool, error) {
	bitbuf, nbits, pos, in := f.bitbuf, f.nbits, f.pos, f.in
	lt, lbits := lit.t, lit.bits
	lmask := uint64(1)<<lbits - 1
	dt, dbits := dist.t, dist.bits
	dmask := uint64(1)<<dbits - 1
	save := func() { f.bitbuf, f.nbits, f.pos = bitbuf, nbits, pos }
	for {
		if nbits < 48 {
			if pos+8 <= len(in) {
				bitbuf |= binary.LittleEndian.Uint64(in[pos:]) << nbits
				pos += int((63 - nbits) >> 3)
				nbits |= 56
			} else {
				save()
				f.refill()
				bitbuf, nbits, pos = f.bitbuf, f.nbits, f.pos
				if f.overrun() {
					return o, false, errTruncated
				}
			}
		}
		e := lt[bitbuf&lmask]
		if e&linkFlag != 0 {
			e = lt[e>>16+uint32(bitbuf>>lbits)&(1<<(e&0xff)-1)]
		}
		n := uint(e & 0xff)
		if n == 0 {
			save()
			return o, false, errors.New("invalid Huffman code")
		}
		bitbuf >>= n
		nbits -= n
		s := e >> 16
		if s < 256 {
			if o >= len(out) {
				save()
				return o, true, nil
			}
			out[o] = byte(s)
			o++
			continue
		}
		if s == 256 {
			save()
			return o, false, nil
		}
		s -= 257
		if s >= 29 {
			save()
			return o, false, fmt.Errorf("invalid length symbol %d", s+257)
		}
		length := int(lengthBase[s])
		if x := uint(lengthExtra[s]); x > 0 {
			length += int(bitbuf & (1<<x - 1))
			bitbuf >>= x
			nbits -= x
		}
		e = dt[bitbuf&dmask]
		if e&linkFlag != 0 {
			e = dt[e>>16+uint32(bitbuf>>dbits)&(1<<(e&0xff)-1)]
		}
		n = uint(e & 0xff)
		if n == 0 {
			save()
			return o, false, errors.New("invalid Huffman code")
		}
		bitbuf >>= n
		nbits -= n
		ds := e >> 16
		if ds >= 30 {
			save()
			return o, false, fmt.Errorf("invalid distance symbol %d", ds)
		}
		d := int(distBase[ds])
		if x := uint(distExtra[ds]); x > 0 {
			d += int(bitbuf & (1<<x - 1))
			bitbuf >>= x
			nbits -= x
		}
		if d > o {
			save()
			return o, false, fmt.Errorf("distance %d reaches before the start", d)
		}
		full := length > len(out)-o
		if full {
			length = len(out) - o
		}
		src := o - d
		switch {
		case length <= 16 || d < length:
			dst := out[o : o+length]
			from := out[src : src+length]
			for k := range dst {
				dst[k] = from[k]
			}
		default:
			copy(out[o:o+length], out[src:src+length])
		}
		o += length
		if full {
			save()
			return o, true, nil
		}
	}
}

// inflateZlib decodes a zlib stream (RFC 1950) into out, which it must fill.
// The Adler-32 checksum is verified when the stream ends where out is full.
func (f *inflater) inflateZlib(out, in []byte) error {
	if len(in) < 2 {
		return errTruncated
	}
	if in[0]&0x0f != 8 || (uint16(in[0])<<8|uint16(in[1]))%31 != 0 {
		return fmt.Errorf("bad zlib header %#02x %#02x", in[0], in[1])
	}
	if in[1]&0x20 != 0 {
		return errors.New("zlib preset dictionaries are not supported")
	}
	n, ended, used, err := f.inflate(out, in[2:])
	if err != nil {
		return err
	}
	if n < len(out) {
		return fmt.Errorf("data ends after %d of %d bytes", n, len(out))
	}
	if ended && used+6 <= len(in) {
		if want := binary.BigEndian.Uint32(in[2+used:]); adler32.Checksum(out) != want {
			return errors.New("zlib checksum mismatch")
		}
	}
	return nil
}
