package dsl

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 keeps the first meaning of a redeclared type or method: a type
// spec whose name already names a complete type resolves to the old type
// (interp/type.go, nodeType2: "if sname := typeName(n)"), and a method is
// appended to its type's method list, where lookups find the older one first
// (itype.addMethod, itype.getMethod). It offers no API to forget a declaration, so
// the two functions below edit the package scope of the REPL ("main") through
// reflection on unexported fields. They are tied to yaegi v0.16.1's layout
// (Interpreter.scopes, scope.sym, symbol.typ, itype.method and itype.ptr, node.ident);
// a layout change makes them return an error, which the redefinition reports as
// such, and TestRedefinition fails.

// writable returns v's field name, made settable.
func writable(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() {
		panic(fmt.Sprintf("yaegi internals: no field %s in %s", name, v.Type()))
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// mainSymbols returns the symbol map of the interpreter's main package scope.
func mainSymbols(in *interp.Interpreter) reflect.Value {
	scopes := writable(reflect.ValueOf(in).Elem(), "scopes")
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.IsNil() {
		panic("yaegi internals: no main scope")
	}
	return writable(sc.Elem(), "sym")
}

// catch turns a panic of the reflection code into an error.
func catch(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: this yaegi version's internals are not the expected ones (%v)", what, r)
	}
}

// forgetSymbol removes name from the main package scope, so that a following
// declaration of name starts afresh.
func forgetSymbol(in *interp.Interpreter, name string) (err error) {
	defer catch(&err, "forgetting "+name)
	mainSymbols(in).SetMapIndex(reflect.ValueOf(name), reflect.Value{})
	return nil
}

// dropMethod removes method of type typeName (and of its pointer type), so that a
// following declaration of the method is the one calls find.
func dropMethod(in *interp.Interpreter, typeName, method string) (err error) {
	defer catch(&err, "forgetting method "+typeName+"."+method)
	sym := mainSymbols(in).MapIndex(reflect.ValueOf(typeName))
	if !sym.IsValid() || sym.IsNil() {
		return nil
	}
	typ := writable(sym.Elem(), "typ")
	for !typ.IsNil() {
		list := writable(typ.Elem(), "method")
		kept := reflect.MakeSlice(list.Type(), 0, list.Len())
		for i := 0; i < list.Len(); i++ {
			if m := list.Index(i); m.IsNil() || writable(m.Elem(), "ident").String() != method {
				kept = reflect.Append(kept, m)
			}
		}
		list.Set(kept)
		typ = writable(typ.Elem(), "ptr")
	}
	return nil
}
