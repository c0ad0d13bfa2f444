package dsl

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// Auto-import, goimports-style: a cell that uses pkg.Name, where pkg is a Go
// standard package or one of ours ("plot", "display", "im2im") and names nothing
// else (not a variable, function, type or import of the session or the cell), gets
// `import "path"` evaluated before it. The session keeps the import, so it is
// done, and logged, once. A name that is no package is left to the interpreter,
// whose error carries the cell position.

// missingImports returns the import paths of packages the code chunks of items
// use without an import.
func (s *Session) missingImports(items []item) []string {
	imported := map[string]bool{}
	for k := range s.imported {
		name, _, _ := strings.Cut(k, " ")
		imported[name] = true
	}
	var files []*ast.File
	for _, it := range items {
		if it.magic != "" {
			continue
		}
		src := "package p\n" + it.chunk.text
		if !it.chunk.decl {
			src = "package p; func _() {\n" + it.chunk.text + "\n}"
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
		if err != nil {
			continue // the interpreter reports the syntax error
		}
		files = append(files, f)
		for _, is := range f.Imports {
			p, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				continue
			}
			name := p[strings.LastIndex(p, "/")+1:]
			if is.Name != nil {
				name = is.Name.Name
			}
			imported[name] = true
		}
	}
	globals := s.globals()
	var paths []string
	seen := map[string]bool{}
	for _, f := range files {
		defined := definedNames(f)
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			name := id.Name
			if seen[name] || imported[name] || defined[name] {
				return true
			}
			if _, ok := s.declared[name]; ok {
				return true
			}
			if _, ok := globals[name]; ok {
				return true
			}
			p, ok := packages[name]
			if !ok {
				return true
			}
			if _, ok := p.syms[sel.Sel.Name]; !ok {
				return true // not this package's name: leave the error to the interpreter
			}
			seen[name] = true
			paths = append(paths, p.path)
			return true
		})
	}
	sort.Strings(paths)
	return paths
}

// autoImport imports the packages the cell's items use without an import, and
// says so in the log.
func (s *Session) autoImport(items []item) {
	for _, p := range s.missingImports(items) {
		if _, err := s.in.Eval(fmt.Sprintf("import %q", p)); err != nil {
			continue // the cell's own error will tell
		}
		name := p[strings.LastIndex(p, "/")+1:]
		s.imported[name+" "+p] = true
		s.logf("auto-import: %q (used without an import)", p)
	}
}

// SetLog sets where the session logs what it does on its own (auto-imports);
// by default nowhere.
func (s *Session) SetLog(logf func(format string, args ...any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logFn = logf
}

func (s *Session) logf(format string, args ...any) {
	if s.logFn != nil {
		s.logFn(format, args...)
	}
}
