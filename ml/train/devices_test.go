package train

import (
	stdctx "context"
	"fmt"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/distributed"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// TestDevices: trainer.devices 0 and 1 train on one device; a negative value is
// a config problem; more devices than the backend has is a clear error at NewTask.
func TestDevices(t *testing.T) {
	for _, tc := range []struct {
		devices int
		wantErr string // "" means training works
	}{
		{0, ""},
		{1, ""},
		{-1, "trainer.devices: must not be negative, got -1"},
		{2, "trainer.devices: 2 devices asked for, but backend"},
	} {
		t.Run(fmt.Sprint(tc.devices), func(t *testing.T) {
			tr, err := New(testBackend(t), mlp(4, 1), mse, nil, Config{Epochs: 1, Seed: 1, Devices: tc.devices})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Fit(stdctx.Background(), regressionData(8, 4, 1), nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestShardSplitsTheBatch: data-parallel steps split the batch inputs along the
// batch axis and replicate the step and learning rates; a batch that does not
// divide evenly is an error naming trainer.batch_size.
func TestShardSplitsTheBatch(t *testing.T) {
	dp, err := newMesh(2)
	if err != nil {
		t.Fatal(err)
	}
	x := tensors.FromFlatDataAndDimensions([]float32{0, 1, 2, 3, 4, 5, 6, 7}, 4, 1, 2)
	y := tensors.FromFlatDataAndDimensions([]float32{10, 11, 12, 13, 14, 15, 16, 17}, 4, 1, 2)
	for _, tc := range []struct {
		name    string
		args    []*tensors.Tensor
		batch   int
		want    []string // each input's shards, as fmt prints their flat data
		wantErr string
	}{
		{"x y step lr", []*tensors.Tensor{x, y, tensors.FromScalar(float32(3)), tensors.FromScalar(float32(0.5))}, 2,
			[]string{"[[0 1 2 3] [4 5 6 7]]", "[[10 11 12 13] [14 15 16 17]]", "[[3] [3]]", "[[0.5] [0.5]]"}, ""},
		{"odd batch", []*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float32{1, 2, 3}, 3, 1), tensors.FromScalar(float32(1))}, 1,
			nil, "make trainer.batch_size a multiple of 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := dp.shard(tc.args, tc.batch)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range in {
				dt, ok := a.(*distributed.Tensor)
				if !ok {
					t.Fatalf("input %d is a %T, want a *distributed.Tensor", i, a)
				}
				var got []string
				for _, s := range dt.Shards() {
					flat, err := tensors.CopyFlatData[float32](s)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, fmt.Sprint(flat))
				}
				if s := "[" + strings.Join(got, " ") + "]"; s != tc.want[i] {
					t.Errorf("input %d shards %s, want %s", i, s, tc.want[i])
				}
				if i < tc.batch && dt.Shape().Dimensions[0] != tc.args[i].Shape().Dimensions[0] {
					t.Errorf("input %d: logical shape %v, want %v", i, dt.Shape(), tc.args[i].Shape())
				}
			}
		})
	}
}
