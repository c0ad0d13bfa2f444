package dsl

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/traefik/yaegi/interp"
)

// A panic in a goroutine that interpreted code started ends the process: yaegi
// runs `go` bodies in goroutines of its own, which recover nothing. Cells are
// therefore rewritten so that every `go func(…) {…}(…)` starts its body with a
// deferred recover that hands the panic to the session; the goroutine ends and
// the panic becomes the error of the cell that started it, or, when that cell has
// ended, of the next cell, which then does not run. A `go f(a, b)` of a named
// function or method value becomes `go guard.Call(cell, f, guard.Args(a, b));
// if false { f(a, b) }`: f, a and b are still evaluated by the go statement,
// the goroutine calls f through reflection under the same recover, and the
// dead call keeps the interpreter's type checks of the arguments. Calls of
// builtins and calls with `xs...` are left as written.

// goGuardPkg is the import path and name of the binary package holding the
// session's recover hook, imported by every session under goGuardName; the code
// inserted in guarded goroutines uses it.
const (
	goGuardPkg  = "im2imgoguard"
	goGuardName = "_im2imGoGuard"
	goGuardCode = "defer func() { " + goGuardName + ".Recovered(_im2imCell, recover()) }(); "
	goCellParam = "_im2imCell int64"
	goCellArg   = goGuardName + ".Cell()"
)

// goPanics collects the panics of guarded goroutines.
type goPanics struct {
	cell atomic.Int64 // number of the running (or last) cell
	mu   sync.Mutex
	msgs []goPanic
}

// goPanic is one recovered panic and the cell that was running when its
// goroutine started.
type goPanic struct {
	cell int64
	msg  string
}

// recovered records v when it is a panic value (not nil).
func (g *goPanics) recovered(cell int64, v any) {
	if v == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.msgs = append(g.msgs, goPanic{cell, goPanicMessage(fmt.Sprint(v))})
}

// call calls fn with args under the goroutine guard's recover (a `go f(a, b)`
// of a named function). Untyped constants arrive with their default type and
// are converted to the parameter's (the dead call the rewrite adds has checked
// them); nil becomes the parameter's zero value.
func (g *goPanics) call(cell int64, fn any, args []any) {
	defer func() { g.recovered(cell, recover()) }()
	f := reflect.ValueOf(fn)
	t := f.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := t.In(min(i, t.NumIn()-1))
		if t.IsVariadic() && i >= t.NumIn()-1 {
			pt = pt.Elem()
		}
		if a == nil {
			in[i] = reflect.Zero(pt)
			continue
		}
		v := reflect.ValueOf(a)
		if !v.Type().AssignableTo(pt) && v.Type().ConvertibleTo(pt) {
			v = v.Convert(pt)
		}
		in[i] = v
	}
	f.Call(in)
}

// goArgs collects the arguments of a guarded `go f(…)`.
func goArgs(args ...any) []any { return args }

// goBuiltins are the predeclared functions a guarded go statement leaves as
// written (they are not values).
var goBuiltins = map[string]bool{"append": true, "cap": true, "clear": true, "close": true, "complex": true,
	"copy": true, "delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true}

// take returns and forgets the recorded panics.
func (g *goPanics) take() []goPanic {
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.msgs
	g.msgs = nil
	return m
}

// useGoGuard gives the interpreter the recover hook, imported as goGuardName.
func (s *Session) useGoGuard(in *interp.Interpreter) error {
	if err := in.Use(interp.Exports{goGuardPkg + "/" + goGuardPkg: {
		"Recovered": reflect.ValueOf(s.goPanics.recovered),
		"Cell":      reflect.ValueOf(s.goPanics.cell.Load),
		"Call":      reflect.ValueOf(s.goPanics.call),
		"Args":      reflect.ValueOf(goArgs),
	}}); err != nil {
		return err
	}
	_, err := in.Eval(fmt.Sprintf("import %s %q", goGuardName, goGuardPkg))
	return err
}

// goPanicError turns recorded goroutine panics into a cell error: cell is the
// number of the cell that is about to run (ran is false) or has just run.
func goPanicError(ps []goPanic, cell int64, ran bool) *Error {
	if len(ps) == 0 {
		return nil
	}
	who := "an earlier cell started"
	switch {
	case !ran:
		who += ", after that cell ended"
	case ps[0].cell == cell:
		who = "this cell started"
	default:
		who += ", while this cell ran"
	}
	msg := fmt.Sprintf("panic in a goroutine that %s: %s", who, ps[0].msg)
	if len(ps) > 1 {
		var more []string
		for _, p := range ps[1:] {
			more = append(more, p.msg)
		}
		msg += fmt.Sprintf(" (and %d more goroutine panics: %s)", len(more), strings.Join(more, "; "))
	}
	if !ran {
		msg += "; this cell did not run: run it again"
	}
	return &Error{Name: ErrPanic, Msg: msg}
}

// guardGoroutines rewrites every `go func(p) {…}(a)` in text as
// `go func(_im2imCell int64, p) { defer …Recovered(_im2imCell, recover()); …}(…Cell(), a)` (a chunk, declarations when decl is
// true), and returns the insertions made; cell line numbers count from
// startLine. Text that does not parse is returned unchanged.
func guardGoroutines(text string, decl bool, startLine int) (string, []insertion) {
	if !strings.Contains(text, "go") {
		return text, nil
	}
	prefix, suffix := "package p\n", ""
	if !decl {
		prefix, suffix = "package p; func _() {\n", "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text+suffix, parser.SkipObjectResolution)
	if err != nil {
		return text, nil
	}
	var edits []textEdit
	add := func(p token.Pos, text string, more bool) {
		if more {
			text += ", "
		}
		edits = append(edits, textEdit{fset.Position(p), text})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		lit, ok := g.Call.Fun.(*ast.FuncLit)
		if !ok {
			if id, isID := g.Call.Fun.(*ast.Ident); (isID && goBuiltins[id.Name]) || g.Call.Ellipsis.IsValid() {
				return true
			}
			call := prefix + text + suffix
			callText := call[fset.Position(g.Call.Pos()).Offset:fset.Position(g.Call.End()).Offset]
			add(g.Call.Fun.Pos(), goGuardName+".Call("+goCellArg+", ", false)
			add(g.Call.Lparen, ", "+goGuardName+".Args", false)
			add(g.Call.Rparen+1, "); if false { "+callText+" }", false)
			return true
		}
		// The cell is passed as a first argument, evaluated by the go statement.
		add(lit.Type.Params.Opening+1, goCellParam, len(lit.Type.Params.List) > 0)
		add(lit.Body.Lbrace+1, goGuardCode, false)
		add(g.Call.Lparen+1, goCellArg, len(g.Call.Args) > 0)
		return true
	})
	return applyEdits(text, len(prefix), startLine, edits)
}
