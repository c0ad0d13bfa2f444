package dsl

import (
	"context"
	"errors"
	"fmt"
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
		{"panic in go f(x) of a named function", []string{
			"func work(n int, s string, done chan bool) { defer close(done); panic(fmt.Sprint(\"named \", n, s)) }",
			// The deferred close runs before the guard's recover records the
			// panic: the cell waits a moment for it.
			"d := make(chan bool)\ni := 1\ngo work(i, \"x\", d)\ni = 2\n<-d\ntime.Sleep(50 * time.Millisecond)"}, 1,
			"panic in a goroutine that this cell started: named 1x"},
		{"panic in go v.m(x) of a method value with a float constant", []string{
			"type acc struct{ done chan bool }\nfunc (a acc) add(v float64, p *int) { defer close(a.done); panic(fmt.Sprint(\"method \", v, p == nil)) }",
			"a := acc{make(chan bool)}\ngo a.add(3, nil)\n<-a.done\ntime.Sleep(50 * time.Millisecond)"}, 1,
			"panic in a goroutine that this cell started: method 3 true"},
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

// A guarded `go f(…)` of a named function still runs with the arguments the
// go statement evaluated (variadic, interfaces, nil), and still refuses
// arguments of the wrong type at compile time, at the argument's column.
func TestGuardedNamedGoroutines(t *testing.T) {
	for _, tc := range []struct {
		name, decl, cell, want string
	}{
		{"variadic", "func sum(out chan int, xs ...int) { s := 0; for _, x := range xs { s += x }; out <- s }",
			"out := make(chan int)\ngo sum(out, 1, 2, 3)\n<-out", "6"},
		{"interface and nil", "func kind(out chan string, v any, e error) { out <- fmt.Sprintf(\"%T %v\", v, e == nil) }",
			"out := make(chan string)\ngo kind(out, 2.5, nil)\n<-out", "float64 true"},
		{"arguments evaluated by the go statement", "func get(out chan int, n int) { out <- n }",
			"out := make(chan int)\nn := 7\ngo get(out, n)\nn = 8\n<-out", "7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Execute(context.Background(), tc.decl, DiscardSink{}); err != nil {
				t.Fatal(err)
			}
			res, err := s.Execute(context.Background(), tc.cell, DiscardSink{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Trim(fmt.Sprint(res.Data["text/plain"]), `"`); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(context.Background(), "func take(n int) {}", DiscardSink{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Execute(context.Background(), "go take(\"x\")", DiscardSink{})
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrCompile || e.Line != 1 {
		t.Fatalf("wrong argument type: got %v, want a compile error on line 1", err)
	}
}
