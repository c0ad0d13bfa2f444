package dsl

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

// heapMiB returns the live heap after a full collection.
func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// TestReleaseTopLevelMemory runs cells that allocate 64 MiB each, four times,
// and wants the heap to hold one of them at most: temporaries and variables
// declared again are released.
func TestReleaseTopLevelMemory(t *testing.T) {
	for _, tc := range []struct{ name, cell string }{
		{"temporary", "len(make([]byte, 64<<20))"},
		{"redeclared", "x := make([]byte, 64<<20)\n_ = x"},
		{"loop", "for i := 0; i < 2; i++ { b := make([]byte, 32<<20); b[0] = 1 }"},
		{"slice of a temporary", "y := make([]byte, 64<<20)[:1]\n_ = y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New()
			if err != nil {
				t.Fatal(err)
			}
			base := heapMiB()
			for i := 0; i < 4; i++ {
				if _, err := s.Execute(context.Background(), tc.cell, DiscardSink{}); err != nil {
					t.Fatal(err)
				}
			}
			if grew := heapMiB() - base; grew > 64+16 {
				t.Errorf("heap grew %.0f MiB over 4 cells of 64 MiB, want ≤ 80", grew)
			}
			runtime.KeepAlive(s)
		})
	}
}

// TestReleaseKeepsSemantics runs cells whose later cells read what earlier
// cells left behind: releasing must not change what they see.
func TestReleaseKeepsSemantics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []string
		want  string
	}{
		{"pointer to redeclared variable", []string{"x := []int{1, 2}", "p := &x", "x := []int{3}", "len(*p)*10 + len(x)"}, "21"},
		{"function sees a redeclared variable of the same type", []string{"n := 1", "func f() int { return n }", "n := 2", "f()"}, "2"},
		{"function keeps a variable declared again with another type", []string{"m := 1", "func g() int { return m }", "m := \"s\"", "g()"}, "1"},
		{"goroutines reading loop variables", []string{
			"ch := make(chan int, 3)",
			"for i := 1; i <= 3; i++ { v := i * 10; go func() { time.Sleep(20 * time.Millisecond); ch <- v }() }",
			"<-ch + <-ch + <-ch"}, "60"},
		{"closure over a block variable", []string{"var h func() int", "{ t := []int{1, 2, 3}; h = func() int { return len(t) } }", "h()"}, "3"},
		{"method value from a block", []string{"type T struct{ n int }\nfunc (t T) N() int { return t.n }", "var k func() int", "{ t := T{5}; k = t.N }", "k()"}, "5"},
		{"loop result", []string{"sum := 0\nfor i := 0; i < 5; i++ { b := make([]byte, 10); sum += len(b) }", "sum"}, "50"},
		{"variable declared in a failed cell", []string{"z := 7", "z := 8\npanic(\"x\")", "z"}, "8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New()
			if err != nil {
				t.Fatal(err)
			}
			var res Result
			for i, c := range tc.cells {
				res, err = s.Execute(context.Background(), c, DiscardSink{})
				if err != nil && i < len(tc.cells)-1 && !strings.Contains(c, "panic(") {
					t.Fatalf("cell %d %q: %v", i, c, err)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Data["text/plain"]; got != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
}
