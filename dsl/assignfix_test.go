package dsl

import (
	"errors"
	"strings"
	"testing"
)

// TestParallelAssign checks parallel assignments whose right-hand sides include
// calls, composite literals and receives: yaegi v0.16.1 alone drops the other
// pairs (see assignfix.go).
func TestParallelAssign(t *testing.T) {
	const setup = "import (\n\t\"fmt\"\n\t\"strings\"\n)\n" +
		"type T struct{ Title string; N int }\n" +
		"func two() string { return \"two\" }\n"
	cases := []struct {
		name, cell, want string
	}{
		{"fields, call first", "var a, b T\na.Title, b.Title = fmt.Sprintf(\"x%d\", 1), \"y\"\na.Title + \",\" + b.Title", `"x1,y"`},
		{"fields, call last", "var a, b T\na.Title, b.Title = \"y\", fmt.Sprintf(\"x%d\", 1)\na.Title + \",\" + b.Title", `"y,x1"`},
		{"pointer fields", "a, b := &T{}, &T{}\na.Title, b.N = two(), 3\nfmt.Sprint(a.Title, b.N)", `"two3"`},
		{"map entries", "m := map[string]string{}\nm[\"a\"], m[\"b\"] = two(), \"y\"\nfmt.Sprint(m)", `"map[a:two b:y]"`},
		{"index expressions", "s := []string{\"p\", \"q\"}\ns[0], s[1] = two(), \"y\"\nstrings.Join(s, \",\")", `"two,y"`},
		{"index with hoisted operand", "s := []string{\"p\", \"q\"}\ni := 0\ni, s[i] = 1, two()\nfmt.Sprint(i, s)", `"1 [two q]"`},
		{"plain variables", "var p, q string\np, q = two(), \"y\"\np + q", `"twoy"`},
		{"builtin call and float", "var n int\nvar f float64\nn, f = len(\"abc\"), 2.5\nfmt.Sprint(n, f)", `"3 2.5"`},
		{"define with composite literal", "x, y := T{Title: \"c\"}, 3\nfmt.Sprint(x.Title, y)", `"c3"`},
		{"var with composite literal", "var x, y = T{Title: \"c\"}, 3\nfmt.Sprint(x.Title, y)", `"c3"`},
		{"package-level var spec", "var gx, gy = two(), 4\nfunc show() string { return fmt.Sprint(gx, gy) }\nshow()", `"two4"`},
		{"receive", "ch := make(chan string, 1)\nch <- \"r\"\nvar p, q string\np, q = <-ch, \"z\"\np + q", `"rz"`},
		{"mixed calls", "var a T\nvar n int\na.Title, n, a.N = strings.ToUpper(two()), len(two()), 7\nfmt.Sprint(a.Title, n, a.N)", `"TWO3 7"`},
		{"swap with a call", "x, y := 1, 2\nx, y = y, int(len(two()))+x\nfmt.Sprint(x, y)", `"2 4"`},
		{"inside a function", "func f() string { var u, v string; u, v = two(), \"y\"; return u + v }\nf()", `"twoy"`},
		{"for post statement", "k := 0\nfor i, j := len(two()), 0; j < 2; i, j = i+len(two()), j+1 { k = i }\nk", "6"},
		{"already parenthesised", "var p, q string\np, q = (two()), \"y\"\np + q", `"twoy"`},
		{"interface destination", "var e any\nvar n int\ne, n = T{Title: \"w\"}, 5\nfmt.Sprint(e, n)", `"{w 0} 5"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			if _, _, err := run(t, s, setup); err != nil {
				t.Fatal(err)
			}
			res, _, err := run(t, s, c.cell)
			if err != nil {
				t.Fatalf("%q: %v", c.cell, err)
			}
			if got := plain(res); got != c.want {
				t.Errorf("%q = %s, want %s", c.cell, got, c.want)
			}
		})
	}
}

// TestParallelAssignErrorColumns checks that error columns point into the cell as
// written, not into the parenthesised rewrite.
func TestParallelAssignErrorColumns(t *testing.T) {
	checkErrorPositions(t, "import \"fmt\"", []errorPos{
		{"var a, b string\na, b = fmt.Sprint(1), nope", 2, 23},
		{"var a, b string\na, b = fmt.Sprint(nope), \"x\"", 2, 19},
		{"var a, b int\na, b = len(\"x\"), \"y\"", 2, 18},
	})
}

// errorPos is a cell that must fail at line:col of the cell as written.
type errorPos struct {
	cell      string
	line, col int
}

// checkErrorPositions runs each cell in a new session after setup and wants
// its error at the given position (not one in a rewritten text).
func checkErrorPositions(t *testing.T, setup string, cases []errorPos) {
	t.Helper()
	for _, c := range cases {
		s := newSession(t)
		run(t, s, setup)
		_, _, err := run(t, s, c.cell)
		var e *Error
		if !errors.As(err, &e) || e.Line != c.line || e.Col != c.col {
			t.Errorf("%q: error %v, want at %d:%d", c.cell, err, c.line, c.col)
		}
	}
}

func TestOriginalCol(t *testing.T) {
	ins := []insertion{{line: 2, col: 5, n: 1}, {line: 2, col: 10, n: 1}}
	cases := []struct{ line, col, want int }{
		{1, 7, 7}, {2, 4, 4}, {2, 5, 5}, {2, 6, 5}, {2, 9, 8}, {2, 11, 10}, {2, 12, 10}, {2, 13, 11},
	}
	for _, c := range cases {
		if got := originalCol(ins, c.line, c.col); got != c.want {
			t.Errorf("originalCol(%d:%d) = %d, want %d", c.line, c.col, got, c.want)
		}
	}
}

// FuzzFixParallelAssign checks that the rewrite only inserts parentheses: deleting
// the inserted bytes gives the input back, line structure is kept, and every
// inserted position maps back to itself.
func FuzzFixParallelAssign(f *testing.F) {
	for _, s := range []string{"a, b = f(), 1", "x, y := T{}, <-c", "var p, q = g(), 2", "a.B, c[d] = e(f()), g{}\n", "a, b = (f()), 1", "x := 1 +"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, decl bool) {
		out, ins := fixParallelAssign(text, decl, 1)
		checkInsertionsOnly(t, text, out, ins)
	})
}

// checkInsertionsOnly fails t unless out is text with the insertions ins made and
// nothing else: the same lines, and deleting the inserted bytes (found through
// originalCol) gives each line back.
func checkInsertionsOnly(t *testing.T, text, out string, ins []insertion) {
	t.Helper()
	if len(ins) == 0 {
		if out != text {
			t.Fatalf("changed without insertions: %q -> %q", text, out)
		}
		return
	}
	if strings.Count(out, "\n") != strings.Count(text, "\n") {
		t.Fatalf("lines changed: %q -> %q", text, out)
	}
	lines, outLines := strings.Split(text, "\n"), strings.Split(out, "\n")
	for i := range lines {
		var kept strings.Builder
		for col := 1; col <= len(outLines[i]); col++ {
			o := originalCol(ins, i+1, col)
			inserted := false
			for _, in := range ins {
				if in.line == i+1 && o == in.col && originalCol(ins, i+1, col+1) == o {
					inserted = true
				}
			}
			if !inserted {
				kept.WriteByte(outLines[i][col-1])
			}
		}
		if kept.String() != lines[i] {
			t.Fatalf("line %d: %q rewritten as %q, mapped back to %q", i+1, lines[i], outLines[i], kept.String())
		}
	}
}
