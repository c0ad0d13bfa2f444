package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// checkTrainedExport runs net with the trained checkpoint's weights on a random
// input of dims in im2im and the exported model in onnxruntime-node
// (IM2IM_ORT_NODE_MODULES; skipped without it outside CI) and wants their max abs
// difference ≤ 1e-4.
func checkTrainedExport(t *testing.T, net nets.Net, ckptPath, model string, dims ...int) {
	t.Helper()
	mods := os.Getenv("IM2IM_ORT_NODE_MODULES")
	if mods == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IM2IM_ORT_NODE_MODULES is not set")
		}
		t.Log("skipped: IM2IM_ORT_NODE_MODULES is not set")
		return
	}
	ckpt, err := train.ReadCheckpoint(ckptPath)
	if err != nil {
		t.Fatal(err)
	}
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	ctx := context.New()
	e, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), false)
		return net.Build(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	n := 1
	for _, d := range dims {
		n *= d
	}
	r := rand.New(rand.NewPCG(5, 5))
	in := make([]float32, n)
	for i := range in {
		in[i] = float32(r.NormFloat64())
	}
	x := tensors.FromFlatDataAndDimensions(in, dims...)
	if _, err := e.Exec(x); err != nil { // creates the variables
		t.Fatal(err)
	}
	for v := range ctx.IterVariables() {
		if v.DType() != dtypes.Float32 {
			continue // the random generator's state
		}
		saved, ok := ckpt.Value(v.ScopeAndName())
		if !ok {
			t.Fatalf("checkpoint has no %s", v.ScopeAndName())
		}
		var c []float32
		_ = saved.ConstFlatData(func(f any) { c = append(c, f.([]float32)...) })
		var nt *tensors.Tensor
		if len(saved.Shape().Dimensions) == 0 {
			nt = tensors.FromScalar(c[0])
		} else {
			nt = tensors.FromFlatDataAndDimensions(c, saved.Shape().Dimensions...)
		}
		if err := v.SetValue(nt); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	var want []float32
	_ = out[0].ConstFlatData(func(f any) { want = append(want, f.([]float32)...) })
	dir := t.TempDir()
	inPath, outPath := filepath.Join(dir, "input.npy"), filepath.Join(dir, "output.npy")
	writeTestNPY(t, inPath, dims, in)
	writeTestNPY(t, outPath, out[0].Shape().Dimensions, want)
	cmd := exec.Command("node", filepath.Join("ml", "onnx", "testdata", "ort_check.js"), model, inPath, outPath, "1e-4")
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	res, err := cmd.CombinedOutput()
	t.Log(strings.TrimSpace(string(res)))
	if err != nil {
		t.Fatalf("onnxruntime-node on the exported trained model: %v", err)
	}
}

// writeTestNPY writes float32 values as a version-1 .npy file.
func writeTestNPY(t *testing.T, path string, dims []int, v []float32) {
	t.Helper()
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = fmt.Sprint(d)
	}
	h := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s,), }", strings.Join(s, ", "))
	h += strings.Repeat(" ", (64-(10+len(h)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	_ = binary.Write(&b, binary.LittleEndian, v)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
