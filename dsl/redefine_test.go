package dsl

import (
	"strings"
	"testing"
)

// TestRedefinition checks that a type, function or method declared again in a
// later cell takes effect for the code that follows, including code of earlier
// cells that uses it, and that what cannot follow fails loudly.
func TestRedefinition(t *testing.T) {
	cases := []struct {
		name  string
		cells []string // a trailing "!" marks a cell that may fail
		want  string   // result of the last cell, or "error: SUBSTRING"
	}{
		{"type gains a field", []string{"type T struct{A int}", "type T struct{A, B int}", "T{A: 1, B: 2}"}, "{1 2}"},
		{"type keeps its methods", []string{"type T struct{A int}\nfunc (t T) Get() int { return t.A }", "type T struct{A, B int}", "T{A: 1, B: 2}.Get()"}, "1"},
		{"method body", []string{"type Q struct{}\nfunc (Q) M() int { return 1 }", "func (Q) M() int { return 2 }", "Q{}.M()"}, "2"},
		{"method on an old value", []string{"type Q struct{}\nfunc (Q) M() int { return 1 }", "q := Q{}", "func (Q) M() int { return 2 }", "q.M()"}, "2"},
		{"pointer method", []string{"type Q struct{ n int }\nfunc (q *Q) M() int { return 1 }", "func (q *Q) M() int { return 2 }", "(&Q{}).M()"}, "2"},
		{"String method seen by fmt", []string{"import \"fmt\"\ntype Q struct{}\nfunc (Q) String() string { return \"old\" }", "func (Q) String() string { return \"new\" }", "fmt.Sprint(Q{})"}, `"new"`},
		{"type and method in one cell, run again edited", []string{"type Q struct{}\nfunc (Q) M() int { return 1 }", "type Q struct{ X int }\nfunc (Q) M() int { return 2 }", "Q{X: 1}.M()"}, "2"},
		{"function", []string{"func f() int { return 1 }", "func f() int { return 2 }", "f()"}, "2"},
		{"caller of a redefined function", []string{"func f() int { return 1 }", "func g() int { return f() + 10 }", "func f() int { return 2 }", "g()"}, "12"},
		{"transitive callers", []string{"func f() int { return 1 }", "func g() int { return f() }", "func h() int { return g() }", "func f() int { return 3 }", "h()"}, "3"},
		{"function of a redefined type", []string{"type T struct{A int}", "func mk() T { return T{A: 5} }", "type T struct{A, B int}", "var z T = mk()\nz"}, "{5 0}"},
		{"method calling a redefined function", []string{"func f() int { return 1 }\ntype Q struct{}\nfunc (Q) M() int { return f() }", "func f() int { return 4 }", "Q{}.M()"}, "4"},
		{"type using a redefined type", []string{"type A struct{X int}", "type B struct{ In A }", "type A struct{X, Y int}", "B{In: A{Y: 2}}.In.Y"}, "2"},
		{"same cell run again", []string{"type T struct{A int}\nfunc (t T) Get() int { return t.A }", "x := T{A: 3}", "type T struct{A int}\nfunc (t T) Get() int { return t.A }", "var y T\ny = x\ny.Get()"}, "3"},
		{"function becomes a type", []string{"func K() int { return 1 }", "type K struct{ V int }", "K{V: 2}.V"}, "2"},
		{"generic type", []string{"type Box[V any] struct{ v V }", "type Box[V any] struct{ v, w V }", "Box[int]{v: 1, w: 2}.w"}, "2"},
		{"dependant that no longer compiles", []string{"type T struct{A int}", "func get(t T) int { return t.A }", "type T struct{B int}"}, "error: func get"},
		{"forgotten dependant is undefined, not old", []string{"type T struct{A int}", "func get(t T) int { return t.A }", "type T struct{B int}!", "get(T{})"}, "error: undefined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			for i, cell := range c.cells {
				cell, mayFail := strings.CutSuffix(cell, "!") // a cell whose failure is expected
				res, _, err := run(t, s, cell)
				if mayFail {
					continue
				}
				last := i == len(c.cells)-1
				if want, ok := strings.CutPrefix(c.want, "error: "); ok && last {
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Fatalf("cell %q: error %v, want one containing %q", cell, err, want)
					}
					return
				}
				if err != nil {
					t.Fatalf("cell %q: %v", cell, err)
				}
				if last && plain(res) != c.want {
					t.Errorf("%q = %s, want %s", cell, plain(res), c.want)
				}
			}
		})
	}
}
