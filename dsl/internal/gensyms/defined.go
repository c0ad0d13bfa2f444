package main

import (
	"bytes"
	"go/ast"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// definedFrom returns, for a type declared from another im2im package's type
// (`type UNet nets.UNet`), a declaration of t with the fields of the struct that
// type is made of (following `type UNet Config` inside that package), so that
// inspection shows fields and their docs; "" for other types. dir is the
// stdlib package's folder (the module root is two levels up).
func definedFrom(files []*ast.File, t *doc.Type, dir string) string {
	if len(t.Decl.Specs) != 1 {
		return ""
	}
	spec, ok := t.Decl.Specs[0].(*ast.TypeSpec)
	if !ok {
		return ""
	}
	sel, ok := spec.Type.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	pkgIdent, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	importPath := ""
	for _, f := range files {
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			name := filepath.Base(p)
			if im.Name != nil {
				name = im.Name.Name
			}
			if name == pkgIdent.Name {
				importPath = p
			}
		}
	}
	rel, ok := strings.CutPrefix(importPath, modulePath+"/")
	if !ok {
		return ""
	}
	fset := token.NewFileSet()
	src := filepath.Join(dir, "..", "..", rel)
	entries, err := os.ReadDir(src)
	if err != nil {
		return ""
	}
	specs := map[string]*ast.TypeSpec{}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(src, n), nil, parser.ParseComments)
		if err != nil {
			return ""
		}
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, s := range gd.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						specs[ts.Name.Name] = ts
					}
				}
			}
		}
	}
	name := sel.Sel.Name
	for range 8 { // follow `type A B` within the package
		ts, ok := specs[name]
		if !ok {
			return ""
		}
		switch x := ts.Type.(type) {
		case *ast.StructType:
			gd := &ast.GenDecl{Tok: token.TYPE, Specs: []ast.Spec{&ast.TypeSpec{Name: ast.NewIdent(t.Name), Type: x}}}
			var b bytes.Buffer
			if err := format.Node(&b, fset, gd); err != nil {
				return ""
			}
			return b.String()
		case *ast.Ident:
			name = x.Name
		default:
			return ""
		}
	}
	return ""
}
