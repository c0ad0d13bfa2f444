package dsl

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// Top-level statements and yaegi v0.16.1.
//
// A cell's statements run at yaegi's top level, outside any function, where three
// cases go wrong (found by running them in a bare interp.New; no upstream issue
// names them):
//
//  1. An Eval whose first statement calls a function literal — `func() { … }()`,
//     `func() int { … }()` — runs that literal again at every later Eval (each
//     later cell repeats its output and side effects), and the call's value is
//     the closure, not its result. With the literal in parentheses,
//     `(func() { … })()`, it runs once and yields its result.
//  2. A deferred call at the top level (`defer f()`, also inside a top-level
//     block) runs at the end of its Eval and then again at every later Eval;
//     `defer (func() { … })()` deadlocks the interpreter.
//  3. A multi-value definition inside a top-level block — `a, err := f()`,
//     `v, ok := m[k]`, `n, ok := x.(int)`, `var a, b = f()` in the body of a
//     for, if, switch, select or { } — fails with "undefined: a"; inside a
//     function it compiles.
//
// fixTopLevel therefore parenthesises the literal of case 1, refuses case 2 with
// an error at the defer (there is no function whose end it could wait for), and
// runs a top-level compound statement of case 3 as the body of a function
// literal, `(func() { for … { a, err := f() … } })()`: the statement's names are
// local to it anyway, it reads and assigns the cell's variables through the
// closure, and break/continue/labels stay inside it. Nothing moves to another
// line, so error lines stay the cell's; columns map back through the insertions.

// errTopDefer is the message of a refused top-level defer.
const errTopDefer = "defer outside a function: at a cell's top level it would run again after every later cell; " +
	"put the code in a func (or call it at the end of the cell)"

// fixTopLevel rewrites a statement chunk (see above) and returns the new text and
// the insertions made, or an error at a top-level defer; cell line numbers count
// from startLine. Declaration chunks and text that does not parse are returned
// unchanged.
func fixTopLevel(text string, decl bool, startLine int) (string, []insertion, *Error) {
	if decl {
		return text, nil, nil
	}
	const prefix = "package p; func _() {\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text+"\n}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return text, nil, nil
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	if d := topDefer(body); d != nil {
		p := fset.Position(d.Pos())
		return text, nil, &Error{Name: ErrCompile, Line: startLine + p.Line - 2, Col: p.Column, Msg: errTopDefer}
	}
	var edits []textEdit
	for i, st := range body.List {
		if isCompound(st) && hasMultiDefine(st) {
			edits = append(edits, textEdit{fset.Position(st.Pos()), "(func() { "}, textEdit{fset.Position(st.End()), " })()"})
			continue
		}
		if i > 0 {
			continue
		}
		if es, ok := st.(*ast.ExprStmt); ok {
			if call, ok := es.X.(*ast.CallExpr); ok {
				if lit, ok := call.Fun.(*ast.FuncLit); ok {
					edits = append(edits, textEdit{fset.Position(lit.Pos()), "("}, textEdit{fset.Position(lit.End()), ")"})
				}
			}
		}
	}
	out, ins := applyEdits(text, len(prefix), startLine, edits)
	return out, ins, nil
}

// topDefer returns the first defer statement of body outside function literals.
func topDefer(body *ast.BlockStmt) *ast.DeferStmt {
	var found *ast.DeferStmt
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if found == nil {
				found = x
			}
			return false
		}
		return found == nil
	})
	return found
}

// isCompound reports whether st is a statement with a body of its own.
func isCompound(st ast.Stmt) bool {
	switch x := st.(type) {
	case *ast.BlockStmt, *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		return true
	case *ast.LabeledStmt:
		return isCompound(x.Stmt)
	}
	return false
}

// hasMultiDefine reports whether n defines two or more names from one value
// (`a, b := f()`, `var a, b = f()`) outside function literals.
func hasMultiDefine(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			found = found || (x.Tok == token.DEFINE && len(x.Lhs) >= 2 && len(x.Rhs) == 1)
		case *ast.ValueSpec:
			found = found || (len(x.Names) >= 2 && len(x.Values) == 1)
		}
		return !found
	})
	return found
}
