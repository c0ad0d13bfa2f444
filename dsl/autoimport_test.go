package dsl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestAutoImport checks goimports-style imports of packages used without one.
func TestAutoImport(t *testing.T) {
	cases := []struct {
		name    string
		cells   []string
		want    string // result of the last cell, or "error: SUBSTRING"
		logged  []string
		errLine int
		errCol  int
	}{
		{name: "fmt", cells: []string{"fmt.Sprint(1, 2)"}, want: `"1 2"`, logged: []string{`"fmt"`}},
		{name: "two packages, one cell", cells: []string{"strings.Repeat(strconv.Itoa(4), 2)"}, want: `"44"`, logged: []string{`"strconv"`, `"strings"`}},
		{name: "nested path", cells: []string{"filepath.Base(\"/a/b.go\")"}, want: `"b.go"`, logged: []string{`"path/filepath"`}},
		{name: "in a declaration", cells: []string{"func up(s string) string { return strings.ToUpper(s) }", "up(\"a\")"}, want: `"A"`, logged: []string{`"strings"`}},
		{name: "our plot package", cells: []string{"plot.Curves != nil"}, want: "true", logged: []string{`"plot"`}},
		{name: "logged once", cells: []string{"fmt.Sprint(1)", "fmt.Sprint(2)"}, want: `"2"`, logged: []string{`"fmt"`}},
		{name: "explicit import wins", cells: []string{"import \"crypto/rand\"\nrand.Reader != nil"}, want: "true"},
		{name: "a variable named like a package", cells: []string{"type S struct{ Join int }\nstrings := S{Join: 3}\nstrings.Join"}, want: "3"},
		{name: "a parameter named like a package", cells: []string{"func f(json struct{ Marshal int }) int { return json.Marshal }\nf(struct{ Marshal int }{7})"}, want: "7"},
		{name: "unknown package keeps a positioned error", cells: []string{"x := 1\nnopkg.Do(x)"}, want: "error: undefined: nopkg", errLine: 2, errCol: 1},
		{name: "unknown member is no import", cells: []string{"fmtx := 1\n_ = fmtx\nfmt.NoSuchFunc()"}, want: "error: ", errLine: 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			var logged []string
			s.SetLog(func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) })
			for i, cell := range c.cells {
				res, _, err := run(t, s, cell)
				if i < len(c.cells)-1 {
					if err != nil {
						t.Fatalf("cell %q: %v", cell, err)
					}
					continue
				}
				if want, ok := strings.CutPrefix(c.want, "error: "); ok {
					var e *Error
					if !errors.As(err, &e) || !strings.Contains(e.Msg, want) || e.Line != c.errLine || (c.errCol > 0 && e.Col != c.errCol) {
						t.Fatalf("cell %q: error %v, want %q at %d:%d", cell, err, want, c.errLine, c.errCol)
					}
				} else if err != nil || plain(res) != c.want {
					t.Fatalf("cell %q: %s %v, want %s", cell, plain(res), err, c.want)
				}
			}
			if len(logged) != len(c.logged) {
				t.Fatalf("logged %q, want %d lines naming %q", logged, len(c.logged), c.logged)
			}
			for i, l := range logged {
				if !strings.Contains(l, c.logged[i]) {
					t.Errorf("log line %q does not name %s", l, c.logged[i])
				}
			}
		})
	}
}
