package dsl

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"reflect"
	"strconv"

	"github.com/im2im/im2im/stdlib/display"
)

var errorType = reflect.TypeFor[error]()

// hideResult reports whether a call to a function of type ft produces no
// execute_result: it returns nothing, (n int, err error) like the fmt printers, or
// only an error that is nil.
func hideResult(ft reflect.Type, v reflect.Value) bool {
	if ft.Kind() != reflect.Func {
		return false
	}
	switch ft.NumOut() {
	case 0:
		return true
	case 1:
		return ft.Out(0) == errorType && (!v.IsValid() || isNil(v))
	case 2:
		return ft.Out(1) == errorType && ft.Out(0).Kind() == reflect.Int
	}
	return false
}

// noResult reports whether v is what yaegi v0.16.1 yields for a call without
// results: a pointer to a nil interface{} (an internal slot; a function that
// really returns a *any pointing at nil shows nothing either). Without this a
// cell ending in `mk().Show()` or `func() { … }()` displayed an address.
func noResult(v reflect.Value) bool {
	return v.IsValid() && v.Kind() == reflect.Pointer && !v.IsNil() &&
		v.Type().Elem().Kind() == reflect.Interface && v.Type().Elem().NumMethod() == 0 && v.Elem().IsNil()
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}

// bundle returns the MIME bundle of a cell's value: its own for a
// display.Bundler, image/png for images, a Go quoted string for strings, fmt's %v
// otherwise.
func bundle(v reflect.Value) map[string]any {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		return map[string]any{"text/plain": "<nil>"}
	}
	x := v.Interface()
	if b, ok := x.(display.Bundler); ok && !isNil(v) {
		if m := b.MIMEBundle(); len(m) > 0 {
			if _, ok := m["text/plain"]; !ok {
				m["text/plain"] = fmt.Sprintf("%v", x)
			}
			return m
		}
	}
	if img, ok := x.(image.Image); ok && !isNil(v) {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err == nil {
			b := img.Bounds()
			return map[string]any{
				"image/png":  base64.StdEncoding.EncodeToString(buf.Bytes()),
				"text/plain": fmt.Sprintf("<image %dx%d>", b.Dx(), b.Dy()),
			}
		}
	}
	if s, ok := x.(string); ok {
		return map[string]any{"text/plain": strconv.Quote(s)}
	}
	return map[string]any{"text/plain": fmt.Sprintf("%v", x)}
}
