package dsl

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// Redefinition, GoNB's way: a type, function or method declared again in a later
// cell takes effect for the code that follows. yaegi replaces a redeclared
// function by itself; a redeclared type or method is forgotten first
// (yaegiscope.go). Then the declarations of earlier cells that use a changed name
// (functions, methods, types, transitively; all methods of a re-declared type) are
// evaluated again from their stored source, so they use the new meaning as GoNB's
// recompilation would. A declaration that no longer compiles fails the cell with
// a message naming it, and is forgotten rather than left with the old meaning.
// Variables keep their values, and so the types those were made with.

// declSrc is one top-level type, function or method declaration of a cell.
type declSrc struct {
	key  string // "T", "f", or "T.M" for a method
	kind string // "type", "func" or "method"
	recv string // a method's receiver base type
	name string // the declared name (a method's own name)
	text string // source, evaluable alone
	sig  string // token stream, to tell a changed declaration from a re-run
	refs map[string]bool
	line int // 1-based cell line where it starts
	seq  int // declaration order across cells
}

// cellDecls lists the type, func and method declarations of a declaration chunk.
func cellDecls(c chunk) []*declSrc {
	const prefix = "package p\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+c.text, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	src := prefix + c.text
	slice := func(n ast.Node) string {
		return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]
	}
	line := func(n ast.Node) int { return c.startLine + fset.Position(n.Pos()).Line - 2 }
	var out []*declSrc
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name == "init" || d.Name.Name == "_" {
				continue
			}
			ds := &declSrc{kind: "func", name: d.Name.Name, key: d.Name.Name, text: slice(d), refs: identsOf(d), line: line(d)}
			if d.Recv != nil && len(d.Recv.List) == 1 {
				ds.kind, ds.recv = "method", recvBase(d.Recv.List[0].Type)
				ds.key = ds.recv + "." + ds.name
				if ds.recv == "" {
					continue
				}
			}
			ds.sig = tokenSig(ds.text)
			out = append(out, ds)
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, sp := range d.Specs {
				ts := sp.(*ast.TypeSpec)
				if ts.Name.Name == "_" {
					continue
				}
				text := "type " + slice(ts)
				out = append(out, &declSrc{kind: "type", name: ts.Name.Name, key: ts.Name.Name, text: text,
					sig: tokenSig(text), refs: identsOf(ts), line: line(ts)})
			}
		}
	}
	return out
}

// recvBase is the type name of a receiver: T in T, *T, T[K] or *T[K].
func recvBase(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// identsOf is the set of identifiers in n (an over-approximation of what n uses).
func identsOf(n ast.Node) map[string]bool {
	ids := map[string]bool{}
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok {
			ids[id.Name] = true
		}
		return true
	})
	return ids
}

// tokenSig is text's token stream without comments and layout.
func tokenSig(text string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(text))
	var sc scanner.Scanner
	sc.Init(file, []byte(text), nil, 0)
	var b strings.Builder
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			return b.String()
		}
		if t == token.SEMICOLON && lit == "\n" {
			lit = ";"
		}
		b.WriteString(t.String())
		b.WriteString(lit)
		b.WriteByte(' ')
	}
}

// redefinition is what evaluating a declaration chunk changes.
type redefinition struct {
	decls   []*declSrc
	forgot  map[string]bool // types forgotten before the evaluation
	changed map[string]bool // names whose meaning changes
}

// prepareRedefine forgets, before chunk c is evaluated, the types and methods it
// declares anew, and returns what changes.
func (s *Session) prepareRedefine(c chunk) (*redefinition, error) {
	r := &redefinition{decls: cellDecls(c), forgot: map[string]bool{}, changed: map[string]bool{}}
	for _, d := range r.decls {
		old, seen := s.decls[d.key]
		kind, declared := s.declared[d.name]
		switch d.kind {
		case "type":
			if !declared || (seen && old.sig == d.sig) {
				continue
			}
			if kind == "type" && !seen {
				continue // declared by a statement chunk: local to it
			}
			if err := forgetSymbol(s.in, d.name); err != nil {
				return nil, err
			}
			r.forgot[d.name], r.changed[d.name] = true, true
		case "func":
			if declared && kind == "type" {
				if err := forgetSymbol(s.in, d.name); err != nil {
					return nil, err
				}
			}
			if seen && old.sig != d.sig {
				r.changed[d.name] = true
			}
		}
	}
	for _, d := range r.decls {
		if old, seen := s.decls[d.key]; d.kind == "method" && seen && old.sig != d.sig && !r.forgot[d.recv] {
			if err := dropMethod(s.in, d.recv, d.name); err != nil {
				return nil, err
			}
			r.changed[d.name] = true
		}
	}
	return r, nil
}

// finishRedefine records the chunk's declarations after a successful evaluation
// and evaluates again the earlier declarations that depend on what changed.
func (s *Session) finishRedefine(ctx context.Context, r *redefinition, sink Sink) error {
	inChunk := map[string]bool{}
	for _, d := range r.decls {
		s.declSeq++
		d.seq = s.declSeq
		s.decls[d.key] = d
		inChunk[d.key] = true
	}
	if len(r.changed) == 0 {
		return nil
	}
	// The dependants, transitively: users of a changed name, and every method of a
	// type that is declared again.
	again := map[string]*declSrc{}
	changed, retyped := r.changed, r.forgot
	for grew := true; grew; {
		grew = false
		for key, d := range s.decls {
			if inChunk[key] || again[key] != nil {
				continue
			}
			uses := d.kind == "method" && retyped[d.recv]
			for n := range d.refs {
				if changed[n] && n != d.name {
					uses = true
					break
				}
			}
			if !uses {
				continue
			}
			again[key] = d
			changed[d.name] = true
			if d.kind == "type" {
				retyped[d.name] = true
			}
			grew = true
		}
	}
	order := make([]*declSrc, 0, len(again))
	for _, d := range again {
		order = append(order, d)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].seq < order[j].seq })
	var failed []string
	var firstErr error
	for _, d := range order {
		var err error
		switch {
		case d.kind == "type":
			err = forgetSymbol(s.in, d.name)
		case d.kind == "method" && !retyped[d.recv]:
			err = dropMethod(s.in, d.recv, d.name)
		}
		if err == nil {
			_, err = s.evalWait(ctx, d.text, sink)
		}
		if err != nil {
			// Never keep the old meaning: forget what no longer compiles.
			if d.kind == "method" {
				dropMethod(s.in, d.recv, d.name)
			} else {
				forgetSymbol(s.in, d.name)
				delete(s.declared, d.name)
			}
			delete(s.decls, d.key)
			failed = append(failed, d.kind+" "+d.key)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if firstErr == nil {
		return nil
	}
	names := make([]string, 0, len(r.changed))
	for _, d := range r.decls {
		if r.changed[d.name] {
			names = append(names, d.key)
		}
	}
	line := 0
	if len(r.decls) > 0 {
		line = r.decls[0].line
	}
	return &Error{Name: ErrCompile, Line: line, Col: 1, Msg: fmt.Sprintf(
		"%s changed, and %s of an earlier cell no longer compiles with it (%v); it is forgotten: declare it again to fit",
		strings.Join(names, ", "), strings.Join(failed, ", "), firstErr)}
}
