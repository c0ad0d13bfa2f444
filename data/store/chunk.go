package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// grid describes how one array is cut into chunks: each chunk holds all channels
// of a spatial box of extent Chunk (clipped at the far edges).
type grid struct {
	shape []int // C + spatial
	chunk []int // spatial chunk extent
	count []int // chunks per spatial axis
}

func newGrid(shape, chunk []int) (grid, error) {
	sp := shape[1:]
	if len(chunk) != len(sp) {
		return grid{}, fmt.Errorf("store: chunk %v does not match shape %v", chunk, shape)
	}
	g := grid{shape: shape, chunk: chunk, count: make([]int, len(sp))}
	for i := range sp {
		if chunk[i] < 1 {
			return grid{}, fmt.Errorf("store: chunk %v has an extent below 1", chunk)
		}
		g.count[i] = max(1, (sp[i]+chunk[i]-1)/chunk[i])
	}
	return g, nil
}

// total returns the number of chunks.
func (g grid) total() int {
	n := 1
	for _, c := range g.count {
		n *= c
	}
	return n
}

// box returns the spatial start and size of chunk index idx.
func (g grid) box(idx int) (start, size []int) {
	n := len(g.count)
	start, size = make([]int, n), make([]int, n)
	for ax := n - 1; ax >= 0; ax-- {
		c := idx % g.count[ax]
		idx /= g.count[ax]
		start[ax] = c * g.chunk[ax]
		size[ax] = min(g.chunk[ax], g.shape[ax+1]-start[ax])
	}
	return start, size
}

// overlapping returns the indices of the chunks that intersect the spatial box
// [start, start+size).
func (g grid) overlapping(start, size []int) []int {
	n := len(g.count)
	lo, hi := make([]int, n), make([]int, n)
	for ax := 0; ax < n; ax++ {
		lo[ax] = start[ax] / g.chunk[ax]
		hi[ax] = (start[ax] + size[ax] - 1) / g.chunk[ax]
	}
	var out []int
	cur := append([]int(nil), lo...)
	for {
		idx := 0
		for ax := 0; ax < n; ax++ {
			idx = idx*g.count[ax] + cur[ax]
		}
		out = append(out, idx)
		ax := n - 1
		for ax >= 0 {
			cur[ax]++
			if cur[ax] <= hi[ax] {
				break
			}
			cur[ax] = lo[ax]
			ax--
		}
		if ax < 0 {
			return out
		}
	}
}

// Chunk value layout: one flag byte (0 raw, 1 zstd) then the payload, which
// decodes to the chunk's float32 values, little-endian, C-major.
const (
	rawChunk  = 0
	zstdChunk = 1
)

// littleEndian reports whether this machine stores float32 little-endian, in
// which case chunks are copied as raw memory instead of value by value.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// floatView returns the bytes of v (native order) without copying.
func floatView(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

func floatsToBytes(dst []byte, v []float32) []byte {
	if littleEndian {
		return append(dst, floatView(v)...)
	}
	for _, f := range v {
		dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(f))
	}
	return dst
}

func bytesToFloats(dst []float32, b []byte) {
	if littleEndian {
		copy(floatView(dst), b)
		return
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}
