package dsl

import (
	"strconv"
	"strings"
	"testing"
)

func TestSplitCell(t *testing.T) {
	cases := []struct {
		name, cell string
		want       []string // "d@line" or "s@line"
	}{
		{"statements", "x := 1\ny := 2", []string{"s@1"}},
		{"declarations", "import \"fmt\"\nfunc f() {}\ntype T int", []string{"d@1"}},
		{"mixed", "import \"fmt\"\nx := 1\nfunc f() int {\n\treturn x\n}\nfmt.Println(f())", []string{"d@1", "s@2", "d@3", "s@6"}},
		{"method", "func (t T) M() {}\nt.M()", []string{"d@1", "s@2"}},
		{"func literal call", "func() { x++ }()\nvar y = 2", []string{"s@1", "d@2"}},
		{"func literal with results", "func(a int) int { return a }(3)", []string{"s@1"}},
		{"nested braces", "if x {\nvar y = 1\n_ = y\n}\nconst c = 2", []string{"s@1", "d@5"}},
		{"leading comment and blanks", "// comment\n\nx := 1\n", []string{"s@3"}},
		{"empty", "", nil},
		{"only comment", "// nothing", nil},
	}
	for _, c := range cases {
		var got []string
		for _, ch := range splitCell(c.cell) {
			k := "s"
			if ch.decl {
				k = "d"
			}
			got = append(got, k+"@"+strconv.Itoa(ch.startLine))
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPlanCellKeepsLineNumbers(t *testing.T) {
	cell := "x := 1\n%env A=1\ny := 2\n!echo hi\nfunc f() {}"
	items := planCell(cell)
	var got []string
	for _, it := range items {
		if it.magic != "" {
			got = append(got, it.magic+"@"+strconv.Itoa(it.line))
		} else {
			got = append(got, "code@"+strconv.Itoa(it.chunk.startLine))
		}
	}
	want := "code@1,%env A=1@2,code@3,!echo hi@4,code@5"
	if strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestLastExpr(t *testing.T) {
	cases := []struct {
		text, fun string
		ok        bool
	}{
		{"x + 1", "", true},
		{"fmt.Println(x)", "fmt.Println", true},
		{"obj.Method(1, 2)", "obj.Method", true},
		{"get()(3)", "", true},
		{"x := 1", "", false},
		{"for {}", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		_, fun, ok := lastExpr(c.text)
		if ok != c.ok || fun != c.fun {
			t.Errorf("%q: got %q %v, want %q %v", c.text, fun, ok, c.fun, c.ok)
		}
	}
}

// FuzzSplitCell checks that splitting never panics, keeps every line exactly
// once and in order, and only starts chunks where the kind changes.
func FuzzSplitCell(f *testing.F) {
	for _, s := range []string{"x := 1", "import \"fmt\"\nfmt.Println(1)", "func (a A) B() {}\nfunc() {}()", "{\n(\n", "`raw\nstring`\nvar x", "%magic\n!cmd\nx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		chunks := splitCell(cell)
		var rebuilt strings.Builder
		prevEnd := 0
		for i, c := range chunks {
			if c.startLine <= prevEnd {
				t.Fatalf("chunk %d starts at line %d, before the previous end %d", i, c.startLine, prevEnd)
			}
			if i > 0 && chunks[i-1].decl == c.decl {
				t.Fatalf("chunks %d and %d have the same kind", i-1, i)
			}
			prevEnd = c.startLine + strings.Count(c.text, "\n") - 1
			rebuilt.WriteString(c.text)
		}
		if len(chunks) > 0 {
			lines := strings.SplitAfter(cell, "\n")
			if want := strings.Join(lines[chunks[0].startLine-1:], ""); rebuilt.String() != want {
				t.Fatalf("chunks do not cover the cell from line %d: %q vs %q", chunks[0].startLine, rebuilt.String(), want)
			}
		}
		planCell(cell)
		lastExpr(cell)
	})
}
