package dsl

import (
	"path"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/im2im/im2im/dsl/symbols"
)

var keywords = []string{"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
	"struct", "switch", "type", "var"}

var builtins = []string{"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover", "true", "false", "nil", "iota",
	"bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8", "int16", "int32",
	"int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "any"}

// packages maps a package name to its import path and exported symbols, for the
// Go standard library (with os/exec) and the im2im stdlib (which wins on name
// clashes); among standard packages with the same name the shortest path wins
// (rand → math/rand), then the first in sort order (template → html/template).
var packages = func() map[string]pkgInfo {
	m := map[string]pkgInfo{}
	add := func(exp map[string]map[string]reflect.Value, short bool) {
		for key, syms := range exp {
			p := path.Dir(key)
			name := path.Base(key)
			if old, ok := m[name]; ok && !short && (old.short || len(old.path) < len(p) ||
				len(old.path) == len(p) && old.path < p) {
				continue
			}
			m[name] = pkgInfo{path: p, syms: syms, short: short}
		}
	}
	add(stdlib.Symbols, false)
	add(map[string]map[string]reflect.Value{"os/exec/exec": unrestricted.Symbols["os/exec/exec"]}, false)
	add(symbols.Symbols, true)
	return m
}()

type pkgInfo struct {
	path  string
	syms  map[string]reflect.Value
	short bool // an im2im stdlib package
}

// wordAt finds the identifier around (or just before) byte offset pos in code and
// the qualifier before a dot ("fmt" in "fmt.Pri"). start/end delimit the word.
func wordAt(code string, pos int, forward bool) (qual, word string, start, end int) {
	isID := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	start = pos
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:start])
		if !isID(r) {
			break
		}
		start -= n
	}
	end = pos
	if forward {
		for end < len(code) {
			r, n := utf8.DecodeRuneInString(code[end:])
			if !isID(r) {
				break
			}
			end += n
		}
	}
	word = code[start:end]
	if start > 0 && code[start-1] == '.' {
		q := start - 1
		for q > 0 {
			r, n := utf8.DecodeLastRuneInString(code[:q])
			if !isID(r) {
				break
			}
			q -= n
		}
		qual = code[q : start-1]
	}
	return qual, word, start, end
}

// runeToByte converts a cursor position in code points (the Jupyter convention)
// into a byte offset, clamped to the code.
func runeToByte(code string, cursor int) int {
	if cursor < 0 {
		return 0
	}
	i := 0
	for b := range code {
		if i == cursor {
			return b
		}
		i++
	}
	return len(code)
}

func byteToRune(code string, b int) int { return utf8.RuneCountInString(code[:b]) }

// Complete returns the completions of the identifier before cursor (in code
// points) and the code-point range they replace: members of a package ("fmt.Pr"),
// fields and methods of a variable ("h.Te"), or variables, functions, types,
// packages, keywords and builtins.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := runeToByte(code, cursor)
	qual, word, bs, be := wordAt(code, pos, false)
	set := map[string]bool{}
	if fields, ok := s.literalFields(code, bs); ok && qual == "" {
		for _, n := range fields {
			if strings.HasPrefix(n, word) {
				matches = append(matches, n)
			}
		}
		if len(matches) > 0 {
			sort.Strings(matches)
			return matches, byteToRune(code, bs), byteToRune(code, be)
		}
	}
	if qual != "" {
		for _, n := range s.members(qual) {
			set[n] = true
		}
	} else {
		for n := range s.globals() {
			set[n] = true
		}
		for n := range s.declared {
			set[n] = true
		}
		for n := range packages {
			set[n] = true
		}
		for _, n := range append(keywords, builtins...) {
			set[n] = true
		}
	}
	for n := range set {
		if strings.HasPrefix(n, word) && !strings.HasPrefix(n, "_") {
			matches = append(matches, n)
		}
	}
	sort.Strings(matches)
	return matches, byteToRune(code, bs), byteToRune(code, be)
}

// members lists the exported names of package qual, or the fields and methods of
// the variable qual (of a compiled type or a cell type).
func (s *Session) members(qual string) []string {
	var out []string
	if v, ok := s.globals()[qual]; ok && v.IsValid() {
		t := v.Type()
		if v.Kind() == reflect.Interface && !v.IsNil() {
			t = v.Elem().Type()
		}
		if fields, methods := s.cellMembers(qual, true); len(fields)+len(methods) > 0 {
			return append(fields, methods...) // yaegi's view: reflect's lacks methods
		}
		return reflectMembers(t)
	}
	if p, ok := packages[qual]; ok {
		for n := range p.syms {
			if !strings.HasPrefix(n, "_") {
				out = append(out, n)
			}
		}
	}
	return out
}
