package nets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestBranchedERFNet builds the net in 2D and 3D (training graphs, so batch norm and
// channel dropout run their training paths) and checks the output shape, mmv's
// init_output (offsets 0, sigmas 1 everywhere) and the trainable parameter count
// against torch_embedseg.py's BranchedERFNet (ml/bench; `python3 torch_embedseg.py
// D 1 SIZE 0 0` prints it).
func TestBranchedERFNet(t *testing.T) {
	b := newBackend(t)
	cases := []struct {
		name   string
		net    BranchedERFNet
		in     []int
		params int64
	}{
		{"2D", BranchedERFNet{Dims: 2}, []int{2, 1, 16, 24}, 2251979},
		{"3D", BranchedERFNet{Dims: 3, InChannels: 1}, []int{1, 1, 8, 16, 8}, 3689243},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.New()
			exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
				ctx.SetTraining(x.Graph(), true)
				return tc.net.Build(ctx, x)
			})
			if err != nil {
				t.Fatal(err)
			}
			defer exec.Finalize()
			out, err := exec.Exec(randomInput(1, tc.in...))
			if err != nil {
				t.Fatal(err)
			}
			d := out[0].Shape().Dimensions
			want := append([]int{tc.in[0], 2*tc.net.Dims + 1}, tc.in[2:]...)
			if fmt.Sprint(d) != fmt.Sprint(want) {
				t.Fatalf("output %v, want %v", d, want)
			}
			vals := tensors.MustCopyFlatData[float32](out[0])
			n := len(vals) / (d[0] * d[1])
			for s := range d[0] {
				for c := range 2 * tc.net.Dims {
					want := float32(0)
					if c >= tc.net.Dims {
						want = 1
					}
					for i := range n {
						if v := vals[(s*d[1]+c)*n+i]; v != want {
							t.Fatalf("sample %d channel %d voxel %d = %v at init, want %v", s, c, i, v, want)
						}
					}
				}
			}
			var params int64
			for v := range ctx.IterVariables() {
				if v.Trainable {
					params += int64(v.Shape().Size())
				}
			}
			if params != tc.params {
				t.Fatalf("%d trainable parameters, want %d", params, tc.params)
			}
		})
	}
}

// TestBranchedERFNetErrors checks that Validate and CheckInput name the culprit.
func TestBranchedERFNetErrors(t *testing.T) {
	cases := []struct {
		net  BranchedERFNet
		dims []int // nil: Validate only
		want string
	}{
		{BranchedERFNet{Dims: 4}, nil, "branched_erfnet.dims: want 2 or 3, got 4"},
		{BranchedERFNet{Dims: 2, InChannels: 16}, nil, "branched_erfnet.in_channels"},
		{BranchedERFNet{Dims: 2, Dropout: []float64{0.1}}, nil, "branched_erfnet.dropout: want 2 rates"},
		{BranchedERFNet{Dims: 2, Dropout: []float64{0.1, 1}}, nil, "branched_erfnet.dropout[1]"},
		{BranchedERFNet{Dims: 2}, []int{1, 1, 16, 20}, "spatial size 20 (axis 3 of [1 1 16 20]) is not a multiple of 8"},
		{BranchedERFNet{Dims: 3}, []int{1, 1, 12, 16, 16}, "spatial size 12 (axis 2"},
		{BranchedERFNet{Dims: 2}, []int{1, 16, 16, 16}, "input has 16 channels, want 1..15"},
		{BranchedERFNet{Dims: 2, InChannels: 1}, []int{1, 2, 16, 16}, "in_channels is 1"},
		{BranchedERFNet{Dims: 2}, []int{1, 1, 16}, "want [batch, channels, 2 spatial axes]"},
	}
	for _, tc := range cases {
		var err error
		if tc.dims == nil {
			err = tc.net.Validate()
		} else {
			if verr := tc.net.Validate(); verr != nil {
				t.Fatalf("%+v: %v", tc.net, verr)
			}
			err = tc.net.CheckInput(tc.dims)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v %v: error %v, want it to contain %q", tc.net, tc.dims, err, tc.want)
		}
	}
	if err := (BranchedERFNet{Dims: 3}).CheckInput([]int{2, 3, 8, 16, 24}); err != nil {
		t.Errorf("valid input refused: %v", err)
	}
}
