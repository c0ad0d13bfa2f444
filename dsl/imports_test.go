package dsl

import (
	"strings"
	"testing"
)

func TestDropReimports(t *testing.T) {
	s := &Session{imported: map[string]bool{"fmt fmt": true, "display display": true}}
	cases := []struct{ in, out, fresh string }{
		{`import "fmt"`, `            `, ""},
		{"import (\n\t\"fmt\"\n\t\"os\"\n)", "import (\n\t     \n\t\"os\"\n)", "os os"},
		{`import f "fmt"`, `import f "fmt"`, "f fmt"},
		{"import \"display\"\nimport \"strings\"", "                \nimport \"strings\"", "strings strings"},
		{"func f() {}", "func f() {}", ""},
	}
	for _, c := range cases {
		out, fresh := s.dropReimports(c.in)
		if out != c.out || strings.Join(fresh, ",") != c.fresh {
			t.Errorf("%q: got %q %v, want %q %s", c.in, out, fresh, c.out, c.fresh)
		}
	}
}

// FuzzDropReimports checks that blanking re-imports never panics and keeps every
// byte position and line break, so error positions stay right.
func FuzzDropReimports(f *testing.F) {
	for _, s := range []string{`import "fmt"`, "import (\n\"fmt\"\n\"os\"\n)", "import f \"fmt\"\nfunc g() {}", "import (", `import "fmt`} {
		f.Add(s)
	}
	s := &Session{imported: map[string]bool{"fmt fmt": true, "os os": true}}
	f.Fuzz(func(t *testing.T, text string) {
		out, _ := s.dropReimports(text)
		if len(out) != len(text) {
			t.Fatalf("length %d → %d", len(text), len(out))
		}
		for i := range text {
			if (text[i] == '\n') != (out[i] == '\n') {
				t.Fatalf("line break moved at %d", i)
			}
		}
	})
}

// FuzzIsComplete checks IsComplete never panics and answers one of its statuses.
func FuzzIsComplete(f *testing.F) {
	for _, s := range []string{"x := 1", "func f() {", "`raw", "/* open", ")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		switch st, _ := IsComplete(code); st {
		case "complete", "incomplete", "invalid":
		default:
			t.Fatalf("status %q", st)
		}
	})
}
