package dsl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestGoroutinePanics runs cells whose goroutines panic and wants the panic as
// the error of the cell that started them, or of the next cell when that one had
// ended, with the session alive.
func TestGoroutinePanics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []string
		fail  int // index of the cell that should fail
		want  string
	}{
		{"panic before the cell ends", []string{
			"done := make(chan bool)\ngo func() { defer close(done); panic(\"boom\") }()\n<-done"}, 0,
			"panic in a goroutine that this cell started: boom"},
		{"panic after the cell ended", []string{
			"start := make(chan bool)\ngo func() { <-start; panic(\"late\") }()",
			"close(start)\ntime.Sleep(50 * time.Millisecond)",
			"1+1"}, 1,
			"panic in a goroutine that an earlier cell started, while this cell ran: late"},
		{"panic between cells", []string{
			"go func() { time.Sleep(30 * time.Millisecond); panic(\"between\") }()",
			"", // the test waits 100 ms
			"1+1"}, 2,
			"panic in a goroutine that an earlier cell started, after that cell ended: between; this cell did not run"},
		{"run-time error in a goroutine of a declared function", []string{
			"func spawn(done chan bool) { go func() { defer close(done); var m map[string]int; m[\"a\"] = 1 }() }",
			"d := make(chan bool)\nspawn(d)\n<-d"}, 1,
			"assignment to entry in nil map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New()
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range tc.cells {
				if c == "" {
					time.Sleep(100 * time.Millisecond)
					continue
				}
				_, err := s.Execute(context.Background(), c, DiscardSink{})
				if i != tc.fail {
					if err != nil {
						t.Fatalf("cell %d: %v", i, err)
					}
					continue
				}
				var e *Error
				if !errors.As(err, &e) || e.Name != ErrPanic || !strings.Contains(e.Msg, tc.want) {
					t.Fatalf("cell %d: got %v, want a panic error with %q", i, err, tc.want)
				}
			}
			res, err := s.Execute(context.Background(), "1+1", DiscardSink{})
			if err != nil || res.Data["text/plain"] != "2" {
				t.Fatalf("after: %v %v", res, err)
			}
		})
	}
}

// TestGuardGoroutinesColumns checks the rewrite and that error columns map back.
func TestGuardGoroutinesColumns(t *testing.T) {
	text, ins := guardGoroutines("x := 1\ngo func(n int, s ...string) { y := x }(2, \"a\")", false, 1)
	want := "go func(" + goCellParam + ", n int, s ...string) {" + goGuardCode + " y := x }(" + goCellArg + ", 2, \"a\")"
	if !strings.Contains(text, want) {
		t.Fatalf("got %q", text)
	}
	// "y" is at column 33 as written.
	if col := originalCol(ins, 2, 33+len(goCellParam)+2+len(goGuardCode)); col != 33 {
		t.Errorf("column %d, want 33", col)
	}
}
