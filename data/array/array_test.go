package array

import (
	"strings"
	"testing"
)

func iota(shape ...int) *Array {
	a := New(shape...)
	for i := range a.Data {
		a.Data[i] = float32(i)
	}
	return a
}

func TestCrop(t *testing.T) {
	a := iota(2, 3, 4) // C=2, Y=3, X=4
	tests := []struct {
		start, size []int
		want        []float32
	}{
		{[]int{0, 0, 0}, []int{1, 1, 2}, []float32{0, 1}},
		{[]int{1, 1, 1}, []int{1, 2, 2}, []float32{17, 18, 21, 22}},
		{[]int{0, 2, 3}, []int{2, 1, 1}, []float32{11, 23}},
	}
	for _, tc := range tests {
		got, err := a.Crop(tc.start, tc.size)
		if err != nil {
			t.Fatal(err)
		}
		if !SameShape(got.Shape, tc.size) {
			t.Errorf("crop %v %v: shape %v", tc.start, tc.size, got.Shape)
		}
		for i := range tc.want {
			if got.Data[i] != tc.want[i] {
				t.Errorf("crop %v %v: got %v want %v", tc.start, tc.size, got.Data, tc.want)
				break
			}
		}
	}
	if _, err := a.Crop([]int{0, 2, 0}, []int{1, 2, 1}); err == nil || !strings.Contains(err.Error(), "leaves shape") {
		t.Errorf("out-of-range crop: err = %v", err)
	}
	if _, err := a.Crop([]int{0, 0}, []int{1, 1}); err == nil {
		t.Error("rank-mismatched crop accepted")
	}
}

func TestFromDataAndCheck(t *testing.T) {
	if _, err := FromData(make([]float32, 5), 2, 3); err == nil || !strings.Contains(err.Error(), "[2 3] needs 6") {
		t.Errorf("err = %v", err)
	}
	if _, err := FromData(nil, 2, -1); err == nil {
		t.Error("negative extent accepted")
	}
	a := &Array{Shape: []int{2, 2}, Data: make([]float32, 3)}
	if a.Check() == nil {
		t.Error("Check accepted 3 values for [2 2]")
	}
}

func TestSampleSpatial(t *testing.T) {
	s := NewSample("x")
	s.Arrays["IM"] = New(2, 4, 5)
	s.Arrays["GT"] = New(1, 4, 5)
	sp, err := s.Spatial()
	if err != nil || !SameShape(sp, []int{4, 5}) {
		t.Fatalf("Spatial = %v, %v", sp, err)
	}
	s.Arrays["CM"] = New(1, 4, 6)
	_, err = s.Spatial()
	if err == nil || !strings.Contains(err.Error(), "[4 6]") || !strings.Contains(err.Error(), "[4 5]") {
		t.Errorf("err = %v", err)
	}
}

func TestChannelAndMinMax(t *testing.T) {
	a := iota(3, 2, 2)
	c := a.Channel(1)
	if !SameShape(c.Shape, []int{1, 2, 2}) || c.Data[0] != 4 || c.Data[3] != 7 {
		t.Errorf("Channel(1) = %v %v", c.Shape, c.Data)
	}
	lo, hi := a.MinMax()
	if lo != 0 || hi != 11 {
		t.Errorf("MinMax = %v %v", lo, hi)
	}
}
