package dsl

import (
	"slices"
	"strings"
	"testing"
)

func TestCompleteAndInspect(t *testing.T) {
	s := newSession(t)
	if _, _, err := run(t, s, "import \"fmt\"\ntype Cfg struct{ Epochs, Batch int }\ncfg := Cfg{Epochs: 3}\nh := display.NewHandle()\nfunc helper() int { return 1 }\ncount := 12\n"+
		"type Pair struct{ A, B int; hidden int }\nfunc (p Pair) Sum() int { return p.A + p.B }\nfunc (p *Pair) Scale(k int) { p.A *= k }\nq := Pair{A: 1}\n"+
		"type Wrap struct{ Pair; Note string }\nw := Wrap{}\npp := &Pair{}"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		code      string
		want      []string
		notWant   string
		start     int
		wantExact bool
	}{
		{"fmt.Prin", []string{"Print", "Printf", "Println"}, "Sprint", 4, true},
		{"display.Mar", []string{"Markdown"}, "", 8, true},
		{"h.Te", []string{"Text"}, "", 2, true},
		{"cfg.Ep", []string{"Epochs"}, "", 4, true},
		{"x := cou", []string{"count"}, "", 5, false},
		{"hel", []string{"helper"}, "", 0, false},
		{"disp", []string{"display"}, "", 0, false},
		{"retu", []string{"return"}, "", 0, false},
		{"q.S", []string{"Scale", "Sum"}, "", 2, true},
		{"q.", []string{"A", "B", "Scale", "Sum"}, "Xhidden", 2, true},
		{"pp.Su", []string{"Sum"}, "", 3, true},
		{"w.", []string{"A", "B", "Note", "Pair", "Scale", "Sum"}, "", 2, true},
		{"im2im.Data{Pa", []string{"Path"}, "", 11, false},
		{"d := im2im.Data{\n\tPath: \"x\",\n\tPa", []string{"Patch"}, "Path2", 30, false},
		{"Cfg{Ep", []string{"Epochs"}, "", 4, true},
		{"Cfg{Epochs: 3, Ba", []string{"Batch"}, "", 15, true},
		{"Pair{A: 1, hel", []string{"helper"}, "", 11, false},
	}
	for _, c := range cases {
		m, start, end := s.Complete(c.code, len([]rune(c.code)))
		for _, w := range c.want {
			if !slices.Contains(m, w) {
				t.Errorf("Complete(%q) = %v, missing %q", c.code, m, w)
			}
		}
		if c.notWant != "" && slices.Contains(m, c.notWant) {
			t.Errorf("Complete(%q) = %v, has %q", c.code, m, c.notWant)
		}
		if c.wantExact && len(m) != len(c.want) {
			t.Errorf("Complete(%q) = %v, want exactly %v", c.code, m, c.want)
		}
		if start != c.start || end != len([]rune(c.code)) {
			t.Errorf("Complete(%q) range %d..%d, want %d..%d", c.code, start, end, c.start, len(c.code))
		}
	}

	inspects := []struct {
		code   string
		cursor int
		want   []string
	}{
		{"display.PNG(b)", 9, []string{"func PNG(b []byte) error", "PNG-encoded"}},
		{"h.Markdown(\"x\")", 4, []string{"Markdown", "replaces the handle's output"}},
		{"count + 1", 2, []string{"count int = 12"}},
		{"cfg", 1, []string{"Epochs:3"}},
		{"fmt.Println(1)", 6, []string{"fmt.Println: func(...interface {}) (int, error)"}},
	}
	for _, c := range inspects {
		text, found := s.Inspect(c.code, c.cursor)
		if !found {
			t.Errorf("Inspect(%q, %d): not found", c.code, c.cursor)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q, %d) = %q, missing %q", c.code, c.cursor, text, w)
			}
		}
	}
	if _, found := s.Inspect("nosuchname", 3); found {
		t.Error("Inspect of an unknown name found something")
	}
}

func TestIsComplete(t *testing.T) {
	cases := []struct{ code, want string }{
		{"x := 1", "complete"},
		{"", "complete"},
		{"func f() {", "incomplete"},
		{"s := `raw", "incomplete"},
		{"/* open", "incomplete"},
		{"x := (1 + 2))", "invalid"},
		{"if x {\n\tfor {\n\t}", "incomplete"},
		{"x := 1 +", "incomplete"},
		{"y := a &&", "incomplete"},
		{"z := a ||", "incomplete"},
		{"f(a,", "incomplete"},
		{"x :=", "incomplete"},
		{"v := m.", "incomplete"},
		{"if x {\n} else", "incomplete"},
		{"x := \"abc", "invalid"},
		{"r := 'ab", "invalid"},
		{"x := [}", "invalid"},
		{"x := (]", "invalid"},
		{"}", "invalid"},
		{"x++", "complete"},
		{"fmt.Println(\"a\")", "complete"},
		{"x := 1 +\n2", "complete"},
		{"!echo {", "complete"},
		{"%env A=(", "complete"},
		{"%%writefile f.go\nfunc {", "complete"},
		{"!ls\nfunc f() {", "incomplete"},
		{"import \"fmt\"", "complete"},
		{"return", "complete"},
	}
	for _, c := range cases {
		if got, _ := IsComplete(c.code); got != c.want {
			t.Errorf("IsComplete(%q) = %s, want %s", c.code, got, c.want)
		}
	}
}
