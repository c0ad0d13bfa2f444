package bench

import "testing"

func TestProcessCPUSeconds(t *testing.T) {
	c0 := ProcessCPUSeconds()
	if c0 < 0 {
		t.Skip("no /proc/self/stat")
	}
	x := 0.0
	for i := 0; i < 30_000_000; i++ { // burn ~30 ms of CPU
		x += float64(i) * 1e-9
	}
	if c1 := ProcessCPUSeconds(); c1 < c0 || x == 0 {
		t.Fatalf("CPU time went from %v to %v", c0, c1)
	}
}
