package infer

import (
	"context"
	"strings"
	"testing"
)

func TestPredictTCZYX(t *testing.T) {
	shape := []int{2, 3, 4, 10, 12}
	x := random(shape, 7)
	sel := []int{2, 0}
	for _, dims := range []int{2, 3} {
		win := []int{8, 8}
		if dims == 3 {
			win = []int{4, 8, 8}
		}
		var chans []int
		check := func(_ context.Context, in []float32, s []int) ([]float32, []int, error) {
			chans = append(chans, s[1])
			if len(s) != dims+2 {
				t.Fatalf("dims %d: predictor got shape %v", dims, s)
			}
			return in, s, nil
		}
		got, gs, err := PredictTCZYX(context.Background(), x, shape, Volume{Dims: dims, Channels: sel}, check,
			Options{Window: win, Overlap: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		if gs[0] != 2 || gs[1] != 2 || gs[2] != 4 || gs[3] != 10 || gs[4] != 12 {
			t.Fatalf("dims %d: output shape %v", dims, gs)
		}
		for _, c := range chans {
			if c != 2 {
				t.Fatalf("dims %d: predictor saw %d channels, want 2", dims, c)
			}
		}
		vox := 4 * 10 * 12
		for tt := 0; tt < 2; tt++ {
			for i, c := range sel {
				for v := 0; v < vox; v++ {
					want := x[(tt*3+c)*vox+v]
					if g := got[(tt*2+i)*vox+v]; g != want {
						t.Fatalf("dims %d: t=%d out channel %d (input %d) voxel %d = %v, want %v", dims, tt, i, c, v, g, want)
					}
				}
			}
		}
	}
	id := affine(t, [2]float32{1, 0})
	errCases := []struct {
		shape []int
		vol   Volume
		want  string
	}{
		{[]int{1, 1, 4, 4}, Volume{Dims: 2}, "5 dims"},
		{[]int{1, 2, 1, 4, 4}, Volume{Dims: 2, Channels: []int{2}}, "channel 2"},
		{[]int{1, 1, 1, 4, 4}, Volume{Dims: 4}, "2 or 3"},
	}
	for _, tc := range errCases {
		_, _, err := PredictTCZYX(context.Background(), make([]float32, prod(tc.shape)), tc.shape, tc.vol, id,
			Options{Window: []int{4, 4}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %+v: err = %v, want %q", tc.shape, tc.vol, err, tc.want)
		}
	}
}

func TestCast(t *testing.T) {
	x := []float32{-3.6, 0.4, 0.5, 254.7, 300, 70000}
	u8, _ := Cast(x, Uint8)
	want8 := []uint8{0, 0, 1, 255, 255, 255}
	for i, v := range u8.([]uint8) {
		if v != want8[i] {
			t.Fatalf("uint8 = %v, want %v", u8, want8)
		}
	}
	u16, _ := Cast(x, Uint16)
	want16 := []uint16{0, 0, 1, 255, 300, 65535}
	for i, v := range u16.([]uint16) {
		if v != want16[i] {
			t.Fatalf("uint16 = %v, want %v", u16, want16)
		}
	}
	i32, _ := Cast(x, Int32)
	if got := i32.([]int32); got[0] != -4 || got[5] != 70000 {
		t.Fatalf("int32 = %v", got)
	}
	f, _ := Cast(x, Float32)
	if f.([]float32)[0] != -3.6 {
		t.Fatal("float32 cast changed values")
	}
	for _, d := range []DType{Float32, Uint8, Uint16, Int32} {
		if p, err := ParseDType(d.String()); err != nil || p != d {
			t.Errorf("ParseDType(%q) = %v, %v", d, p, err)
		}
	}
	if _, err := ParseDType("int8"); err == nil {
		t.Error("ParseDType(int8): want an error")
	}
	if _, err := Cast(x, DType(9)); err == nil {
		t.Error("Cast to DType(9): want an error")
	}
}
