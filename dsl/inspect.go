package dsl

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"

	"github.com/im2im/im2im/dsl/symbols"
)

// Inspect describes the identifier at cursor (in code points): the declaration and
// doc comment of a stdlib or im2im symbol ("display.PNG", "fmt.Println", a method
// of a variable's type), or the type and value of a cell variable.
func (s *Session) Inspect(code string, cursor int) (text string, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inspect(code, cursor)
}

// inspect is Inspect with s.mu held (the %help magic runs inside Execute).
func (s *Session) inspect(code string, cursor int) (text string, found bool) {
	qual, word, _, _ := wordAt(code, runeToByte(code, cursor), true)
	if word == "" {
		return "", false
	}
	globals := s.globals()
	if qual != "" {
		if v, ok := globals[qual]; ok && v.IsValid() {
			return memberDoc(qual, v, word)
		}
		if p, ok := packages[qual]; ok {
			return symbolDoc(qual, p, word)
		}
		return "", false
	}
	if v, ok := globals[word]; ok {
		if !v.IsValid() {
			return word + " (untyped)", true
		}
		return fmt.Sprintf("%s %s = %s", word, v.Type(), truncate(fmt.Sprintf("%+v", v.Interface()), 400)), true
	}
	if kind, ok := s.declared[word]; ok {
		if v, err := s.in.Eval(word); err == nil && v.IsValid() && kind == "func" {
			return fmt.Sprintf("func %s: %s", word, v.Type()), true
		}
		return kind + " " + word, true
	}
	if p, ok := packages[word]; ok {
		return fmt.Sprintf("package %s (import %q), %d exported names", word, p.path, len(p.syms)), true
	}
	return "", false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// symbolDoc documents pkg.name.
func symbolDoc(qual string, p pkgInfo, name string) (string, bool) {
	v, ok := p.syms[name]
	if !ok {
		return "", false
	}
	if p.short {
		if d, ok := symbols.Docs[qual][name]; ok {
			return qual + "." + name + "\n\n" + d, true
		}
	}
	sig := qual + "." + name
	switch {
	case v.Kind() == reflect.Func:
		sig += ": " + v.Type().String()
	case v.Kind() == reflect.Pointer && v.IsNil():
		sig += ": type " + v.Type().Elem().String()
	default:
		sig += ": " + v.Type().String()
	}
	if d := goDoc(p.path, name); d != "" {
		return sig + "\n\n" + d, true
	}
	return sig, true
}

// memberDoc documents field or method name of variable qual.
func memberDoc(qual string, v reflect.Value, name string) (string, bool) {
	t := v.Type()
	if v.Kind() == reflect.Interface && !v.IsNil() {
		t = v.Elem().Type()
	}
	if m, ok := t.MethodByName(name); ok {
		text := fmt.Sprintf("%s.%s: %s", qual, name, m.Type)
		if d := typeMemberDoc(t, name); d != "" {
			text += "\n\n" + d
		}
		return text, true
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		if f, ok := st.FieldByName(name); ok {
			return fmt.Sprintf("%s.%s: %s (field of %s)", qual, name, f.Type, st), true
		}
	}
	return "", false
}

// typeMemberDoc finds the doc of method name of t in the im2im stdlib or Go docs.
func typeMemberDoc(t reflect.Type, name string) string {
	nt := t
	if nt.Kind() == reflect.Pointer {
		nt = nt.Elem()
	}
	pkgPath := nt.PkgPath()
	const prefix = "github.com/im2im/im2im/stdlib/"
	if short, ok := strings.CutPrefix(pkgPath, prefix); ok {
		return symbols.Docs[short][nt.Name()+"."+name]
	}
	if pkgPath != "" {
		return goDoc(pkgPath, nt.Name()+"."+name)
	}
	return ""
}

var (
	goDocMu    sync.Mutex
	goDocCache = map[string]map[string]string{}
)

// goDoc returns the declaration and doc comment of name ("Func", "Type" or
// "Type.Method") in Go standard package pkgPath, read from GOROOT's sources;
// empty when the sources are not installed.
func goDoc(pkgPath, name string) string {
	goDocMu.Lock()
	defer goDocMu.Unlock()
	table, ok := goDocCache[pkgPath]
	if !ok {
		table = loadGoDoc(filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(pkgPath)))
		goDocCache[pkgPath] = table
	}
	return table[name]
}

func loadGoDoc(dir string) map[string]string {
	table := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return table
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, n); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err == nil {
			files = append(files, f)
		}
	}
	p, err := doc.NewFromFiles(fset, files, "std")
	if err != nil {
		return table
	}
	decl := func(n ast.Node) string {
		var b bytes.Buffer
		format.Node(&b, fset, n)
		return b.String()
	}
	fn := func(f *doc.Func) string {
		d := *f.Decl
		d.Body, d.Doc = nil, nil
		return decl(&d) + "\n\n" + strings.TrimSpace(f.Doc)
	}
	for _, f := range p.Funcs {
		table[f.Name] = fn(f)
	}
	for _, t := range p.Types {
		table[t.Name] = "type " + t.Name + "\n\n" + strings.TrimSpace(t.Doc)
		for _, f := range t.Funcs {
			table[f.Name] = fn(f)
		}
		for _, m := range t.Methods {
			table[t.Name+"."+m.Name] = fn(m)
		}
	}
	for _, vs := range append(p.Consts, p.Vars...) {
		for _, n := range vs.Names {
			table[n] = strings.TrimSpace(vs.Doc)
		}
	}
	return table
}
