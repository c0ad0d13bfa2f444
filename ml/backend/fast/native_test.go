package fast

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/images"
)

// nativeOpsGraph exercises every native element-wise, reduction, layout, pooling, dot and
// concatenation op, Where (PReLU-like, with scalar operands, and in a gradient), and the
// Mul+ReduceSum fusion through DotGeneral's gradient.
func nativeOpsGraph(x, y, w, r *Node) []*Node {
	s := Scalar(x.Graph(), x.DType(), 0.5)
	pos := AddScalar(Abs(x), 1)
	dot := DotGeneral(w, []int{1}, nil, x, []int{1}, nil) // [4, 2, 8, 6]
	loss := ReduceAllSum(Mul(r, dot))
	grads := Gradient(loss, w, x)
	return []*Node{
		Add(x, y), Sub(y, x), Mul(x, s), Div(x, AddScalar(Abs(y), 1)), Max(x, y), Min(x, ZerosLike(x)),
		ReduceSum(x, 0, 2, 3), ReduceMax(x, 1), ReduceAllSum(x), ReduceSum(x, 0),
		TransposeAllDims(x, 0, 2, 3, 1), BroadcastToDims(y, 2, 3, 8, 6),
		Neg(x), Abs(x), Sign(x), Sqrt(pos), Rsqrt(pos), Exp(x), Log(pos),
		MaxPool(x).ChannelsAxis(images.ChannelsFirst).Window(2).Strides(2).NoPadding().Done(),
		Slice(x, AxisRange(), AxisRange(1, 3), AxisRange(2, 8).Stride(3), AxisRange().Stride(2)),
		Concatenate([]*Node{x, Neg(x)}, 1), Concatenate([]*Node{x, x, Neg(x)}, 3), Concatenate([]*Node{x, Exp(x)}, 0),
		Concatenate([]*Node{x, Slice(x, AxisRange(), AxisRange(0, 1))}, 1),
		dot, grads[0], grads[1],
		Where(GreaterThan(x, ZerosLike(x)), x, Mul(x, s)), Where(GreaterThan(x, y), s, x), Where(LessThan(x, s), x, s),
		Where(IsFinite(Log(x)), Neg(x), Scalar(x.Graph(), x.DType(), 0)),
		Add(Iota(x.Graph(), x.Shape(), 2), x), Add(Iota(x.Graph(), x.Shape(), 0), x),
		// Native comparisons, with scalar and broadcast operands read in place.
		Where(GreaterOrEqual(s, x), x, ZerosLike(x)), Where(LessOrEqual(x, ZerosLike(x)), ZerosLike(x), Exp(x)),
		Where(GreaterThan(x, y), Neg(x), x), Where(LessThan(ZerosLike(x), x), x, Mul(x, s)),
		Gradient(ReduceAllSum(Mul(r, Where(GreaterThan(dot, ZerosLike(dot)), dot, Mul(dot, s)))), w)[0],
	}
}

func TestNativeOpsMatchInnerBackend(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(4, 4))
	x, y, w, r := randTensor(rng, 2, 3, 8, 6), randTensor(rng, 1, 3, 1, 1), randTensor(rng, 4, 3), randTensor(rng, 4, 2, 8, 6)
	got := MustNewExec(b, nativeOpsGraph).MustExec(x, y, w, r)
	nativeElementwise = false
	want := MustNewExec(b, nativeOpsGraph).MustExec(x, y, w, r)
	nativeElementwise = true
	for i := range want {
		if !got[i].Shape().Equal(want[i].Shape()) {
			t.Fatalf("output %d: shape %s, want %s", i, got[i].Shape(), want[i].Shape())
		}
		assertClose(t, "output "+string(rune('A'+i)), flat(got[i]), flat(want[i]), 1e-5)
	}
}

// TestMaxPoolGradient checks the native SelectAndScatterMax (which plain simplego lacks)
// against the max-pool gradient written out by hand.
func TestMaxPoolGradient(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(5, 5))
	x, r := randTensor(rng, 2, 2, 6, 4), randTensor(rng, 2, 2, 3, 2)
	got := MustExecOnce(b, func(x, r *Node) *Node {
		p := MaxPool(x).ChannelsAxis(images.ChannelsFirst).Window(2).Strides(2).NoPadding().Done()
		return Gradient(ReduceAllSum(Mul(r, p)), x)[0]
	}, x, r)
	xs, rs := flat(x), flat(r)
	want := make([]float32, len(xs))
	for bc := 0; bc < 4; bc++ {
		for i := 0; i < 3; i++ {
			for j := 0; j < 2; j++ {
				best := -1
				for di := 0; di < 2; di++ {
					for dj := 0; dj < 2; dj++ {
						o := bc*24 + (2*i+di)*4 + 2*j + dj
						if best < 0 || xs[o] > xs[best] {
							best = o
						}
					}
				}
				want[best] += rs[bc*6+i*2+j]
			}
		}
	}
	assertClose(t, "max-pool gradient", flat(got), want, 1e-6)
}

// TestNonFloat32FallsBack runs int32 ops, which go to the inner backend.
func TestNonFloat32FallsBack(t *testing.T) {
	b := newBackend(t)
	got := MustExecOnce(b, func(x *Node) *Node { return ReduceSum(Mul(x, x), 0) }, tensors.FromValue([]int32{1, 2, 3}))
	if v := got.Value().(int32); v != 14 {
		t.Fatalf("sum of squares = %d, want 14", v)
	}
}

// TestFusedElementwiseChains runs batch-norm-like element-wise chains on tensors large
// enough to be fused (with intermediates used inside and outside the chain, broadcasts
// and a gradient) and compares with unfused native execution and with the inner backend.
func TestFusedElementwiseChains(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(6, 6))
	x, g, r := randTensor(rng, 4, 8, 32, 32), randTensor(rng, 1, 8, 1, 1), randTensor(rng, 4, 8, 32, 32)
	fn := func(x, g, r *Node) []*Node {
		mean := ReduceAndKeep(x, ReduceMean, 0, 2, 3)
		c := Sub(x, mean)
		v := ReduceAndKeep(Mul(c, c), ReduceMean, 0, 2, 3)
		y := Mul(Div(c, Sqrt(AddScalar(v, 1e-5))), g)
		act := Max(y, ZerosLike(y))
		// PReLU-like: comparison and Where inside the chain, the mask reused by the gradient.
		leaky := Where(GreaterThan(y, ZerosLike(y)), AddScalar(y, 1), Mul(y, g))
		mask := LessOrEqual(c, ZerosLike(c))
		loss := ReduceAllSum(Add(Mul(r, act), Mul(r, leaky)))
		grads := Gradient(loss, x, g)
		return []*Node{act, c, Neg(Abs(Sign(y))), grads[0], grads[1], leaky, Where(mask, c, y)}
	}
	fused := MustNewExec(b, fn).MustExec(x, g, r)
	fusionEnabled = false
	unfused := MustNewExec(b, fn).MustExec(x, g, r)
	fusionEnabled = true
	nativeElementwise = false
	inner := MustNewExec(b, fn).MustExec(x, g, r)
	nativeElementwise = true
	for i := range inner {
		assertClose(t, "fused vs unfused", flat(fused[i]), flat(unfused[i]), 0)
		assertClose(t, "fused vs inner", flat(fused[i]), flat(inner[i]), 1e-4)
	}
}

// TestGatherScatterElements compares the native element gather and scatter-add (the
// Lovász histogram's forms, with repeated indices) and a gather with another layout
// (inner backend) against the inner backend, forward and through a gradient.
func TestGatherScatterElements(t *testing.T) {
	b := newBackend(t)
	rng := rand.New(rand.NewPCG(12, 12))
	table, upd := randTensor(rng, 40), randTensor(rng, 300)
	ids := make([]int32, 300)
	for i := range ids {
		ids[i] = int32(rng.IntN(40))
	}
	idx := tensors.FromFlatDataAndDimensions(ids, 300, 1)
	fn := func(table, upd, idx *Node) []*Node {
		g := Gather(table, idx)
		s := ScatterSum(Zeros(table.Graph(), table.Shape()), idx, upd, false, false)
		grad := Gradient(ReduceAllSum(Mul(Gather(Mul(table, table), idx), upd)), table)[0]
		other := Gather(Reshape(table, 20, 2), Reshape(Slice(idx, AxisRange(0, 10)), 10, 1)) // [10, 2] rows
		return []*Node{g, s, grad, other}
	}
	got := MustNewExec(b, fn).MustExec(table, upd, idx)
	nativeElementwise = false
	want := MustNewExec(b, fn).MustExec(table, upd, idx)
	nativeElementwise = true
	for i := range want {
		assertClose(t, "output "+string(rune('A'+i)), flat(got[i]), flat(want[i]), 1e-5)
	}
}
