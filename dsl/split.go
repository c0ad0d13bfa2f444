package dsl

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// chunk is a run of consecutive cell lines that yaegi evaluates in one Eval: either
// declarations only (import, type, func, var, const) or statements only.
type chunk struct {
	decl      bool
	startLine int         // 1-based line in the cell
	text      string      // the chunk's lines
	ins       []insertion // text inserted by rewrites, for error columns
}

type tok struct {
	tok  token.Token
	line int
	lit  string
}

// splitCell splits src into chunks at top-level line starts where the kind changes
// between declarations and statements. Blank chunks are dropped.
func splitCell(src string) []chunk {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue // automatic semicolon
		}
		toks = append(toks, tok{t, fset.Position(pos).Line, lit})
	}
	lines := strings.SplitAfter(src, "\n")
	var chunks []chunk
	cur := -1 // index into chunks
	depth, prevLine := 0, 0
	for i, t := range toks {
		if depth == 0 && t.line != prevLine {
			d := isDeclStart(toks, i)
			if cur < 0 || chunks[cur].decl != d {
				chunks = append(chunks, chunk{decl: d, startLine: t.line})
				cur++
			}
		}
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		}
		prevLine = t.line
	}
	for i := range chunks {
		end := len(lines)
		if i+1 < len(chunks) {
			end = chunks[i+1].startLine - 1
		}
		chunks[i].text = strings.Join(lines[chunks[i].startLine-1:end], "")
	}
	return chunks
}

// isDeclStart reports whether toks[i] starts a top-level declaration.
func isDeclStart(toks []tok, i int) bool {
	switch toks[i].tok {
	case token.IMPORT, token.TYPE, token.CONST, token.VAR:
		return true
	case token.FUNC:
		if i+1 >= len(toks) {
			return false
		}
		if toks[i+1].tok == token.IDENT {
			return true
		}
		if toks[i+1].tok != token.LPAREN {
			return false
		}
		// A method declaration has a name after the receiver's closing paren; a
		// function literal has a parameter list followed by results or a body.
		depth := 0
		for j := i + 1; j < len(toks); j++ {
			switch toks[j].tok {
			case token.LPAREN:
				depth++
			case token.RPAREN:
				depth--
				if depth == 0 {
					return j+1 < len(toks) && toks[j+1].tok == token.IDENT &&
						j+2 < len(toks) && toks[j+2].tok == token.LPAREN
				}
			}
		}
	}
	return false
}

// lastExpr parses a statement chunk and returns its last statement when that is an
// expression statement, with the source of the called function when the expression
// is a call whose function part has no calls or receives of its own (so evaluating
// it again has no side effects).
func lastExpr(text string) (expr ast.Expr, funSrc string, ok bool) {
	const prefix = "package p; func _() {\n"
	src := prefix + text + "\n}"
	f, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
	if err != nil || len(f.Decls) != 1 {
		return nil, "", false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	if len(body.List) == 0 {
		return nil, "", false
	}
	es, isExpr := body.List[len(body.List)-1].(*ast.ExprStmt)
	if !isExpr {
		return nil, "", false
	}
	call, isCall := ast.Unparen(es.X).(*ast.CallExpr)
	if !isCall {
		return es.X, "", true
	}
	pure := true
	ast.Inspect(call.Fun, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr, *ast.FuncLit:
			pure = false
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				pure = false
			}
		}
		return pure
	})
	if pure {
		funSrc = src[int(call.Fun.Pos())-1 : int(call.Fun.End())-1]
	}
	return es.X, funSrc, true
}
