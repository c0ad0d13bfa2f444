package notebook

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// Default is one parameter declared in the parameters cell.
type Default struct {
	// Name of the variable.
	Name string
	// Line of the declaration within the cell (1-based).
	Line int
	// Expr is the default value's source ("" for `var x T` without a value).
	Expr string
	// Type is the Go type parameters are converted to; nil when it cannot be
	// inferred (the parameter then cannot be injected, with an error saying why).
	Type *Type
	// Const is true for a constant, which cannot be overridden.
	Const bool
}

// Type is a Go type a parameter value can be written as: a basic type (int,
// float64, string, bool, ...) or a slice of such types. Untyped is true when the
// declared type is a named type whose underlying kind was taken from the literal
// default (`var mode Mode = "fast"`): values are then written as untyped constants.
type Type struct {
	// Name is the Go spelling ("int", "float32", "[]string", "[][]int").
	Name string
	// Kind is "int", "uint", "float", "string", "bool" or "slice".
	Kind string
	// Bits is the size of sized numeric kinds (8…64; 0 for int/uint).
	Bits int
	// Elem is the element type of a slice.
	Elem *Type
	// Untyped marks a named type known only by its literal default.
	Untyped bool
}

// basicTypes maps the Go basic type names parameters may have to their types.
var basicTypes = map[string]Type{
	"int": {Kind: "int"}, "int8": {Kind: "int", Bits: 8}, "int16": {Kind: "int", Bits: 16},
	"int32": {Kind: "int", Bits: 32}, "rune": {Kind: "int", Bits: 32}, "int64": {Kind: "int", Bits: 64},
	"uint": {Kind: "uint"}, "uint8": {Kind: "uint", Bits: 8}, "byte": {Kind: "uint", Bits: 8},
	"uint16": {Kind: "uint", Bits: 16}, "uint32": {Kind: "uint", Bits: 32}, "uint64": {Kind: "uint", Bits: 64},
	"float32": {Kind: "float", Bits: 32}, "float64": {Kind: "float", Bits: 64},
	"string": {Kind: "string"}, "bool": {Kind: "bool"},
}

// typeFromExpr returns the type a Go type expression denotes, or nil if it is not a
// basic type or a slice of them.
func typeFromExpr(e ast.Expr) *Type {
	switch e := e.(type) {
	case *ast.Ident:
		if t, ok := basicTypes[e.Name]; ok {
			t.Name = e.Name
			return &t
		}
	case *ast.ParenExpr:
		return typeFromExpr(e.X)
	case *ast.ArrayType:
		if e.Len != nil {
			return nil
		}
		if el := typeFromExpr(e.Elt); el != nil {
			return &Type{Name: "[]" + el.Name, Kind: "slice", Elem: el}
		}
	}
	return nil
}

// typeOfValue infers the type of a default value expression the way Go types an
// untyped constant in a declaration: 3 → int, 1e-3 → float64, "a" → string, true →
// bool; conversions (float32(0.5)) and slice literals ([]int{1, 2}) give their type.
func typeOfValue(e ast.Expr) *Type {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return named("int")
		case token.FLOAT:
			return named("float64")
		case token.STRING:
			return named("string")
		case token.CHAR:
			return named("rune")
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return named("bool")
		}
	case *ast.ParenExpr:
		return typeOfValue(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			if t := typeOfValue(e.X); t != nil && (t.Kind == "int" || t.Kind == "float") {
				return t
			}
		}
		if e.Op == token.NOT {
			if t := typeOfValue(e.X); t != nil && t.Kind == "bool" {
				return t
			}
		}
	case *ast.BinaryExpr:
		x, y := typeOfValue(e.X), typeOfValue(e.Y)
		if x == nil || y == nil {
			return nil
		}
		switch {
		case e.Op == token.LAND || e.Op == token.LOR:
			if x.Kind == "bool" && y.Kind == "bool" {
				return x
			}
		case x.Kind == "string" && y.Kind == "string" && e.Op == token.ADD:
			return x
		case isNumber(x) && isNumber(y):
			if x.Kind == "float" || y.Kind == "float" {
				return named("float64")
			}
			return named("int")
		}
	case *ast.CallExpr:
		if len(e.Args) == 1 {
			if t := typeFromExpr(e.Fun); t != nil && t.Kind != "slice" {
				return t
			}
		}
	case *ast.CompositeLit:
		if t := typeFromExpr(e.Type); t != nil && t.Kind == "slice" {
			return t
		}
	}
	return nil
}

func isNumber(t *Type) bool { return t.Kind == "int" || t.Kind == "uint" || t.Kind == "float" }

// named returns the basic type called name.
func named(name string) *Type {
	t := basicTypes[name]
	t.Name = name
	return &t
}

// ParseDefaults reads the parameter declarations of a parameters cell: top-level
// `name := value`, `var name [T] = value` (also grouped and multi-name forms) and
// constants (reported with Const, as they cannot be overridden). Magic lines (% or !
// in column 0) and imports are skipped. A cell that is not Go gives an error with
// its line.
func ParseDefaults(src string) ([]Default, error) {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "%") || strings.HasPrefix(l, "!") {
			lines[i] = ""
		}
	}
	clean := strings.Join(lines, "\n")
	stmts, err := parseStmts(clean)
	if err != nil {
		if decls, derr := parseDecls(clean); derr == nil {
			return defaultsFromDecls(decls), nil
		}
		if s2, err2 := parseStmts(blankImports(clean)); err2 == nil {
			stmts, err = s2, nil
		}
	}
	if err != nil {
		return nil, err
	}
	var out []Default
	for _, st := range stmts.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for i, lhs := range st.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				d := Default{Name: id.Name, Line: stmts.line(id.Pos())}
				if len(st.Rhs) == len(st.Lhs) {
					d.Expr = stmts.text(st.Rhs[i])
					d.Type = typeOfValue(st.Rhs[i])
				}
				out = append(out, d)
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				out = append(out, defaultsFromGenDecl(gd, stmts.src, stmts.fset, stmts.offset)...)
			}
		}
	}
	return out, nil
}

// parsedStmts is a cell parsed as the body of a function.
type parsedStmts struct {
	List   []ast.Stmt
	fset   *token.FileSet
	src    string // the wrapped source
	offset int    // lines added before the cell
}

func (p *parsedStmts) line(pos token.Pos) int { return p.fset.Position(pos).Line - p.offset }

func (p *parsedStmts) text(e ast.Node) string {
	f := p.fset.File(e.Pos())
	return p.src[f.Offset(e.Pos()):f.Offset(e.End())]
}

// parseStmts parses src as statements (the body of a function).
func parseStmts(src string) (*parsedStmts, error) {
	const head = "package p\nfunc _() {\n"
	wrapped := head + src + "\n}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", wrapped, parser.SkipObjectResolution)
	if err != nil {
		return nil, cellSyntaxError(err, 2)
	}
	fn := f.Decls[0].(*ast.FuncDecl)
	return &parsedStmts{List: fn.Body.List, fset: fset, src: wrapped, offset: 2}, nil
}

// parsedDecls is a cell parsed as top-level declarations.
type parsedDecls struct {
	decls []ast.Decl
	fset  *token.FileSet
	src   string
}

// parseDecls parses src as top-level declarations.
func parseDecls(src string) (*parsedDecls, error) {
	wrapped := "package p\n" + src
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", wrapped, parser.SkipObjectResolution)
	if err != nil {
		return nil, cellSyntaxError(err, 1)
	}
	return &parsedDecls{decls: f.Decls, fset: fset, src: wrapped}, nil
}

func defaultsFromDecls(p *parsedDecls) []Default {
	var out []Default
	for _, d := range p.decls {
		if gd, ok := d.(*ast.GenDecl); ok {
			out = append(out, defaultsFromGenDecl(gd, p.src, p.fset, 1)...)
		}
	}
	return out
}

// defaultsFromGenDecl reads the names of a var or const declaration.
func defaultsFromGenDecl(gd *ast.GenDecl, src string, fset *token.FileSet, offset int) []Default {
	if gd.Tok != token.VAR && gd.Tok != token.CONST {
		return nil
	}
	text := func(e ast.Node) string {
		f := fset.File(e.Pos())
		return src[f.Offset(e.Pos()):f.Offset(e.End())]
	}
	var out []Default
	for _, sp := range gd.Specs {
		vs, ok := sp.(*ast.ValueSpec)
		if !ok {
			continue
		}
		var declared *Type
		if vs.Type != nil {
			declared = typeFromExpr(vs.Type)
		}
		for i, id := range vs.Names {
			if id.Name == "_" {
				continue
			}
			d := Default{Name: id.Name, Line: fset.Position(id.Pos()).Line - offset, Const: gd.Tok == token.CONST}
			var val ast.Expr
			if len(vs.Values) == len(vs.Names) {
				val = vs.Values[i]
				d.Expr = text(val)
			}
			switch {
			case declared != nil:
				d.Type = declared
			case vs.Type != nil && val != nil:
				// A named type: values are written as untyped constants of the
				// literal's kind, which Go assigns to the named type.
				if t := typeOfValue(val); t != nil && t.Kind != "slice" {
					u := *t
					u.Name, u.Untyped = text(vs.Type), true
					d.Type = &u
				}
			case val != nil:
				d.Type = typeOfValue(val)
			}
			out = append(out, d)
		}
	}
	return out
}

// blankImports replaces import declarations in column 0 with empty lines.
func blankImports(src string) string {
	lines := strings.Split(src, "\n")
	inBlock := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case inBlock:
			lines[i] = ""
			if strings.HasPrefix(t, ")") {
				inBlock = false
			}
		case strings.HasPrefix(l, "import"):
			rest := strings.TrimSpace(strings.TrimPrefix(l, "import"))
			if strings.HasPrefix(rest, "(") && !strings.Contains(rest, ")") {
				inBlock = true
			}
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// cellSyntaxError reports the first syntax error with its cell line.
func cellSyntaxError(err error, offset int) error {
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		p := list[0].Pos
		return fmt.Errorf("line %d:%d: %s", p.Line-offset, p.Column, list[0].Msg)
	}
	return err
}
