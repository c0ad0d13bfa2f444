package nets

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/im2im/im2im/ml/backend"
)

func newBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

func randomInput(seed uint64, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	r := rand.New(rand.NewPCG(seed, 2))
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// forward builds net on a fresh context and returns the output dims (training graph
// if training is set).
func forward(t *testing.T, b backends.Backend, net Net, training bool, dims ...int) []int {
	t.Helper()
	ctx := context.New()
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), training)
		return net.Build(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Exec(randomInput(1, dims...))
	if err != nil {
		t.Fatal(err)
	}
	return out[0].Shape().Dimensions
}

func TestNetShapes(t *testing.T) {
	b := newBackend(t)
	cases := []struct {
		name string
		net  Net
		in   []int
		want []int
	}{
		{"unet 2D defaults-ish", UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 8}}, []int{2, 1, 16, 16}, []int{2, 2, 16, 16}},
		{"unet 2D classic", UNet{Dims: 2, InChannels: 3, OutChannels: 1, Features: []int{4, 8}, Down: DownMaxPool, Norm: "batch", Act: "relu"},
			[]int{1, 3, 8, 12}, []int{1, 1, 8, 12}},
		{"unet 2D residual, group norm, stride 1", UNet{Dims: 2, OutChannels: 3, Features: []int{4, 8, 8}, Strides: []int{2, 1}, NumResUnits: 2, Norm: "group", Dropout: 0.1},
			[]int{1, 1, 8, 8}, []int{1, 3, 8, 8}},
		{"unet 2D kernel 5", UNet{Dims: 2, OutChannels: 1, Features: []int{2, 4}, KernelSize: 5, NumResUnits: 1}, []int{1, 1, 8, 8}, []int{1, 1, 8, 8}},
		{"unet 3D anisotropic up kernel 3", UNet{Dims: 3, OutChannels: 1, Features: []int{2, 4}, AxisStrides: [][]int{{1, 2, 2}}, UpKernelSize: 3},
			[]int{1, 1, 3, 4, 4}, []int{1, 1, 3, 4, 4}},
		{"unet 3D", UNet{Dims: 3, OutChannels: 2, Features: []int{2, 4}, NumResUnits: 1}, []int{1, 1, 4, 8, 8}, []int{1, 2, 4, 8, 8}},
		{"unet 3D anisotropic", UNet{Dims: 3, OutChannels: 1, Features: []int{2, 4, 4}, AxisStrides: [][]int{{1, 2, 2}, {2, 2, 2}}},
			[]int{1, 1, 6, 8, 8}, []int{1, 1, 6, 8, 8}},
		{"unet 3D anisotropic maxpool", UNet{Dims: 3, OutChannels: 2, Features: []int{2, 4}, AxisStrides: [][]int{{1, 2, 2}}, Down: DownMaxPool},
			[]int{1, 1, 3, 4, 4}, []int{1, 2, 3, 4, 4}},
		{"attention unet 2D", AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 8}}, []int{1, 1, 8, 8}, []int{1, 2, 8, 8}},
		{"attention unet 3D", AttentionUNet{Dims: 3, OutChannels: 1, Features: []int{2, 4}, Norm: "batch"}, []int{1, 1, 4, 4, 4}, []int{1, 1, 4, 4, 4}},
		{"dynunet 2D eval", DynUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 8}, DeepSupervision: 1}, []int{1, 1, 8, 8}, []int{1, 2, 8, 8}},
		{"dynunet 3D eval", DynUNet{Dims: 3, OutChannels: 1, Features: []int{2, 4}}, []int{1, 1, 4, 4, 4}, []int{1, 1, 4, 4, 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.net.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := tc.net.CheckInput(tc.in); err != nil {
				t.Fatal(err)
			}
			for _, training := range []bool{false, true} {
				got := forward(t, b, tc.net, training, tc.in...)
				if _, deep := tc.net.(DynUNet); deep && training {
					continue // checked in TestDynUNetDeepSupervision
				}
				if len(got) != len(tc.want) {
					t.Fatalf("training=%v: output %v, want %v", training, got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("training=%v: output %v, want %v", training, got, tc.want)
					}
				}
			}
		})
	}
}

func TestDynUNetDeepSupervision(t *testing.T) {
	b := newBackend(t)
	net := DynUNet{Dims: 2, OutChannels: 3, Features: []int{4, 4, 8, 8}, DeepSupervision: 2}
	got := forward(t, b, net, true, 1, 1, 16, 16)
	want := []int{1, 3 * net.Heads(), 16, 16}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("training output %v, want %v", got, want)
		}
	}
}

func TestDynUNetAnisotropicDeepSupervision(t *testing.T) {
	b := newBackend(t)
	net := DynUNet{Dims: 3, OutChannels: 1, Features: []int{2, 2, 4}, AxisStrides: [][]int{{1, 2, 2}, {2, 2, 2}}, DeepSupervision: 1}
	got := forward(t, b, net, true, 1, 1, 2, 8, 8)
	want := []int{1, 2, 2, 8, 8}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("training output %v, want %v", got, want)
		}
	}
	if d := net.AxisDivisors(); d[0] != 2 || d[1] != 4 || d[2] != 4 || net.Divisor() != 4 {
		t.Fatalf("divisors %v / %d, want [2 4 4] / 4", d, net.Divisor())
	}
	if err := net.CheckInput([]int{1, 1, 2, 8, 8}); err != nil {
		t.Fatal(err)
	}
	if err := net.CheckInput([]int{1, 1, 3, 8, 8}); err == nil || !strings.Contains(err.Error(), "multiple of 2") {
		t.Fatalf("odd z not reported: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	bad := UNet{Dims: 4, OutChannels: 0, KernelSize: 4, UpKernelSize: 2, Features: []int{4, 8, 16}, Strides: []int{2, 3, 2}, Norm: "layer", Act: "swish", Dropout: 1.5, Down: "avg"}
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"unet.dims", "unet.out_channels", "unet.strides: want 2 values", "unet.strides[1]", "unet.norm", "unet.act", "unet.dropout", "unet.down", "unet.kernel_size", "unet.up_kernel_size"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	badAxes := UNet{Dims: 3, OutChannels: 1, Features: []int{2, 4, 8}, Strides: []int{2, 2}, AxisStrides: [][]int{{1, 2}, {2, 3, 2}, {2, 2, 2}}}
	err = badAxes.Validate()
	for _, want := range []string{"not both", "axis_strides: want 2 levels", "axis_strides[0]: want 3 values", "axis_strides[1][1]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	_ = badAxes.Divisor() // must not panic on an invalid config
	if err := (DynUNet{Dims: 2, OutChannels: 1, Features: []int{4, 8}, DeepSupervision: 1}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "deep_supervision") {
		t.Errorf("deep supervision beyond the levels accepted: %v", err)
	}
	u := UNet{Dims: 2, InChannels: 1, OutChannels: 1, Features: []int{4, 8, 16}}
	if u.Divisor() != 4 {
		t.Errorf("divisor %d, want 4", u.Divisor())
	}
	for _, dims := range [][]int{{1, 1, 10, 16}, {1, 2, 16, 16}, {1, 1, 16}} {
		if err := u.CheckInput(dims); err == nil {
			t.Errorf("CheckInput(%v) accepted", dims)
		}
	}
}

func TestBuildPanicsWithClearError(t *testing.T) {
	b := newBackend(t)
	ctx := context.New()
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		return UNet{Dims: 2, OutChannels: 1, Features: []int{2, 4}}.Build(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = exec.Exec(randomInput(1, 1, 1, 7, 8))
	if err == nil || !strings.Contains(err.Error(), "not a multiple of 2") {
		t.Fatalf("odd input size not reported clearly: %v", err)
	}
}
