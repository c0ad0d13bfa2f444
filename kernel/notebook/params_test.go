package notebook

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// typeDesc is a compact description of a Default for comparisons.
func typeDesc(d Default) string {
	s := d.Name + ":"
	if d.Type != nil {
		s += d.Type.Name
		if d.Type.Untyped {
			s += "(untyped " + d.Type.Kind + ")"
		}
	} else {
		s += "?"
	}
	if d.Const {
		s += ":const"
	}
	return fmt.Sprintf("%s@%d", s, d.Line)
}

func TestParseDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string // typeDesc of each default, space-separated
	}{
		{"short decls", "epochs := 3\nlr := 1e-3\nname := \"nuclei\"\nok := true", "epochs:int@1 lr:float64@2 name:string@3 ok:bool@4"},
		{"var with types", "var lr float32 = 1e-3\nvar n int64\nvar s []string = nil", "lr:float32@1 n:int64@2 s:[]string@3"},
		{"grouped", "var (\n\ta = 2\n\tb, c = 1.5, \"x\"\n)", "a:int@2 b:float64@3 c:string@3"},
		{"slices", "sizes := []int{64, 64}\nnames := []string{\"a\"}\ngrid := [][]float32{{1}}", "sizes:[]int@1 names:[]string@2 grid:[][]float32@3"},
		{"expressions", "a := -3\nb := 2 * 1.5\nc := float32(0.5)\nd := \"a\" + \"b\"\ne := !false\nf := 60 * 5", "a:int@1 b:float64@2 c:float32@3 d:string@4 e:bool@5 f:int@6"},
		{"untypable", "x := math.Sqrt(2)\ny := someFunc()\nz, w := 1, 2", "x:?@1 y:?@2 z:int@3 w:int@3"},
		{"multi-value call", "a, b := pair()", "a:?@1 b:?@1"},
		{"named type", "var mode Mode = \"fast\"\nvar d time.Duration = 5 * time.Second", "mode:Mode(untyped string)@1 d:?@2"},
		{"const", "const maxEpochs = 10\nepochs := 2", "maxEpochs:int:const@1 epochs:int@2"},
		{"comments and magics", "// defaults\n%env A=1\n!echo hi\nepochs := 3 // three", "epochs:int@4"},
		{"imports and statements", "import \"math\"\n\nx := 3\nimport (\n\t\"fmt\"\n)\ny := \"s\"", "x:int@3 y:string@7"},
		{"declarations only", "import \"fmt\"\nvar a = 1\nfunc f() {}\nconst c = \"x\"", "a:int@2 c:string:const@4"},
		{"nested scopes ignored", "if true {\n\tx := 1\n}\ny := 2", "y:int@4"},
		{"blank identifier", "_ = 3\n_, b := 1, 2", "b:int@2"},
		{"plain assignment ignored", "x = 3", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := ParseDefaults(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, typeDesc(d))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestParseDefaultsSyntaxError(t *testing.T) {
	_, err := ParseDefaults("epochs := 3\nlr := (1e-3\nname := \"x\"")
	if err == nil || !strings.HasPrefix(err.Error(), "line 2:12:") {
		t.Fatalf("error %v, want one at line 2:12", err)
	}
}

func TestParseArg(t *testing.T) {
	for _, tc := range []struct {
		arg, name, text, tag string
		bad                  bool
	}{
		{arg: "epochs=3", name: "epochs", text: "3", tag: "!!int"},
		{arg: "name=a=b", name: "name", text: "a=b", tag: "!!str"},
		{arg: "sizes=[1, 2]", name: "sizes", text: "[1, 2]", tag: "!!seq"},
		{arg: "s=", name: "s", text: "", tag: "!!str"},
		{arg: "s=a: b: c", name: "s", text: "a: b: c", tag: "!!str"}, // not YAML: kept as a string
		{arg: " x =1", name: "x", text: "1", tag: "!!int"},
		{arg: "noequals", bad: true},
		{arg: "=3", bad: true},
		{arg: "bad name=3", bad: true},
		{arg: "1x=3", bad: true},
	} {
		p, err := ParseArg(tc.arg)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseArg(%q) accepted", tc.arg)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseArg(%q): %v", tc.arg, err)
			continue
		}
		if p.Name != tc.name || p.Text != tc.text || p.Node.Tag != tc.tag {
			t.Errorf("ParseArg(%q) = %q %q %s, want %q %q %s", tc.arg, p.Name, p.Text, p.Node.Tag, tc.name, tc.text, tc.tag)
		}
	}
}

func TestParseYAML(t *testing.T) {
	ps, err := ParseYAML([]byte("# run settings\nepochs: 5\nsizes: [32, 32]\nname: cells\nlr: 1.0e-4\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name+"@"+p.Origin)
	}
	if g := strings.Join(got, " "); g != "epochs@p.yaml:2 sizes@p.yaml:3 name@p.yaml:4 lr@p.yaml:5" {
		t.Errorf("got %s", g)
	}
	if ps, err := ParseYAML([]byte("\n# nothing\n"), "e.yaml"); err != nil || len(ps) != 0 {
		t.Errorf("empty file: %v %v", ps, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"- 1\n- 2\n", "b.yaml:1: want a mapping of parameter names to values, got a list"},
		{"a: [1\n", "b.yaml: yaml:"},
		{"x: 1\nbad-name: 2\n", `b.yaml:2: parameter name "bad-name" is not a Go identifier`},
		{"plain", `b.yaml:1: want a mapping of parameter names to values, got "plain"`},
	} {
		_, err := ParseYAML([]byte(tc.in), "b.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseYAML(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestLiteral(t *testing.T) {
	ty := func(src string) *Type {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		return typeFromExpr(e)
	}
	for _, tc := range []struct {
		typ, arg, want, err string
		yaml                bool // the value comes from a YAML file instead of -p
	}{
		{typ: "int", arg: "5", want: "5"},
		{typ: "int", arg: "-12", want: "-12"},
		{typ: "int", arg: "0x10", want: "16"},
		{typ: "int", arg: "1_000", want: "1000"},
		{typ: "int", arg: "1.5", err: `want an integer (int), got "1.5"`},
		{typ: "int", arg: "abc", err: `want an integer (int), got "abc"`},
		{typ: "int", arg: "[1]", err: "want an integer (int), got a list"},
		{typ: "int", arg: "", err: `want an integer (int), got ""`},
		{typ: "int", arg: "~", err: "want an integer (int), got null"},
		{typ: "int8", arg: "200", err: `"200" is out of range for int8`},
		{typ: "uint", arg: "-1", err: "want a non-negative integer (uint)"},
		{typ: "uint16", arg: "65535", want: "65535"},
		{typ: "float64", arg: "1e-4", want: "0.0001"},
		{typ: "float64", arg: "3", want: "3"},
		{typ: "float32", arg: "0.1", want: "0.1"},
		{typ: "float64", arg: ".inf", err: `want a number (float64), got ".inf"`},
		{typ: "float64", arg: "NaN", err: "want a number (float64)"},
		{typ: "float32", arg: "1e39", err: "out of range for float32"},
		{typ: "string", arg: "cells", want: `"cells"`},
		{typ: "string", arg: "3", want: `"3"`},
		{typ: "string", arg: `a "quoted" \ path`, want: `"a \"quoted\" \\ path"`},
		{typ: "string", arg: "", want: `""`},
		{typ: "string", arg: "[1, 2]", want: `"[1, 2]"`}, // -p text is taken verbatim
		{typ: "string", arg: "3", want: `"3"`, yaml: true},
		{typ: "string", arg: "[1]", err: "want a string, got a list", yaml: true},
		{typ: "string", arg: "~", err: "want a string, got null", yaml: true},
		{typ: "bool", arg: "true", want: "true"},
		{typ: "bool", arg: "False", want: "false"},
		{typ: "bool", arg: "yes", err: `want a bool (true or false), got "yes"`},
		{typ: "[]int", arg: "[32, 64]", want: "[]int{32, 64}"},
		{typ: "[]int", arg: "32,64", want: "[]int{32, 64}"},
		{typ: "[]int", arg: "32", want: "[]int{32}"},
		{typ: "[]int", arg: "[]", want: "[]int{}"},
		{typ: "[]int", arg: "[1, x]", err: `element 2: want an integer (int), got "x"`},
		{typ: "[]int", arg: "{a: 1}", err: "want a list for []int, got a mapping"},
		{typ: "[]string", arg: "[a, 'b c', 3]", want: `[]string{"a", "b c", "3"}`},
		{typ: "[]string", arg: "a, b", want: `[]string{"a", "b"}`},
		{typ: "[]float32", arg: "[0.5, 1]", want: "[]float32{0.5, 1}"},
		{typ: "[][]int", arg: "[[1, 2], [3]]", want: "[][]int{[]int{1, 2}, []int{3}}"},
		{typ: "[]bool", arg: "[true, false]", want: "[]bool{true, false}"},
	} {
		name := tc.typ + "<-" + tc.arg
		typ := ty(tc.typ)
		if typ == nil {
			t.Fatalf("%s: typeFromExpr failed", name)
		}
		var p Param
		if tc.yaml {
			ps, err := ParseYAML([]byte("v: "+tc.arg), "f.yaml")
			if err != nil {
				t.Fatal(err)
			}
			p = ps[0]
		} else {
			var err error
			if p, err = ParseArg("v=" + tc.arg); err != nil {
				t.Fatal(err)
			}
		}
		got, err := p.Literal(typ)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %q, %v; want error %q", name, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, tc.want)
			continue
		}
		if err := typeChecks(tc.typ, got); err != nil {
			t.Errorf("%s: literal %s does not type-check as %s: %v", name, got, tc.typ, err)
		}
	}
}

// typeChecks type-checks `var v T = lit` with go/types.
func typeChecks(typ, lit string) error {
	src := "package p\nvar v " + typ + " = " + lit + "\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		return err
	}
	conf := types.Config{Importer: importer.Default()}
	_, err = conf.Check("p", fset, []*ast.File{f}, nil)
	return err
}

// FuzzLiteral: whatever value is given, Literal either refuses it or returns a
// literal that type-checks as the parameter's type.
func FuzzLiteral(f *testing.F) {
	for _, s := range []string{"3", "-1", "1e300", "0x1p-2", "[1, 2]", "a,b", "true", "\"x\"", "", "1_0", "0o17", "[[1], [2, 3]]"} {
		for _, typ := range []string{"int", "int8", "uint32", "float32", "float64", "string", "bool", "[]int", "[]string", "[][]float64"} {
			f.Add(typ, s)
		}
	}
	f.Fuzz(func(t *testing.T, typSrc, val string) {
		e, err := parser.ParseExpr(typSrc)
		if err != nil {
			return
		}
		typ := typeFromExpr(e)
		if typ == nil {
			return
		}
		p, err := ParseArg("v=" + val)
		if err != nil {
			return
		}
		lit, err := p.Literal(typ)
		if err != nil {
			return
		}
		if err := typeChecks(typ.Name, lit); err != nil {
			t.Fatalf("%q as %s gave %s: %v", val, typ.Name, lit, err)
		}
	})
}

// FuzzParseDefaults: any cell text is either rejected with an error or read
// without a panic, with lines inside the cell.
func FuzzParseDefaults(f *testing.F) {
	f.Add("epochs := 3\nvar lr float32 = 1e-3")
	f.Add("import \"fmt\"\nx := []int{1}\nconst c = 2")
	f.Add("var (\n a, b = 1\n)")
	f.Fuzz(func(t *testing.T, src string) {
		ds, err := ParseDefaults(src)
		if err != nil {
			return
		}
		lines := strings.Count(src, "\n") + 1
		for _, d := range ds {
			if d.Line < 1 || d.Line > lines {
				t.Fatalf("%s at line %d of %d", d.Name, d.Line, lines)
			}
		}
	})
}
