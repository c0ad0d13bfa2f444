package imageio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// npyHeader is the parsed header of an NPY file.
type npyHeader struct {
	dtype   DType // dtype of the decoded array
	kind    byte  // 'u', 'i', 'f', 'b'
	size    int   // bytes per stored element
	big     bool
	fortran bool
	shape   []int
	dataOff int64
}

// npyDims names the axes of an n-d NPY array (n = 1..5), innermost last.
var npyDims = map[int]string{1: "X", 2: "YX", 3: "ZYX", 4: "CZYX", 5: "TCZYX"}

// parseNPYHeader reads and checks the header of an NPY stream of the given size.
func parseNPYHeader(r io.Reader, size int64) (*npyHeader, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, fmt.Errorf("NPY preamble: %w", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("not an NPY file (bad magic)")
	}
	major := pre[6]
	var hlen, pos int64
	switch major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, fmt.Errorf("NPY header length: %w", err)
		}
		hlen, pos = int64(binary.LittleEndian.Uint16(pre[8:])), 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("NPY header length: %w", err)
		}
		hlen, pos = int64(binary.LittleEndian.Uint32(b[:])), 12
	default:
		return nil, fmt.Errorf("NPY format version %d.%d is not supported", major, pre[7])
	}
	if hlen > size-pos || hlen > 1<<20 {
		return nil, fmt.Errorf("NPY header length %d exceeds the file", hlen)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("NPY header: %w", err)
	}
	h, err := parseNPYDict(string(hb))
	if err != nil {
		return nil, err
	}
	h.dataOff = pos + hlen
	n, err := shapeLen(h.shape)
	if err != nil {
		return nil, fmt.Errorf("NPY shape %v: %w", h.shape, err)
	}
	if need := uint64(n) * uint64(h.size); need > uint64(size-h.dataOff) {
		return nil, fmt.Errorf("NPY shape %v of %d-byte elements needs %d bytes of data, the file holds %d", h.shape, h.size, need, size-h.dataOff)
	}
	return h, nil
}

// parseNPYDict parses the Python dict literal of an NPY header.
func parseNPYDict(s string) (*npyHeader, error) {
	h := &npyHeader{}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("NPY header %q is not a dict", s)
	}
	field := func(key string) (string, error) {
		i := strings.Index(s, "'"+key+"'")
		if i < 0 {
			return "", fmt.Errorf("NPY header %q has no %q", s, key)
		}
		rest := strings.TrimSpace(s[i+len(key)+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", fmt.Errorf("NPY header: no ':' after %q", key)
		}
		return strings.TrimSpace(rest[1:]), nil
	}
	d, err := field("descr")
	if err != nil {
		return nil, err
	}
	if len(d) < 2 || (d[0] != '\'' && d[0] != '"') {
		return nil, fmt.Errorf("NPY descr %q is not a simple dtype string (structured dtypes are not supported)", trunc(d))
	}
	end := strings.IndexByte(d[1:], d[0])
	if end < 0 {
		return nil, fmt.Errorf("NPY descr %q is not terminated", trunc(d))
	}
	if err := h.setDescr(d[1 : 1+end]); err != nil {
		return nil, err
	}
	fo, err := field("fortran_order")
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(fo, "True"):
		h.fortran = true
	case strings.HasPrefix(fo, "False"):
	default:
		return nil, fmt.Errorf("NPY fortran_order %q is not True or False", trunc(fo))
	}
	sh, err := field("shape")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(sh, "(") || strings.IndexByte(sh, ')') < 0 {
		return nil, fmt.Errorf("NPY shape %q is not a tuple", trunc(sh))
	}
	for _, part := range strings.Split(sh[1:strings.IndexByte(sh, ')')], ",") {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "L"))
		if part == "" {
			continue
		}
		v, err := strconv.Atoi(part)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("NPY shape entry %q is not a non-negative integer", trunc(part))
		}
		h.shape = append(h.shape, v)
	}
	return h, nil
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// setDescr decodes a numpy dtype string such as "<u2" or "|b1".
func (h *npyHeader) setDescr(d string) error {
	if len(d) < 3 {
		return fmt.Errorf("NPY descr %q is not supported", d)
	}
	switch d[0] {
	case '<', '|', '=':
	case '>':
		h.big = true
	default:
		return fmt.Errorf("NPY descr %q has an unknown byte order", d)
	}
	size, err := strconv.Atoi(d[2:])
	if err != nil {
		return fmt.Errorf("NPY descr %q is not supported", d)
	}
	h.kind, h.size = d[1], size
	switch {
	case h.kind == 'u' && size == 1, h.kind == 'b' && size == 1:
		h.dtype = Uint8
	case h.kind == 'u' && size == 2:
		h.dtype = Uint16
	case h.kind == 'u' && size == 4:
		h.dtype = Uint32
	case h.kind == 'u' && size == 8:
		h.dtype = Uint64
	case h.kind == 'i' && size == 1:
		h.dtype = Int8
	case h.kind == 'i' && size == 2:
		h.dtype = Int16
	case h.kind == 'i' && size == 4:
		h.dtype = Int32
	case h.kind == 'i' && size == 8:
		h.dtype = Int64
	case h.kind == 'f' && (size == 2 || size == 4):
		h.dtype = Float32 // float16 is widened to float32
	case h.kind == 'f' && size == 8:
		h.dtype = Float64
	default:
		return fmt.Errorf("NPY dtype %q is not supported (want bool, (u)int8-64, float16/32/64)", d)
	}
	return nil
}

// decodeNPYData converts raw element bytes into a typed slice.
func (h *npyHeader) decodeData(b []byte, n int) any {
	var order binary.ByteOrder = binary.LittleEndian
	if h.big {
		order = binary.BigEndian
	}
	switch h.dtype {
	case Uint8:
		out := make([]uint8, n) // never nil, like every other dtype (an empty array round-trips)
		copy(out, b)
		return out
	case Int8:
		out := make([]int8, n)
		for i := range out {
			out[i] = int8(b[i])
		}
		return out
	case Uint16, Int16:
		u := make([]uint16, n)
		for i := range u {
			u[i] = order.Uint16(b[2*i:])
		}
		if h.dtype == Int16 {
			return convert[uint16, int16](u)
		}
		return u
	case Uint32, Int32:
		u := make([]uint32, n)
		for i := range u {
			u[i] = order.Uint32(b[4*i:])
		}
		if h.dtype == Int32 {
			return convert[uint32, int32](u)
		}
		return u
	case Uint64, Int64:
		u := make([]uint64, n)
		for i := range u {
			u[i] = order.Uint64(b[8*i:])
		}
		if h.dtype == Int64 {
			return convert[uint64, int64](u)
		}
		return u
	case Float32:
		out := make([]float32, n)
		for i := range out {
			if h.size == 2 {
				out[i] = halfToFloat(order.Uint16(b[2*i:]))
			} else {
				out[i] = math.Float32frombits(order.Uint32(b[4*i:]))
			}
		}
		return out
	case Float64:
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(order.Uint64(b[8*i:]))
		}
		return out
	}
	return nil
}

// halfToFloat converts an IEEE 754 half-precision value to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		return float32(math.Ldexp(float64(frac), -24)) * float32(1-2*int(sign>>31))
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// DecodeNPY reads a whole NPY stream of the given size (C or Fortran order)
// into a C-order array; dims are named by rank (X, YX, ZYX, CZYX, TCZYX).
func DecodeNPY(r io.Reader, size int64) (*Array, error) {
	h, err := parseNPYHeader(r, size)
	if err != nil {
		return nil, err
	}
	return h.readData(r)
}

func (h *npyHeader) readData(r io.Reader) (*Array, error) {
	dims, ok := npyDims[len(h.shape)]
	if !ok {
		return nil, fmt.Errorf("NPY array of rank %d is not supported (want 1 to 5 axes)", len(h.shape))
	}
	n, _ := shapeLen(h.shape)
	b := make([]byte, n*h.size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("NPY data: %w", err)
	}
	data := h.decodeData(b, n)
	if !h.fortran {
		return &Array{DType: h.dtype, Dims: dims, Shape: append([]int(nil), h.shape...), Data: data}, nil
	}
	// Fortran order: the data is the C-order array of the reversed shape.
	rev := make([]int, len(h.shape))
	revDims := make([]byte, len(dims))
	for i := range h.shape {
		rev[i] = h.shape[len(h.shape)-1-i]
		revDims[i] = dims[len(dims)-1-i]
	}
	a := &Array{DType: h.dtype, Dims: string(revDims), Shape: rev, Data: data}
	return a.Transpose(dims)
}

// npyImage is an opened NPY file.
type npyImage struct {
	f    *os.File
	h    *npyHeader
	meta Meta
}

func openNPY(f *os.File, path string) (Image, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	h, err := parseNPYHeader(bufio.NewReader(f), st.Size())
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", path, err)
	}
	dims, ok := npyDims[len(h.shape)]
	if !ok {
		return nil, fmt.Errorf("imageio: %s: NPY array of rank %d is not supported (want 1 to 5 axes)", path, len(h.shape))
	}
	m := Meta{Path: path, Format: "npy", Dims: "TCZYX", DType: h.dtype, Shape: [5]int{1, 1, 1, 1, 1}}
	for i := range dims {
		m.Shape[strings.IndexByte("TCZYX", dims[i])] = h.shape[i]
	}
	return &npyImage{f: f, h: h, meta: m}, nil
}

func (img *npyImage) Meta() Meta   { return img.meta }
func (img *npyImage) Close() error { return img.f.Close() }

// Read returns the selection. A C-order file is read only over the span of
// elements the selection covers (one plane of a stack reads one plane); a
// Fortran-order file is read whole.
func (img *npyImage) Read(sel Selection) (*Array, error) {
	r, err := sel.resolve(img.meta.Shape)
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	h := img.h
	if h.fortran {
		a, err := h.readData(bufio.NewReader(io.NewSectionReader(img.f, h.dataOff, 1<<62)))
		if err != nil {
			return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
		}
		full := &Array{DType: a.DType, Dims: "TCZYX", Shape: img.meta.Shape[:], Data: a.Data}
		return subArray(full, 0, r), nil
	}
	st := strides(img.meta.Shape[:])
	first, last := 0, 0
	for k := 0; k < 5; k++ {
		first += r.start[k] * st[k]
		last += (r.stop[k] - 1) * st[k]
	}
	n := last - first + 1
	b := make([]byte, n*h.size)
	if _, err := img.f.ReadAt(b, h.dataOff+int64(first*h.size)); err != nil {
		return nil, fmt.Errorf("imageio: %s: NPY data: %w", img.meta.Path, err)
	}
	part := &Array{DType: h.dtype, Dims: "TCZYX", Shape: img.meta.Shape[:], Data: h.decodeData(b, n)}
	return subArray(part, first, r), nil
}
