package dsl

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
)

// importKey identifies an import: the name it binds and the path.
func importKey(spec *ast.ImportSpec) (string, bool) {
	p, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return "", false
	}
	name := path.Base(p)
	if spec.Name != nil {
		name = spec.Name.Name
	}
	return name + " " + p, true
}

// dropReimports blanks, in a declaration chunk, the imports the session already
// has (yaegi rejects a second import of a package as a redeclaration, but
// re-running a cell must work). Blanking keeps every other byte in place, so
// positions do not move. It returns the new text and the keys of the imports
// that remain.
func (s *Session) dropReimports(text string) (string, []string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p;"+text, parser.ImportsOnly)
	if err != nil {
		return text, nil
	}
	const off = len("package p;")
	b := []byte(text)
	blank := func(from, to token.Pos) {
		for i := int(from) - 1 - off; i < int(to)-1-off && i < len(b); i++ {
			if i >= 0 && b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	var fresh []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		kept := 0
		var drop []*ast.ImportSpec
		for _, sp := range gd.Specs {
			is := sp.(*ast.ImportSpec)
			key, ok := importKey(is)
			if ok && s.imported[key] {
				drop = append(drop, is)
				continue
			}
			kept++
			if ok {
				fresh = append(fresh, key)
			}
		}
		if kept == 0 {
			blank(gd.Pos(), gd.End())
			continue
		}
		if gd.Lparen.IsValid() {
			for _, is := range drop {
				blank(is.Pos(), is.End())
			}
		}
	}
	return string(b), fresh
}
