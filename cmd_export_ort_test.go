package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
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
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/bioimageio"
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

// checkPackageWithORT runs a bioimage.io package's ONNX weights in
// onnxruntime-node on its own test input (after the package's preprocessing,
// applied by im2im) and wants the package's postprocessing of ONNX Runtime's
// output within 1e-4 (max abs) of the package's test output; python3-onnx's
// checker must accept the weights. Skipped without the consumers outside CI.
func checkPackageWithORT(t *testing.T, zip string) {
	t.Helper()
	p, err := bioimageio.ReadPackage(zip)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "model.onnx")
	if err := os.WriteFile(model, p.Files[p.Desc.Weights.ONNX.Source], 0o644); err != nil {
		t.Fatal(err)
	}
	checkONNXFile(t, model)
	mods := os.Getenv("IM2IM_ORT_NODE_MODULES")
	if mods == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IM2IM_ORT_NODE_MODULES is not set")
		}
		t.Log("skipped: IM2IM_ORT_NODE_MODULES is not set")
		return
	}
	in, out := p.Desc.Inputs[0], p.Desc.Outputs[0]
	x := packageNPY(t, p.Files[in.TestTensor.Source], in)
	want := packageNPY(t, p.Files[out.TestTensor.Source], out)
	if err := bioimageio.Apply(in.Preprocessing, x); err != nil {
		t.Fatal(err)
	}
	inPath, outPath := filepath.Join(dir, "input.npy"), filepath.Join(dir, "ort.npy")
	writeTestNPY(t, inPath, x.Shape, x.Data)
	cmd := exec.Command("node", filepath.Join("ml", "onnx", "testdata", "ort_run.js"), model, inPath, outPath)
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	res, err := cmd.CombinedOutput()
	t.Log(strings.TrimSpace(string(res)))
	if err != nil {
		t.Fatalf("onnxruntime-node on %s: %v", zip, err)
	}
	b, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	got := packageNPY(t, b, out)
	if err := bioimageio.Apply(out.Postprocessing, got); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
		t.Fatalf("%s: ONNX Runtime's output %v, the test output %v", zip, got.Shape, want.Shape)
	}
	diff := 0.0
	for i := range want.Data {
		diff = max(diff, math.Abs(float64(got.Data[i]-want.Data[i])))
	}
	t.Logf("%s: ONNX Runtime + postprocessing vs test_output.npy: max abs difference %.3g over %v", zip, diff, want.Shape)
	if diff > 1e-4 {
		t.Errorf("%s: ONNX Runtime's output differs from the package's test output by %g", zip, diff)
	}
}

// packageNPY decodes a .npy file as an array with the axes of tensor t.
func packageNPY(t *testing.T, b []byte, tensor bioimageio.Tensor) *bioimageio.Array {
	t.Helper()
	a, err := imageio.DecodeNPY(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	axes := make([]string, len(tensor.Axes))
	for i, ax := range tensor.Axes {
		axes[i] = ax.AxisID()
	}
	return &bioimageio.Array{Axes: axes, Shape: a.Shape, Data: a.Float32()}
}

// checkONNXFile runs python3-onnx's full checker on a model (skipped without
// python3-onnx outside CI).
func checkONNXFile(t *testing.T, model string) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import onnx").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Errorf("python3-onnx is not installed: %v", err)
		}
		return
	}
	check := "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)"
	if b, err := exec.Command("/usr/bin/python3", "-c", check, model).CombinedOutput(); err != nil {
		t.Errorf("python3-onnx checker on %s: %v\n%s", model, err, b)
	}
}
