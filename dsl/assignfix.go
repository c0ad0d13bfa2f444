package dsl

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// Parallel assignments and yaegi v0.16.1.
//
// yaegi v0.16.1 loses values in a parallel assignment (`a, b = x, y`, `a, b := x,
// y`, `var a, b = x, y`) when one right-hand side is a call, a composite literal or
// a channel receive: for such a pair its compiler lets the right-hand side write
// straight into the destination and then marks the whole statement as a no-op
// (interp/cfg.go, case assignStmt: `n.gen = nop`), so the other pairs are never
// assigned. `a.Title, b.Title = fmt.Sprintf("x%d", 1), "y"` leaves b.Title
// unchanged; `n, f = len(s), 2.5` leaves f unchanged. No upstream issue names this
// case (searched traefik/yaegi's issues; #1052 and #1181 were other parallel
// assignment bugs, fixed before v0.16).
//
// A parenthesised right-hand side is no call node for that optimisation, and the
// statement is then compiled as an ordinary parallel assignment, which is correct
// (both phases of Go's assignment: all right-hand sides first, then the
// assignments left to right). fixParallelAssign therefore wraps each such
// right-hand side in parentheses: no new names, no statements moved, the same
// evaluation order, usable where a statement cannot be split (if/for/switch
// initialisers, for post statements, package-level var specs).

// insertion is text inserted into a chunk: n bytes before original column col of
// cell line line (both 1-based).
type insertion struct {
	line, col, n int
}

// fixParallelAssign returns text (a chunk, declarations when decl is true) with
// the right-hand sides that trigger yaegi's parallel-assignment bug parenthesised,
// and the insertions made; cell line numbers count from startLine. Text that does
// not parse is returned unchanged.
func fixParallelAssign(text string, decl bool, startLine int) (string, []insertion) {
	prefix := "package p\n"
	suffix := ""
	if !decl {
		prefix = "package p; func _() {\n"
		suffix = "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text+suffix, parser.SkipObjectResolution)
	if err != nil {
		return text, nil
	}
	var wrap []ast.Expr
	pairs := func(lhs int, rhs []ast.Expr) {
		if lhs < 2 || lhs != len(rhs) {
			return
		}
		for _, e := range rhs {
			if triggersAssignBug(e) {
				wrap = append(wrap, e)
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.ASSIGN || x.Tok == token.DEFINE {
				pairs(len(x.Lhs), x.Rhs)
			}
		case *ast.ValueSpec:
			pairs(len(x.Names), x.Values)
		}
		return true
	})
	if len(wrap) == 0 {
		return text, nil
	}
	var edits []textEdit
	for _, e := range wrap {
		edits = append(edits, textEdit{fset.Position(e.Pos()), "("}, textEdit{fset.Position(e.End()), ")"})
	}
	return applyEdits(text, len(prefix), startLine, edits)
}

// triggersAssignBug reports whether e, a right-hand side of a parallel assignment,
// is compiled by yaegi v0.16.1 as a direct write into its destination.
func triggersAssignBug(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.CallExpr, *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		return x.Op == token.ARROW
	}
	return false
}

// originalCol maps column col of cell line line in text rewritten with ins back
// to the column in the cell as written. A column inside inserted text maps to
// where the text was inserted.
func originalCol(ins []insertion, line, col int) int {
	shift := 0
	for _, in := range ins { // in text order
		if in.line != line {
			continue
		}
		start := in.col + shift // where the insertion begins in the new text
		if col < start {
			break
		}
		if col < start+in.n {
			return in.col
		}
		shift += in.n
	}
	return col - shift
}
