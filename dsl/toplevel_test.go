package dsl

import (
	"errors"
	"strings"
	"testing"
)

// TestTopLevelStatements runs cells that yaegi v0.16.1 alone gets wrong at a
// cell's top level (see toplevel.go): each case is a sequence of cells, each
// with the stdout and the result it must give. Without fixTopLevel the first
// cases repeat their output in the later cells and the others fail with
// "undefined: a".
func TestTopLevelStatements(t *testing.T) {
	const setup = "import \"fmt\"\nfunc g() (int, error) { return 3, nil }\n"
	type cell struct{ src, stdout, result string }
	next := []cell{{"fmt.Println(\"two\")", "two\n", "<none>"}, {"fmt.Println(\"three\")", "three\n", "<none>"}}
	cases := []struct {
		name  string
		cells []cell
	}{
		{"literal called first", append([]cell{{"func() { fmt.Println(\"w\") }()", "w\n", "<none>"}}, next...)},
		{"literal with a result", append([]cell{{"func() int { fmt.Println(\"d\"); return 7 }()", "d\n", "7"}}, next...)},
		{"literal with arguments", append([]cell{{"func(s string) { fmt.Println(s) }(\"e\")", "e\n", "<none>"}}, next...)},
		{"literal first, more after", append([]cell{{"func() { fmt.Println(\"a\") }()\nfmt.Println(\"a2\")", "a\na2\n", "<none>"}}, next...)},
		{"literal assigns a cell variable", []cell{
			{"n := 1\nfunc() { n++ }()\nn", "", "2"},
			{"func() { n += 10 }()", "", "<none>"},
			{"n", "", "12"},
		}},
		{"define in a for body", []cell{{"s := 0\nfor i := 0; i < 3; i++ {\n\ta, err := g()\n\tif err == nil {\n\t\ts += a + i\n\t}\n}\ns", "", "12"}}},
		{"define in an if body", []cell{{"if true {\n\tb, err := g()\n\tfmt.Println(b, err)\n}", "3 <nil>\n", "<none>"}}},
		{"comma-ok map read in a block", []cell{{"m := map[string]int{\"x\": 1}\n{\n\tv, ok := m[\"x\"]\n\tfmt.Println(v, ok)\n}", "1 true\n", "<none>"}}},
		{"type assertion in a switch", []cell{{"var x any = 4\nswitch {\ndefault:\n\tn, ok := x.(int)\n\tfmt.Println(n, ok)\n}", "4 true\n", "<none>"}}},
		{"var spec in a range body", []cell{{"for _, w := range []string{\"q\"} {\n\tvar a, e = g()\n\tfmt.Println(w, a, e)\n}", "q 3 <nil>\n", "<none>"}}},
		{"labelled loop with break", []cell{{"k := 0\nouter:\nfor i := 0; i < 5; i++ {\n\tfor {\n\t\ta, _ := g()\n\t\tk += a\n\t\tif i == 1 {\n\t\t\tbreak outer\n\t\t}\n\t\tcontinue outer\n\t}\n}\nk", "", "6"}}},
		{"wrapped statement first, once", append([]cell{{"for i := 0; i < 2; i++ {\n\ta, _ := g()\n\tfmt.Println(a + i)\n}", "3\n4\n", "<none>"}}, next...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			if _, _, err := run(t, s, setup); err != nil {
				t.Fatal(err)
			}
			for i, cl := range c.cells {
				res, sink, err := run(t, s, cl.src)
				if err != nil {
					t.Fatalf("cell %d %q: %v", i+1, cl.src, err)
				}
				if got := sink.stream("stdout"); got != cl.stdout {
					t.Errorf("cell %d %q printed %q, want %q", i+1, cl.src, got, cl.stdout)
				}
				if got := plain(res); got != cl.result {
					t.Errorf("cell %d %q = %s, want %s", i+1, cl.src, got, cl.result)
				}
			}
		})
	}
}

// TestTopLevelDeferRefused checks that a defer outside a function is one error
// at the defer (it would run again after every later cell) and that the
// session goes on.
func TestTopLevelDeferRefused(t *testing.T) {
	cases := []struct {
		cell      string
		line, col int
	}{
		{"defer fmt.Println(\"x\")", 1, 1},
		{"fmt.Println(\"x\")\n  defer func() {}()", 2, 3},
		{"for i := 0; i < 1; i++ {\n\tdefer fmt.Println(i)\n}", 2, 2},
	}
	for _, c := range cases {
		s := newSession(t)
		run(t, s, "import \"fmt\"")
		_, sink, err := run(t, s, c.cell)
		var e *Error
		if !errors.As(err, &e) || e.Line != c.line || e.Col != c.col || !strings.Contains(e.Msg, "defer outside a function") {
			t.Errorf("%q: error %v, want the defer refused at %d:%d", c.cell, err, c.line, c.col)
		}
		if out := sink.stream("stdout"); out != "" {
			t.Errorf("%q: a refused cell printed %q", c.cell, out)
		}
		if res, _, err := run(t, s, "func() int { defer func() {}(); return 5 }()"); err != nil || plain(res) != "5" {
			t.Errorf("after %q: a defer inside a function gives %s, %v; want 5", c.cell, plain(res), err)
		}
	}
}

// TestTopLevelErrorColumns checks that errors inside rewritten statements point
// into the cell as written.
func TestTopLevelErrorColumns(t *testing.T) {
	checkErrorPositions(t, "import \"fmt\"\nfunc g() (int, error) { return 3, nil }", []errorPos{
		{"for i := 0; i < 1; i++ { a, err := g(); nope(a, err) }", 1, 41},
		{"if true {\n\ta, err := g()\n\tfmt.Println(a, err, nope)\n}", 3, 22},
		{"func() { fmt.Println(nope) }()", 1, 22},
	})
}

// FuzzFixTopLevel checks that the rewrite only inserts text (see
// checkInsertionsOnly) or refuses with a position inside the chunk.
func FuzzFixTopLevel(f *testing.F) {
	for _, s := range []string{"func() {}()", "for {\n\ta, b := f()\n}", "if x { var a, b = f() }", "defer f()", "l: for { v, ok := m[k] }", "x := 1 +"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, decl bool) {
		out, ins, e := fixTopLevel(text, decl, 1)
		if e != nil {
			if e.Line < 1 || e.Line > strings.Count(text, "\n")+1 || out != text {
				t.Fatalf("refusal of %q at %d:%d, text %q", text, e.Line, e.Col, out)
			}
			return
		}
		checkInsertionsOnly(t, text, out, ins)
	})
}
