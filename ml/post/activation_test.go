package post

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSigmoid(t *testing.T) {
	in := []float32{0, 2, -2, 100, -100}
	want := []float64{0.5, 0.8807970779778823, 0.11920292202211755, 1, 0}
	got := Sigmoid(in)
	for i := range want {
		if !near(float64(got[i]), want[i], 1e-7) {
			t.Errorf("Sigmoid(%v) = %v, want %v", in[i], got[i], want[i])
		}
	}
}

func TestSoftmaxAndArgmax(t *testing.T) {
	// Two channels over three positions, channel-first.
	x := []float32{0, 1, 5, 0, 3, 5}
	got, err := Softmax(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Position 1: exp(1)/(exp(1)+exp(3)) = 1/(1+e^2).
	want := []float64{0.5, 1 / (1 + math.Exp(2)), 0.5, 0.5, 1 / (1 + math.Exp(-2)), 0.5}
	for i := range want {
		if !near(float64(got[i]), want[i], 1e-7) {
			t.Errorf("softmax[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	am, err := Argmax([]float32{0, 4, 1, 2, 3, 1, 1, 5, 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{1, 2, 0}; am[0] != want[0] || am[1] != want[1] || am[2] != want[2] {
		t.Errorf("Argmax = %v, want %v (ties go to the first channel)", am, want)
	}
}

func TestChannelErrors(t *testing.T) {
	if _, err := Softmax(make([]float32, 5), 2); err == nil {
		t.Error("Softmax of 5 values in 2 channels: want an error")
	}
	if _, err := Argmax(make([]float32, 4), 0); err == nil {
		t.Error("Argmax with 0 channels: want an error")
	}
}
