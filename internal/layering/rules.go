package layering

import (
	"fmt"
	"sort"
	"strings"
)

// Layers ranks the module's top-level folders, bottom first: a package may
// import module packages whose rank is at most its own. The module's root
// package (main) ranks with the top layer.
var Layers = map[string]int{
	"data":      0,
	"ml":        1,
	"stdlib":    2,
	"dsl":       3,
	"kernel":    4,
	"notebooks": 5, // test-only: runs the tutorials through the built command
}

// rootRank is the rank of the module's root package (main.go, cmd_*.go).
const rootRank = 5

// Tools are module packages outside the layers (module-relative paths): they
// may import no module package, and no package may import them.
var Tools = map[string]bool{"internal/layering": true}

// Forbidden lists, per layer, the prefixes of import paths outside the module
// that the layer must not import.
var Forbidden = map[string][]string{
	"data": {"github.com/gomlx/"}, // data knows nothing of GoMLX
}

// Package is one package's import path and direct imports.
type Package struct {
	Path string
	// Imports are those of the package's own files; TestImports those of its
	// tests (in-package and external) that the package itself lacks.
	Imports, TestImports []string
}

// Violation is one import that breaks the layering.
type Violation struct {
	Package, Import string
	// Test is set when only the package's tests import it.
	Test   bool
	Reason string
}

func (v Violation) String() string {
	test := ""
	if v.Test {
		test = " (in its tests)"
	}
	return fmt.Sprintf("%s imports %s%s: %s", v.Package, v.Import, test, v.Reason)
}

// Check returns every import of pkgs that breaks the layering of module (the
// module path), sorted by package and import. Imports of packages outside the
// module (standard library, dependencies) are allowed unless Forbidden.
func Check(module string, pkgs []Package) []Violation {
	var out []Violation
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			if r := reason(module, p.Path, imp); r != "" {
				out = append(out, Violation{Package: p.Path, Import: imp, Reason: r})
			}
		}
		for _, imp := range p.TestImports {
			if r := reason(module, p.Path, imp); r != "" {
				out = append(out, Violation{Package: p.Path, Import: imp, Test: true, Reason: r})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Import < out[j].Import
	})
	return out
}

// reason says why pkg may not import imp, or "" if it may.
func reason(module, pkg, imp string) string {
	from := place(module, pkg)
	if from.outside {
		return "" // not the module's package: not checked
	}
	if imp == pkg {
		return ""
	}
	to := place(module, imp)
	switch {
	case from.tool:
		if !to.outside {
			return fmt.Sprintf("%s is a tool outside the layers and imports no module package", from.name)
		}
		return ""
	case from.unknown:
		return fmt.Sprintf("folder %q is in no layer of DESIGN.md (add it to layering.Layers)", from.name)
	case to.outside:
		for _, prefix := range Forbidden[from.name] {
			if strings.HasPrefix(imp, prefix) {
				return fmt.Sprintf("%s must not import %s*", from.name, prefix)
			}
		}
		return ""
	case to.tool:
		return fmt.Sprintf("%s is a tool outside the layers; nothing imports it", to.name)
	case to.unknown:
		return fmt.Sprintf("folder %q is in no layer of DESIGN.md (add it to layering.Layers)", to.name)
	case to.rank > from.rank:
		return fmt.Sprintf("%s may import only its own layer and those below it, not %s", from.name, to.name)
	}
	return ""
}

// where is a package's place in the layering.
type where struct {
	// name is the layer ("data", "ml", ..., "main"), the tool's path or the
	// unknown folder.
	name                   string
	rank                   int
	outside, tool, unknown bool
}

// place returns where the package path p is, for module.
func place(module, p string) where {
	if p == module {
		return where{name: "main", rank: rootRank}
	}
	rel, ok := strings.CutPrefix(p, module+"/")
	if !ok {
		return where{name: p, outside: true}
	}
	if Tools[rel] {
		return where{name: rel, tool: true}
	}
	top, _, _ := strings.Cut(rel, "/")
	rank, ok := Layers[top]
	return where{name: top, rank: rank, unknown: !ok}
}
