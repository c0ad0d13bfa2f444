package dsl

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// Releasing the memory of finished top-level code.
//
// yaegi v0.16.1 keeps every value top-level code computed in its global frame, one
// slot per expression result and per variable, and never reuses a slot: a cell
// `len(make([]byte, 100<<20))` keeps its 100 MB until %reset, and a variable
// declared again by a later cell gets a new slot while the old one keeps the old
// value. After each chunk, the slots it added that hold no variable of the main
// package scope are given a fresh zero value (its own storage: a pointer that code
// took to the old storage keeps the old value alive, as Go would); the slot of a
// variable declared again is pointed at the new variable's storage when its type is
// the same (so functions compiled against the old slot see the new variable, as
// after GoNB's recompilation) and zeroed otherwise, unless a declared function or
// method refers to the name.
//
// A chunk that contains a function literal, or takes a method value of an
// interpreted type, keeps its slots: a closure or goroutine it made may read a
// variable of a top-level block (`for _, f := range files { go func() { use(f) }()
// }`) for as long as it lives, yaegi binds a method value to its receiver's slot,
// and yaegi gives no way to know which slots they read.
//
// The frame and scope fields are yaegi v0.16.1's (Interpreter.frame.data,
// Interpreter.universe.types, Interpreter.scopes, scope.sym, symbol.index,
// symbol.kind); a layout change makes release do nothing but log once, and
// TestReleaseTopLevelMemory fails.

// slotState is what the session knows about the global frame between chunks.
type slotState struct {
	scanned int               // slots below this index were looked at after their chunk ran
	vars    map[string]int    // main-scope variable → its slot at the last release
	aliases map[string][]int  // main-scope variable → earlier slots pointed at its storage
	pinned  map[int]bool      // slots of chunks with function literals, and of variables their closures may read
	failed  bool              // the reflection failed once: release is off for this interpreter
	keepFor func(string) bool // whether a declared function or method refers to a name
}

// globalFrame returns the interpreter's global frame data and slot types, both
// settable.
func globalFrame(in *interp.Interpreter) (data, types reflect.Value) {
	iv := reflect.ValueOf(in).Elem()
	data = writable(writable(iv, "frame").Elem(), "data")
	types = writable(writable(iv, "universe").Elem(), "types")
	return data, types
}

// mainVarSlots returns the frame slot of each symbol of the main package scope
// that has one (variables, mostly), by name.
func mainVarSlots(in *interp.Interpreter) map[string]int {
	out := map[string]int{}
	scopes := writable(reflect.ValueOf(in).Elem(), "scopes")
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.IsNil() {
		return out
	}
	syms := writable(sc.Elem(), "sym")
	it := syms.MapRange()
	for it.Next() {
		sym := it.Value()
		if sym.IsNil() {
			continue
		}
		if fmt.Sprint(writable(sym.Elem(), "kind").Interface()) != "varSym" {
			continue
		}
		if i := int(writable(sym.Elem(), "index").Int()); i >= 0 {
			out[it.Key().String()] = i
		}
	}
	return out
}

// startSlots marks the slots the interpreter holds before any cell as seen.
func (s *Session) startSlots() {
	s.slots = slotState{vars: map[string]int{}, aliases: map[string][]int{}, pinned: map[int]bool{}}
	defer func() {
		if recover() != nil {
			s.slots.failed = true
		}
	}()
	data, types := globalFrame(s.in)
	s.slots.scanned = min(data.Len(), types.Len())
	s.slots.vars = mainVarSlots(s.in)
}

// releaseChunk frees what the chunk c (just run, successfully or not) left in the
// interpreter: its values in the global frame, as described above, and for a
// statement chunk without function literals, whose code never runs again, its
// syntax tree and its file in the position table (files from fsetBase on).
func (s *Session) releaseChunk(c chunk, fsetBase int) {
	st := &s.slots
	if st.failed {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			st.failed = true
			s.logf("dsl: releasing top-level memory is off: this yaegi version's internals are not the expected ones (%v)", r)
		}
	}()
	data, types := globalFrame(s.in)
	d, ts := data.Interface().([]reflect.Value), types.Interface().([]reflect.Type)
	end := min(len(d), len(ts))
	vars := mainVarSlots(s.in)
	live := make(map[int]bool, len(vars))
	for _, i := range vars {
		live[i] = true
	}
	pin := hasFuncLit(c) || hasMethodValue(s.in)
	forgetTrees(s.in)
	if !pin && !c.decl {
		forgetFiles(s.in.FileSet(), fsetBase)
	}
	for name, old := range st.vars {
		now, ok := vars[name]
		if !ok || now == old || old >= end || now >= end || live[old] {
			continue
		}
		var kept []int
		for _, o := range append(st.aliases[name], old) {
			switch {
			case ts[o] == ts[now]:
				d[o] = d[now]
				kept = append(kept, o)
			case st.pinned[o] || (st.keepFor != nil && st.keepFor(name)):
			default:
				d[o] = reflect.New(ts[o]).Elem()
			}
		}
		st.aliases[name] = kept
	}
	for i := st.scanned; i < end; i++ {
		switch {
		case pin:
			st.pinned[i] = true
		case !live[i]:
			d[i] = reflect.New(ts[i]).Elem()
		}
	}
	st.scanned = max(st.scanned, end)
	st.vars = vars
}

// forgetTrees drops the interpreter's list of every syntax tree it compiled
// (Interpreter.roots, read only by yaegi's debugger) and the main scope's list of
// block scopes (scope.child, never read): code that can still run holds its own
// nodes and scopes.
func forgetTrees(in *interp.Interpreter) {
	iv := reflect.ValueOf(in).Elem()
	roots := writable(iv, "roots")
	roots.Set(reflect.Zero(roots.Type()))
	for _, sc := range []reflect.Value{writable(iv, "universe"), writable(iv, "scopes").MapIndex(reflect.ValueOf("main"))} {
		if sc.IsValid() && !sc.IsNil() {
			child := writable(sc.Elem(), "child")
			child.Set(reflect.Zero(child.Type()))
		}
	}
}

// hasMethodValue reports whether the trees compiled since the last forgetTrees
// take a method value of an interpreted type without calling it (`k = t.N`):
// yaegi binds such a value to the receiver's frame slot, read when it is called.
func hasMethodValue(in *interp.Interpreter) bool {
	roots := writable(reflect.ValueOf(in).Elem(), "roots")
	var walk func(n reflect.Value) bool
	walk = func(n reflect.Value) bool {
		if n.IsNil() {
			return false
		}
		nv := n.Elem()
		if !writable(nv, "recv").IsNil() && fmt.Sprint(writable(nv, "action").Interface()) == "getMethod" {
			anc := writable(nv, "anc")
			called := !anc.IsNil() && fmt.Sprint(writable(anc.Elem(), "kind").Interface()) == "callExpr" &&
				writable(anc.Elem(), "child").Len() > 0 && writable(anc.Elem(), "child").Index(0).Pointer() == n.Pointer()
			if !called {
				return true
			}
		}
		child := writable(nv, "child")
		for i := 0; i < child.Len(); i++ {
			if walk(child.Index(i)) {
				return true
			}
		}
		return false
	}
	for i := 0; i < roots.Len(); i++ {
		if walk(roots.Index(i)) {
			return true
		}
	}
	return false
}

// forgetFiles removes the files added to fset from base on.
func forgetFiles(fset *token.FileSet, base int) {
	var old []*token.File
	fset.Iterate(func(f *token.File) bool {
		if f.Base() >= base {
			old = append(old, f)
		}
		return true
	})
	for _, f := range old {
		fset.RemoveFile(f)
	}
}

// hasFuncLit reports whether a chunk contains a function literal (or does not
// parse, when nothing can be told).
func hasFuncLit(c chunk) bool {
	src := "package p\n" + c.text
	if !c.decl {
		src = "package p\nfunc _() {\n" + c.text + "\n}"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			found = true
		}
		return !found
	})
	return found
}

// declRefers reports whether a type, function or method declared by a cell
// refers to name.
func (s *Session) declRefers(name string) bool {
	for _, d := range s.decls {
		if d.refs[name] {
			return true
		}
	}
	return false
}
