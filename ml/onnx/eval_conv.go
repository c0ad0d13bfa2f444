package onnx

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// geometry is the sliding-window arithmetic of Conv, ConvTranspose and
// MaxPool on the spatial axes: kernel sizes, strides, dilations and the
// padding before and after each axis.
type geometry struct {
	k, s, d, pb, pe []int
}

// windowAttrs reads strides, dilations, pads and auto_pad for a kernel of
// sizes k on an input of spatial sizes in (auto_pad needs them).
func windowAttrs(n *Node, k, in []int) (geometry, error) {
	r := len(k)
	g := geometry{k: k, s: n.ints("strides", repeat(r, 1)), d: n.ints("dilations", repeat(r, 1))}
	pads := n.ints("pads", repeat(2*r, 0))
	if len(g.s) != r || len(g.d) != r || len(pads) != 2*r {
		return g, fmt.Errorf("strides %v, dilations %v or pads %v do not fit a %d-D kernel", g.s, g.d, pads, r)
	}
	g.pb, g.pe = pads[:r], pads[r:]
	for i := range r {
		if k[i] < 1 || g.s[i] < 1 || g.d[i] < 1 || g.pb[i] < 0 || g.pe[i] < 0 {
			return g, fmt.Errorf("kernel %v, strides %v, dilations %v, pads %v: sizes must be positive and pads not negative", k, g.s, g.d, pads)
		}
	}
	switch ap := n.str("auto_pad", "NOTSET"); ap {
	case "NOTSET":
	case "VALID":
		g.pb, g.pe = repeat(r, 0), repeat(r, 0)
	case "SAME_UPPER", "SAME_LOWER":
		if n.Op == "ConvTranspose" {
			return g, fmt.Errorf("auto_pad %s is not supported for ConvTranspose", ap)
		}
		g.pb, g.pe = make([]int, r), make([]int, r)
		for i := range r {
			out := (in[i] + g.s[i] - 1) / g.s[i]
			total := max((out-1)*g.s[i]+(k[i]-1)*g.d[i]+1-in[i], 0)
			g.pb[i], g.pe[i] = total/2, total-total/2
			if ap == "SAME_LOWER" {
				g.pb[i], g.pe[i] = g.pe[i], g.pb[i]
			}
		}
	default:
		return g, fmt.Errorf("auto_pad %q", ap)
	}
	return g, nil
}

// rowPair links a row (last spatial axis) of the iterated tensor to a row of
// the other one, for one kernel offset: along the last axis, iterated index t
// in [lo, hi) meets other index t·s + off.
type rowPair struct{ it, other int }

// kernelRows holds, per kernel offset, the row pairs and the last-axis range.
type kernelRows struct {
	pairs   []rowPair
	lo, hi  int
	off, st int
}

// rowsFor lists, for every kernel offset (row-major over g.k), which rows of
// a tensor of spatial sizes iter meet which rows of one of sizes other, where
// other index = iter index·s + k·d − pb on every axis (Conv and MaxPool
// iterate the output, ConvTranspose the input).
func rowsFor(iter, other []int, g geometry) []kernelRows {
	r := len(iter)
	last := r - 1
	out := make([]kernelRows, shapeSize(g.k))
	kidx := make([]int, r)
	for kk := range out {
		rem := kk
		for a := r - 1; a >= 0; a-- {
			kidx[a] = rem % g.k[a]
			rem /= g.k[a]
		}
		kr := &out[kk]
		kr.st = g.s[last]
		kr.off = kidx[last]*g.d[last] - g.pb[last]
		// t·s + off in [0, other[last]) ⇔ t in [lo, hi)
		kr.lo = max(0, ceilDiv(-kr.off, kr.st))
		kr.hi = min(iter[last], floorDiv(other[last]-1-kr.off, kr.st)+1)
		if kr.lo >= kr.hi {
			continue
		}
		rows := shapeSize(iter[:last])
		idx := make([]int, last)
		for row := range rows {
			rem := row
			for a := last - 1; a >= 0; a-- {
				idx[a] = rem % iter[a]
				rem /= iter[a]
			}
			o, ok := 0, true
			for a := range last {
				j := idx[a]*g.s[a] + kidx[a]*g.d[a] - g.pb[a]
				if j < 0 || j >= other[a] {
					ok = false
					break
				}
				o = o*other[a] + j
			}
			if ok {
				kr.pairs = append(kr.pairs, rowPair{row * iter[last], o * other[last]})
			}
		}
	}
	return out
}

func ceilDiv(a, b int) int  { return -floorDiv(-a, b) }
func floorDiv(a, b int) int { return int(math.Floor(float64(a) / float64(b))) }

// parallel runs f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// convInputs checks X [N, C, spatial...] and W [*, *, kernel...].
func convInputs(n *Node, in []*Tensor) (x, w, b *Tensor, err error) {
	if x, err = need(in, 0, "X"); err != nil {
		return
	}
	if w, err = need(in, 1, "W"); err != nil {
		return
	}
	if len(x.Shape) < 3 || len(w.Shape) != len(x.Shape) {
		return nil, nil, nil, fmt.Errorf("X %v and W %v: want [N, C, spatial...] and a kernel of the same rank", x.Shape, w.Shape)
	}
	if ks := n.ints("kernel_shape", nil); ks != nil && !slices.Equal(ks, w.Shape[2:]) {
		return nil, nil, nil, fmt.Errorf("kernel_shape %v, W has %v", ks, w.Shape[2:])
	}
	if len(in) > 2 && in[2] != nil {
		if b, err = need(in, 2, "B"); err != nil {
			return
		}
	}
	return x, w, b, nil
}

func evalConv(n *Node, in []*Tensor) (*Tensor, error) {
	x, w, b, err := convInputs(n, in)
	if err != nil {
		return nil, err
	}
	N, C, sp := x.Shape[0], x.Shape[1], x.Shape[2:]
	M, cg, ks := w.Shape[0], w.Shape[1], w.Shape[2:]
	group := int(n.int("group", 1))
	if group < 1 || cg*group != C || M%group != 0 {
		return nil, fmt.Errorf("X has %d channels, W %v, group %d", C, w.Shape, group)
	}
	if b != nil && len(b.Float) != M {
		return nil, fmt.Errorf("B has %d values for %d output channels", len(b.Float), M)
	}
	g, err := windowAttrs(n, ks, sp)
	if err != nil {
		return nil, err
	}
	outSp := make([]int, len(sp))
	for i := range sp {
		outSp[i] = (sp[i]+g.pb[i]+g.pe[i]-g.d[i]*(ks[i]-1)-1)/g.s[i] + 1
		if outSp[i] < 1 {
			return nil, fmt.Errorf("input %v is smaller than the kernel %v (dilations %v, pads %v %v)", sp, ks, g.d, g.pb, g.pe)
		}
	}
	rows := rowsFor(outSp, sp, g)
	inN, outN, K := shapeSize(sp), shapeSize(outSp), shapeSize(ks)
	out := &Tensor{Shape: append([]int{N, M}, outSp...), Float: make([]float32, N*M*outN)}
	parallel(N*M, func(p int) {
		nn, m := p/M, p%M
		dst := out.Float[p*outN : (p+1)*outN]
		if b != nil {
			for i := range dst {
				dst[i] = b.Float[m]
			}
		}
		g0 := m / (M / group) * cg
		for ci := range cg {
			src := x.Float[(nn*C+g0+ci)*inN : (nn*C+g0+ci+1)*inN]
			wk := w.Float[(m*cg+ci)*K : (m*cg+ci+1)*K]
			for kk, kr := range rows {
				wv := wk[kk]
				if wv == 0 || kr.lo >= kr.hi {
					continue
				}
				for _, pr := range kr.pairs {
					d := dst[pr.it+kr.lo : pr.it+kr.hi]
					s0 := pr.other + kr.lo*kr.st + kr.off
					if kr.st == 1 {
						s := src[s0 : s0+len(d)]
						for i := range d {
							d[i] += wv * s[i]
						}
					} else {
						for i := range d {
							d[i] += wv * src[s0+i*kr.st]
						}
					}
				}
			}
		}
	})
	return out, nil
}

func evalConvTranspose(n *Node, in []*Tensor) (*Tensor, error) {
	x, w, b, err := convInputs(n, in)
	if err != nil {
		return nil, err
	}
	if _, ok := n.Attrs["output_shape"]; ok {
		return nil, fmt.Errorf("the output_shape attribute is not supported (give pads and output_padding)")
	}
	N, C, sp := x.Shape[0], x.Shape[1], x.Shape[2:]
	group := int(n.int("group", 1))
	mg, ks := w.Shape[1], w.Shape[2:]
	if group < 1 || w.Shape[0] != C || C%group != 0 {
		return nil, fmt.Errorf("X has %d channels, W %v, group %d", C, w.Shape, group)
	}
	M := mg * group
	if b != nil && len(b.Float) != M {
		return nil, fmt.Errorf("B has %d values for %d output channels", len(b.Float), M)
	}
	g, err := windowAttrs(n, ks, sp)
	if err != nil {
		return nil, err
	}
	op := n.ints("output_padding", repeat(len(sp), 0))
	if len(op) != len(sp) {
		return nil, fmt.Errorf("output_padding %v for %d spatial axes", op, len(sp))
	}
	outSp := make([]int, len(sp))
	for i := range sp {
		outSp[i] = g.s[i]*(sp[i]-1) + op[i] + (ks[i]-1)*g.d[i] + 1 - g.pb[i] - g.pe[i]
		if outSp[i] < 1 || op[i] < 0 {
			return nil, fmt.Errorf("output size %d on axis %d", outSp[i], i)
		}
	}
	rows := rowsFor(sp, outSp, g)
	inN, outN, K := shapeSize(sp), shapeSize(outSp), shapeSize(ks)
	cpg := C / group
	out := &Tensor{Shape: append([]int{N, M}, outSp...), Float: make([]float32, N*M*outN)}
	parallel(N*M, func(p int) {
		nn, m := p/M, p%M
		dst := out.Float[p*outN : (p+1)*outN]
		if b != nil {
			for i := range dst {
				dst[i] = b.Float[m]
			}
		}
		grp, mi := m/mg, m%mg
		for ci := range cpg {
			c := grp*cpg + ci
			src := x.Float[(nn*C+c)*inN : (nn*C+c+1)*inN]
			wk := w.Float[(c*mg+mi)*K : (c*mg+mi+1)*K]
			for kk, kr := range rows {
				wv := wk[kk]
				if wv == 0 || kr.lo >= kr.hi {
					continue
				}
				for _, pr := range kr.pairs {
					s := src[pr.it+kr.lo : pr.it+kr.hi]
					d0 := pr.other + kr.lo*kr.st + kr.off
					for i := range s {
						dst[d0+i*kr.st] += wv * s[i]
					}
				}
			}
		}
	})
	return out, nil
}

func evalMaxPool(n *Node, in []*Tensor) (*Tensor, error) {
	x, err := need(in, 0, "X")
	if err != nil {
		return nil, err
	}
	if len(x.Shape) < 3 {
		return nil, fmt.Errorf("X has shape %v, want [N, C, spatial...]", x.Shape)
	}
	if len(n.Outputs) > 1 && n.Outputs[1] != "" {
		return nil, fmt.Errorf("the Indices output is not supported")
	}
	sp := x.Shape[2:]
	ks := n.ints("kernel_shape", nil)
	if len(ks) != len(sp) {
		return nil, fmt.Errorf("kernel_shape %v for %d spatial axes", ks, len(sp))
	}
	g, err := windowAttrs(n, ks, sp)
	if err != nil {
		return nil, err
	}
	ceil := n.int("ceil_mode", 0) != 0
	outSp := make([]int, len(sp))
	for i := range sp {
		span := sp[i] + g.pb[i] + g.pe[i] - ((ks[i]-1)*g.d[i] + 1)
		if span < 0 {
			return nil, fmt.Errorf("input %v is smaller than the window %v", sp, ks)
		}
		outSp[i] = span/g.s[i] + 1
		if ceil {
			outSp[i] = ceilDiv(span, g.s[i]) + 1
			if (outSp[i]-1)*g.s[i] >= sp[i]+g.pb[i] {
				outSp[i]--
			}
		}
	}
	rows := rowsFor(outSp, sp, g)
	inN, outN := shapeSize(sp), shapeSize(outSp)
	planes := x.Shape[0] * x.Shape[1]
	out := &Tensor{Shape: append(x.Shape[:2:2], outSp...), Float: make([]float32, planes*outN)}
	ninf := float32(math.Inf(-1))
	parallel(planes, func(p int) {
		dst, src := out.Float[p*outN:(p+1)*outN], x.Float[p*inN:(p+1)*inN]
		for i := range dst {
			dst[i] = ninf
		}
		for _, kr := range rows {
			for _, pr := range kr.pairs {
				s0 := pr.other + kr.lo*kr.st + kr.off
				d := dst[pr.it+kr.lo : pr.it+kr.hi]
				for i := range d {
					d[i] = max(d[i], src[s0+i*kr.st])
				}
			}
		}
	})
	return out, nil
}
