package dsl

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorPositions(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		cell      string
		name      string
		line, col int
		msg       string
	}{
		{"undefinedVar + 1", ErrCompile, 1, 1, "undefined: undefinedVar"},
		{"a := 1\n_ = a\nprintln(a + nope)", ErrCompile, 3, 13, "undefined: nope"},
		{"import \"fmt\"\n\nfunc f() int {\n\treturn \"s\"\n}\nfmt.Println(f())", ErrCompile, 4, 9, ""},
		{"x := 1\nx +", ErrCompile, 2, 1, ""},
		{"b := 1 + nope", ErrCompile, 1, 10, "undefined: nope"},
		{"c := 2\nd := c * missing", ErrCompile, 2, 10, "undefined: missing"},
		{"var e = notThere", ErrCompile, 1, 9, "undefined: notThere"},
		{"var q int = \"text\"", ErrCompile, 1, 13, "cannot convert"},
		{"panic(\"boom\")", ErrPanic, 1, 1, "boom"},
		{"func inner() { panic(\"deep\") }\nfunc outer() { inner() }\n\nouter()", ErrPanic, 4, 1, "deep"},
		{"import \"strings\"\n_ = strings.Repeat(\"x\", -1)", ErrPanic, 0, 0, "strings: negative Repeat count"},
		{"var arr []int\n_ = arr[3]", ErrPanic, 0, 0, "index out of range"},
	}
	for _, c := range cases {
		_, _, err := run(t, s, c.cell)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("cell %q: error %v (%T), want *Error", c.cell, err, err)
			continue
		}
		if e.Name != c.name || (c.line != 0 && e.Line != c.line) || (c.col != 0 && e.Col != c.col) ||
			!strings.Contains(e.Msg, c.msg) {
			t.Errorf("cell %q: got %s %d:%d %q, want %s %d:%d containing %q", c.cell, e.Name, e.Line, e.Col, e.Msg,
				c.name, c.line, c.col, c.msg)
		}
	}
	// Run-time errors of expressions: yaegi does not know where in the cell they happen,
	// so no (wrong) position is given for the cell's own statements; a call site is kept.
	for _, c := range []struct {
		cell      string
		line, col int
		msg       string
	}{
		{"a := []int{1}\ni := 3\n_ = 0\nb := a[i]\n_ = b", 0, 0, "runtime error: index out of range"},
		{"type P struct{ X int }\nvar p *P\n_ = p.X", 0, 0, "nil pointer dereference"},
		{"w := 1\nz := 0\n_ = w / z", 0, 0, "integer divide by zero"},
		{"func g() int { var s []int; return s[2] }\n\nv := g()\n_ = v", 3, 6, "index out of range"},
	} {
		_, _, err := run(t, s, c.cell)
		var e *Error
		if !errors.As(err, &e) || e.Name != ErrPanic || e.Line != c.line || e.Col != c.col || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("cell %q: got %v, want panic at %d:%d containing %q", c.cell, err, c.line, c.col, c.msg)
		}
	}
	// Several syntax errors: the first is the error, the others follow in Trace.
	_, _, err0 := run(t, s, "a := (1 +\nb := 2 +")
	var e0 *Error
	if !errors.As(err0, &e0) || e0.Name != ErrCompile || e0.Line != 2 || len(e0.Trace) == 0 ||
		!strings.HasPrefix(e0.Trace[0], "cell:") {
		t.Errorf("several syntax errors: %+v", e0)
	}
	// The interpreted frames of a panic, innermost first, start the trace.
	_, sink, err := run(t, s, "func f2() {\n\tvar m map[string]int\n\tm[\"x\"] = 1\n}\nf2()")
	var e *Error
	if !errors.As(err, &e) || e.Line != 5 || len(e.Trace) < 2 || !strings.HasSuffix(e.Trace[0], " in f2") ||
		e.Trace[1] != "  at line 5:1 in cell" || !strings.Contains(e.Msg, "nil map") {
		t.Errorf("panic frames: %+v %q", e, e.Trace)
	}
	if strings.Contains(sink.stream("stderr"), "panic: ") {
		t.Errorf("yaegi's panic lines leaked to stderr: %q", sink.stream("stderr"))
	}
	// The session survives all of the above.
	res, _, err := run(t, s, "1 + 1")
	if err != nil || plain(res) != "2" {
		t.Fatalf("after errors: %v %v", plain(res), err)
	}
}
