package dsl

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// yaegiLoopMsg is what yaegi v0.16 reports for an assignment from an undefined
// name (`b := a + nope`); findUndefined replaces it with "undefined: nope".
const yaegiLoopMsg = "constant definition loop"

// findUndefined looks on e's line of chunk c for an identifier that is neither
// declared in the chunk nor known to the session, and if found rewrites e to name
// it. Evaluating a bare identifier has no side effects, and nothing of the chunk
// ran (it failed to compile).
func (s *Session) findUndefined(e *Error, c chunk) {
	src := strings.Repeat("\n", c.startLine-1) + c.text
	prefix := "package p;"
	if !c.decl {
		prefix = "package p; func _() {"
		src += "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	defined := definedNames(f)
	var found *ast.Ident
	visit := func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(x.X, func(m ast.Node) bool { // the selected name is a member, not a variable
				if id, ok := m.(*ast.Ident); ok && found == nil {
					s.checkIdent(id, fset, e.Line, defined, &found)
				}
				return found == nil
			})
			return false
		case *ast.KeyValueExpr:
			ast.Inspect(x.Value, func(m ast.Node) bool { // keys may be field names
				if id, ok := m.(*ast.Ident); ok && found == nil {
					s.checkIdent(id, fset, e.Line, defined, &found)
				}
				return found == nil
			})
			return false
		case *ast.Ident:
			s.checkIdent(x, fset, e.Line, defined, &found)
		}
		return true
	}
	for _, d := range f.Decls { // not f itself: the package name is no variable
		ast.Inspect(d, visit)
	}
	if found == nil {
		return
	}
	pos := fset.Position(found.Pos())
	e.Msg = "undefined: " + found.Name
	e.Col = pos.Column
	if pos.Line == 1 {
		e.Col -= len(prefix)
	}
}

// checkIdent sets *found to id when id is on line and names nothing: not declared
// in the chunk, not a variable, function or type of an earlier chunk, package or
// builtin. (The failed compilation leaves placeholders in yaegi's scope and breaks
// its Globals, so asking the interpreter would not tell.)
func (s *Session) checkIdent(id *ast.Ident, fset *token.FileSet, line int, defined map[string]bool, found **ast.Ident) {
	n := id.Name
	if fset.Position(id.Pos()).Line != line || defined[n] || n == "_" || slices.Contains(builtins, n) {
		return
	}
	if _, ok := s.declared[n]; ok {
		return
	}
	if _, ok := packages[n]; ok {
		return
	}
	*found = id
}

// definedNames is the set of names n declares anywhere: variables (:=, var, range),
// constants, types, functions, parameters, results and fields.
func definedNames(n ast.Node) map[string]bool {
	defined := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				for _, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						defined[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				defined[id.Name] = true
			}
		case *ast.TypeSpec:
			defined[x.Name.Name] = true
		case *ast.FuncDecl:
			defined[x.Name.Name] = true
		case *ast.Field:
			for _, id := range x.Names {
				defined[id.Name] = true
			}
		case *ast.RangeStmt:
			if x.Tok == token.DEFINE {
				for _, l := range []ast.Expr{x.Key, x.Value} {
					if id, ok := l.(*ast.Ident); ok {
						defined[id.Name] = true
					}
				}
			}
		}
		return true
	})
	return defined
}
