package dsl

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Members of cell types. A value of a type declared in a cell is, for reflect, a
// struct without methods: yaegi keeps the methods (and the fields' declared
// names) in its own type of the symbol. cellMembers reads them from there, with
// the read-only part of yaegiscope.go's reflection.

// cellMembers lists the exported fields and the methods of the type of the cell
// variable or cell type name (with promoted ones when promoted is true); nil when
// yaegi has no such symbol or its internals are not the expected ones.
func (s *Session) cellMembers(name string, promoted bool) (fields, methods []string) {
	defer func() {
		if recover() != nil {
			fields, methods = nil, nil
		}
	}()
	sym := mainSymbols(s.in).MapIndex(reflect.ValueOf(name))
	if !sym.IsValid() || sym.IsNil() {
		return nil, nil
	}
	seen := map[string]bool{}
	depth := 0
	if !promoted {
		depth = maxDepth // no embedded types
	}
	itypeMembers(writable(sym.Elem(), "typ"), depth, seen, &fields, &methods)
	return fields, methods
}

// maxDepth bounds how deep itypeMembers follows pointers and embedded types.
const maxDepth = 4

// itypeMembers adds the exported fields and methods of yaegi type t (a *itype).
func itypeMembers(t reflect.Value, depth int, seen map[string]bool, fields, methods *[]string) {
	if depth > maxDepth || !t.IsValid() || t.IsNil() {
		return
	}
	e := t.Elem()
	add := func(to *[]string, n string) {
		if r, _ := utf8.DecodeRuneInString(n); unicode.IsUpper(r) && !seen[n] {
			seen[n] = true
			*to = append(*to, n)
		}
	}
	list := writable(e, "method")
	for i := 0; i < list.Len(); i++ {
		if m := list.Index(i); !m.IsNil() {
			add(methods, writable(m.Elem(), "ident").String())
		}
	}
	switch fmt.Sprint(writable(e, "cat").Interface()) {
	case "ptrT", "linkedT":
		itypeMembers(writable(e, "val"), min(depth+1, maxDepth), seen, fields, methods)
		return
	case "valueT":
		if rt, ok := writable(e, "rtype").Interface().(reflect.Type); ok && rt != nil {
			for _, n := range reflectMembers(rt) {
				add(methods, n)
			}
		}
		return
	}
	fl := writable(e, "field")
	for i := 0; i < fl.Len(); i++ {
		f := fl.Index(i)
		add(fields, writable(f, "name").String())
		if writable(f, "embed").Bool() {
			itypeMembers(writable(f, "typ"), depth+1, seen, fields, methods)
		}
	}
}

// reflectMembers lists the methods and exported fields of compiled type t.
func reflectMembers(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumMethod(); i++ {
		out = append(out, t.Method(i).Name)
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(st) {
			if f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// literalFields returns the field names a struct literal around byte offset
// start of code accepts, when start begins a key (just after "T{" or a comma at
// the literal's top level): fields of a stdlib type ("im2im.Data{Pa") or of a
// cell type ("Cfg{Ep").
func (s *Session) literalFields(code string, start int) ([]string, bool) {
	i := start - 1
	for i >= 0 && strings.ContainsRune(" \t\r\n", rune(code[i])) {
		i--
	}
	if i < 0 || (code[i] != '{' && code[i] != ',') {
		return nil, false
	}
	// The literal's opening brace: the first unmatched '{' going back.
	depth := 0
	for ; i >= 0; i-- {
		switch code[i] {
		case ')', ']', '}':
			depth++
		case '(', '[':
			depth--
		case '{':
			depth--
		}
		if depth < 0 {
			break
		}
	}
	if i < 0 || code[i] != '{' {
		return nil, false
	}
	qual, typ, _, _ := wordAt(code, i, false)
	if typ == "" {
		return nil, false
	}
	if qual != "" {
		p, ok := packages[qual]
		if !ok {
			return nil, false
		}
		v, ok := p.syms[typ]
		if !ok || v.Kind() != reflect.Pointer || !v.IsNil() || v.Type().Elem().Kind() != reflect.Struct {
			return nil, false
		}
		st := v.Type().Elem()
		var out []string
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
		return out, true
	}
	if s.declared[typ] != "type" {
		return nil, false
	}
	fields, _ := s.cellMembers(typ, false)
	return fields, fields != nil
}
