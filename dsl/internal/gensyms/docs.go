package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
)

// docTable returns Go source adding Docs[pkg] entries: name → "declaration\n\ndoc".
// Methods are keyed "Type.Method".
func docTable(pkg, dir string) (string, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", dir, err)
	}
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, dir+"/"+n, nil, parser.ParseComments)
		if err != nil {
			return "", err
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "im2im/"+pkg)
	if err != nil {
		return "", fmt.Errorf("doc %s: %w", dir, err)
	}
	table := map[string]string{}
	decl := func(n ast.Node) string {
		var b bytes.Buffer
		if err := format.Node(&b, fset, n); err != nil {
			return ""
		}
		return b.String()
	}
	addFunc := func(key string, f *doc.Func) {
		fd := *f.Decl
		fd.Body = nil
		fd.Doc = nil
		table[key] = decl(&fd) + "\n\n" + strings.TrimSpace(f.Doc)
	}
	for _, f := range p.Funcs {
		addFunc(f.Name, f)
	}
	for _, t := range p.Types {
		gd := *t.Decl
		gd.Doc = nil
		table[t.Name] = decl(&gd) + "\n\n" + strings.TrimSpace(t.Doc)
		if fields := definedFrom(files, t, dir); fields != "" {
			// type UNet nets.UNet: show the fields of the struct it is made of.
			table[t.Name] = fields + "\n\n" + strings.TrimSpace(t.Doc)
		}
		for _, f := range t.Funcs {
			addFunc(f.Name, f)
		}
		for _, m := range t.Methods {
			addFunc(t.Name+"."+m.Name, m)
		}
	}
	for _, vs := range append(p.Consts, p.Vars...) {
		gd := *vs.Decl
		gd.Doc = nil
		for _, n := range vs.Names {
			table[n] = decl(&gd) + "\n\n" + strings.TrimSpace(vs.Doc)
		}
	}
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "\nfunc init() {\n\tDocs[%q] = map[string]string{\n", pkg)
	for _, k := range keys {
		fmt.Fprintf(&b, "\t\t%q: %q,\n", k, table[k])
	}
	b.WriteString("\t}\n}\n")
	return b.String(), nil
}
