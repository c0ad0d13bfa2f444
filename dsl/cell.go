package dsl

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
	"time"
)

// item is one step of a cell: a magic line or a run of Go code.
type item struct {
	magic string // the magic line ("%env A=1", "!ls"); empty for code
	line  int    // 1-based cell line of the magic
	chunk chunk
}

// planCell splits a cell into magic lines (starting with % or ! in column 0) and
// code chunks, in cell order.
func planCell(cell string) []item {
	lines := strings.SplitAfter(cell, "\n")
	var items []item
	segStart := 0 // index of the first line of the current code segment
	flush := func(end int) {
		if end <= segStart {
			return
		}
		seg := strings.Repeat("\n", segStart) + strings.Join(lines[segStart:end], "")
		for _, c := range splitCell(seg) {
			items = append(items, item{chunk: c})
		}
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "%") || strings.HasPrefix(l, "!") {
			flush(i)
			items = append(items, item{magic: strings.TrimRight(l, "\r\n"), line: i + 1})
			segStart = i + 1
		}
	}
	flush(len(lines))
	return items
}

// runCell executes a cell's items in order and computes its result.
func (s *Session) runCell(ctx context.Context, cell string, sink Sink) (Result, error) {
	if first, rest, ok := strings.Cut(cell, "\n"); strings.HasPrefix(first, "%%") || (!ok && strings.HasPrefix(cell, "%%")) {
		return Result{}, s.cellMagic(strings.TrimSpace(first), rest)
	}
	cellLines := strings.Count(cell, "\n") + 1
	items := planCell(cell)
	s.autoImport(items)
	var timed bool
	start := time.Now()
	var last reflect.Value
	var lastChunk *chunk
	for i := range items {
		it := &items[i]
		lastChunk = nil
		if it.magic != "" {
			if strings.TrimSpace(it.magic) == "%time" {
				timed = true
				continue
			}
			if err := s.lineMagic(ctx, it.magic, it.line); err != nil {
				return Result{}, err
			}
			continue
		}
		v, err := s.evalChunk(ctx, it.chunk, cellLines, sink)
		if err != nil {
			return Result{}, err
		}
		last, lastChunk = v, &it.chunk
	}
	if timed {
		s.flushOutput()
		fmt.Fprintf(os.Stdout, "time: %s\n", time.Since(start).Round(time.Microsecond))
	}
	if lastChunk == nil || lastChunk.decl {
		return Result{}, nil
	}
	_, funSrc, ok := lastExpr(lastChunk.text)
	if !ok || noResult(last) {
		return Result{}, nil
	}
	if funSrc != "" {
		base := s.in.FileSet().Base()
		fv, err := s.in.Eval(funSrc)
		s.releaseChunk(chunk{text: funSrc}, base)
		if err == nil && fv.IsValid() && hideResult(fv.Type(), last) {
			return Result{}, nil
		}
	}
	return Result{Data: bundle(last)}, nil
}

// recordDecls notes the top-level names a successful chunk declared: "func",
// "type" or "var" (vars and consts, also from := statements), for completion,
// %who and undefined-name detection.
func recordDecls(c chunk, into map[string]string) {
	src := "package p\n" + c.text
	if !c.decl {
		src = "package p\nfunc _() {\n" + c.text + "\n}"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	if !c.decl {
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
							into[id.Name] = "var"
						}
					}
				}
			case *ast.DeclStmt:
				recordGenDecl(st.Decl, into)
			}
		}
		return
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				into[d.Name.Name] = "func"
			}
		case *ast.GenDecl:
			recordGenDecl(d, into)
		}
	}
}

func recordGenDecl(d ast.Decl, into map[string]string) {
	gd, ok := d.(*ast.GenDecl)
	if !ok {
		return
	}
	for _, sp := range gd.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			into[sp.Name.Name] = "type"
		case *ast.ValueSpec:
			for _, id := range sp.Names {
				if id.Name != "_" {
					into[id.Name] = "var"
				}
			}
		}
	}
}
