package imageio

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// chunkJob is one strip or tile to decode into the output.
type chunkJob struct {
	page      *tiffPage
	chunk     int
	t, cp, z  int // where the page sits in the image (cp: stored channel plane)
	s0, s1    int // samples of the page to copy, [s0, s1)
	chunkY0   int // first image row of the chunk
	rowLo     int // first chunk row to decode (> 0 only for uncompressed chunks)
	rows      int // chunk rows to decode
	chunkX0   int // first image column of the chunk
	sampleOff int // for planar 2: the chunk's sample
}

// Read decodes the selected part of the image. Only the strips and tiles that
// intersect the selection are read; they are decoded in parallel.
func (img *tiffImage) Read(sel Selection) (*Array, error) {
	r, err := sel.resolve(img.meta.Shape)
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	out, err := NewArray(img.meta.DType, r.dims, r.shape...)
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	jobs, err := img.jobs(r)
	if err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	if err := img.run(jobs, r, out); err != nil {
		return nil, fmt.Errorf("imageio: %s: %w", img.meta.Path, err)
	}
	return out, nil
}

// jobs lists the chunks a selection needs.
func (img *tiffImage) jobs(r *resolved) ([]chunkJob, error) {
	var jobs []chunkJob
	spp := img.spp
	Z := img.meta.Shape[2]
	for t := r.start[0]; t < r.stop[0]; t++ {
		for cp := r.start[1] / spp; cp <= (r.stop[1]-1)/spp; cp++ {
			s0 := max(r.start[1]-cp*spp, 0)
			s1 := min(r.stop[1]-cp*spp, spp)
			for z := r.start[2]; z < r.stop[2]; z++ {
				pi := img.planes[(t*img.cPlanes+cp)*Z+z]
				if pi < 0 {
					return nil, fmt.Errorf("plane T=%d C=%d Z=%d is not stored in this file", t, cp, z)
				}
				p := img.pages[pi]
				planes := 1
				if p.planar == 2 {
					planes = p.spp
				}
				for sp := 0; sp < planes; sp++ {
					js0, js1 := s0, s1
					if p.planar == 2 {
						if sp < s0 || sp >= s1 {
							continue
						}
						js0, js1 = sp, sp+1
					}
					for cy := r.start[3] / p.chunkH; cy <= (r.stop[3]-1)/p.chunkH; cy++ {
						for cx := r.start[4] / p.chunkW; cx <= (r.stop[4]-1)/p.chunkW; cx++ {
							j := chunkJob{
								page: p, chunk: (sp*p.down+cy)*p.across + cx,
								t: t, cp: cp, z: z, s0: js0, s1: js1,
								chunkY0: cy * p.chunkH, chunkX0: cx * p.chunkW, sampleOff: sp,
							}
							j.rows = p.chunkRows(j.chunk)
							if p.compression == 1 && p.predictor == 1 { // read only the selected rows
								lo := max(r.start[3]-j.chunkY0, 0)
								j.rows = min(r.stop[3]-j.chunkY0, j.rows) - lo
								j.rowLo = lo
							}
							jobs = append(jobs, j)
						}
					}
				}
			}
		}
	}
	return jobs, nil
}

// run decodes jobs on up to GOMAXPROCS goroutines and copies them into out.
func (img *tiffImage) run(jobs []chunkJob, r *resolved, out *Array) error {
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var (
		mu       sync.Mutex
		firstErr error
		next     int
		wg       sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil || next >= len(jobs) {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var dec chunkDecoder
			for {
				i, ok := take()
				if !ok {
					return
				}
				j := &jobs[i]
				direct := img.directTarget(j, r, out)
				buf, err := dec.decode(img.src, j.page, j.chunk, j.rowLo, j.rows, direct)
				if err == nil && direct == nil {
					img.place(buf, j, r, out)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// nativeLittle reports whether this machine stores integers little-endian.
var nativeLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// directTarget returns the bytes of out that chunk j decodes into unchanged,
// or nil when the chunk must be converted and placed sample by sample. That is
// the case when the file's byte order is the machine's, the chunk holds one
// sample per pixel, lies wholly inside the selection and its rows are
// contiguous in the output (e.g. full-width strips read into ...YX).
func (img *tiffImage) directTarget(j *chunkJob, r *resolved, out *Array) []byte {
	p := j.page
	if (img.src.order == binary.BigEndian) == nativeLittle || p.chunkSamples() != 1 || j.s1-j.s0 != 1 {
		return nil
	}
	rows, y0 := j.rows, j.chunkY0+j.rowLo
	if y0 < r.start[3] || y0+rows > r.stop[3] || j.chunkX0 < r.start[4] || j.chunkX0+p.chunkW > r.stop[4] {
		return nil
	}
	if r.outStride[4] != 1 || (rows > 1 && r.outStride[3] != p.chunkW) {
		return nil
	}
	off := r.offset(j.t, j.cp*img.spp+j.s0, j.z, y0, j.chunkX0)
	return bytesView(out.Data, off, rows*p.chunkW)
}

// bytesView returns the memory of n elements of a typed slice from element
// off, as bytes.
func bytesView(data any, off, n int) []byte {
	var p unsafe.Pointer
	var size int
	switch s := data.(type) {
	case []uint8:
		return s[off : off+n]
	case []int8:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 1
	case []uint16:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 2
	case []int16:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 2
	case []uint32:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 4
	case []int32:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 4
	case []uint64:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 8
	case []int64:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 8
	case []float32:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 4
	case []float64:
		s = s[off : off+n]
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 8
	default:
		return nil
	}
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(p), n*size)
}

// place copies the part of a decoded chunk inside the selection into out.
func (img *tiffImage) place(buf []byte, j *chunkJob, r *resolved, out *Array) {
	p := j.page
	cs := p.chunkSamples()
	bufY0 := j.chunkY0 + j.rowLo // image row of the first decoded row
	y0, y1 := max(r.start[3], bufY0), min(r.stop[3], bufY0+j.rows, p.height)
	x0, x1 := max(r.start[4], j.chunkX0), min(r.stop[4], j.chunkX0+p.chunkW, p.width)
	if y0 >= y1 || x0 >= x1 {
		return
	}
	big := img.src.order == binary.BigEndian
	n := x1 - x0
	for y := y0; y < y1; y++ {
		for s := j.s0; s < j.s1; s++ {
			src := ((y-bufY0)*p.chunkW+(x0-j.chunkX0))*cs + (s - j.sampleOff)
			if p.planar == 2 {
				src = (y-bufY0)*p.chunkW + (x0 - j.chunkX0)
			}
			dst := r.offset(j.t, j.cp*img.spp+s, j.z, y, x0)
			copyRow(out.Data, dst, r.outStride[4], buf, src, cs, n, big)
		}
	}
}

// copyRow converts n samples from file bytes (element index si, element stride
// ss) into the typed slice dst (index di, stride ds).
func copyRow(dst any, di, ds int, src []byte, si, ss, n int, big bool) {
	switch d := dst.(type) {
	case []uint8:
		copy8(d, di, ds, src, si, ss, n)
	case []int8:
		copy8(d, di, ds, src, si, ss, n)
	case []uint16:
		copy16(d, di, ds, src, si, ss, n, big)
	case []int16:
		copy16(d, di, ds, src, si, ss, n, big)
	case []uint32:
		copy32(d, di, ds, src, si, ss, n, big)
	case []int32:
		copy32(d, di, ds, src, si, ss, n, big)
	case []uint64:
		copy64(d, di, ds, src, si, ss, n, big)
	case []int64:
		copy64(d, di, ds, src, si, ss, n, big)
	case []float32:
		copyF32(d, di, ds, src, si, ss, n, big)
	case []float64:
		copyF64(d, di, ds, src, si, ss, n, big)
	}
}

func copy8[T uint8 | int8](d []T, di, ds int, src []byte, si, ss, n int) {
	for k := 0; k < n; k++ {
		d[di+k*ds] = T(src[si+k*ss])
	}
}

func copy16[T uint16 | int16](d []T, di, ds int, src []byte, si, ss, n int, big bool) {
	if big {
		for k := 0; k < n; k++ {
			d[di+k*ds] = T(binary.BigEndian.Uint16(src[2*(si+k*ss):]))
		}
		return
	}
	if ds == 1 && ss == 1 {
		s := src[2*si : 2*(si+n)]
		o := d[di : di+n]
		for k := range o {
			o[k] = T(binary.LittleEndian.Uint16(s[2*k:]))
		}
		return
	}
	for k := 0; k < n; k++ {
		d[di+k*ds] = T(binary.LittleEndian.Uint16(src[2*(si+k*ss):]))
	}
}

func copy32[T uint32 | int32](d []T, di, ds int, src []byte, si, ss, n int, big bool) {
	for k := 0; k < n; k++ {
		b := src[4*(si+k*ss):]
		if big {
			d[di+k*ds] = T(binary.BigEndian.Uint32(b))
		} else {
			d[di+k*ds] = T(binary.LittleEndian.Uint32(b))
		}
	}
}

func copy64[T uint64 | int64](d []T, di, ds int, src []byte, si, ss, n int, big bool) {
	for k := 0; k < n; k++ {
		b := src[8*(si+k*ss):]
		if big {
			d[di+k*ds] = T(binary.BigEndian.Uint64(b))
		} else {
			d[di+k*ds] = T(binary.LittleEndian.Uint64(b))
		}
	}
}

func copyF32(d []float32, di, ds int, src []byte, si, ss, n int, big bool) {
	for k := 0; k < n; k++ {
		b := src[4*(si+k*ss):]
		if big {
			d[di+k*ds] = math.Float32frombits(binary.BigEndian.Uint32(b))
		} else {
			d[di+k*ds] = math.Float32frombits(binary.LittleEndian.Uint32(b))
		}
	}
}

func copyF64(d []float64, di, ds int, src []byte, si, ss, n int, big bool) {
	for k := 0; k < n; k++ {
		b := src[8*(si+k*ss):]
		if big {
			d[di+k*ds] = math.Float64frombits(binary.BigEndian.Uint64(b))
		} else {
			d[di+k*ds] = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
	}
}
