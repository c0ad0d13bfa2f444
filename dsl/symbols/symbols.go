// Package symbols holds the yaegi symbol tables of the im2im stdlib packages, keyed
// by their short import paths ("display/display" for `import "display"`). Each
// package's table is a generated file; adding a stdlib package is one more
// go:generate line below.
//
// Layering: symbols imports stdlib packages only; package dsl passes Symbols to
// the interpreter.
package symbols

import "reflect"

//go:generate go run ../internal/gensyms -pkg display -out display.go -exclude ^Attach$,^Publish$
//go:generate go run ../internal/gensyms -pkg im2im -out im2im.go
//go:generate go run ../internal/gensyms -pkg plot -out plot.go

// Symbols maps "path/name" keys to exported symbols, as yaegi's Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// Docs maps a short package path to its exported names ("Name", or "Type.Method")
// and their declaration followed by the doc comment.
var Docs = map[string]map[string]string{}
