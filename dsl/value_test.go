package dsl

import (
	"errors"
	"image"
	"reflect"
	"strings"
	"testing"
)

type richValue struct{}

func (richValue) MIMEBundle() map[string]any { return map[string]any{"text/html": "<b>rich</b>"} }

func TestBundle(t *testing.T) {
	cases := []struct {
		v    any
		mime string
		want string
	}{
		{42, "text/plain", "42"},
		{"s", "text/plain", `"s"`},
		{richValue{}, "text/html", "<b>rich</b>"},
		{richValue{}, "text/plain", "{}"},
		{image.NewGray(image.Rect(0, 0, 2, 2)), "text/plain", "<image 2x2>"},
		{errors.New("bad"), "text/plain", "bad"},
	}
	for _, c := range cases {
		b := bundle(reflect.ValueOf(c.v))
		if got, _ := b[c.mime].(string); got != c.want {
			t.Errorf("%T %s: %q, want %q", c.v, c.mime, got, c.want)
		}
	}
	if b := bundle(reflect.ValueOf(image.NewGray(image.Rect(0, 0, 2, 2)))); !strings.HasPrefix(b["image/png"].(string), "iVBOR") {
		t.Errorf("image not PNG-encoded: %v", b)
	}
	if bundle(reflect.Value{}) != nil {
		t.Error("invalid value has a bundle")
	}
}

func TestHideResult(t *testing.T) {
	var nilErr error
	cases := []struct {
		fn   any
		v    reflect.Value
		hide bool
	}{
		{func() {}, reflect.Value{}, true},
		{func() (int, error) { return 0, nil }, reflect.ValueOf(3), true},
		{func() error { return nil }, reflect.ValueOf(&nilErr).Elem(), true},
		{func() error { return errors.New("x") }, reflect.ValueOf(errors.New("x")), false},
		{func() int { return 1 }, reflect.ValueOf(1), false},
		{func() (string, error) { return "", nil }, reflect.ValueOf(""), false},
	}
	for i, c := range cases {
		if got := hideResult(reflect.TypeOf(c.fn), c.v); got != c.hide {
			t.Errorf("case %d (%T): hide %v", i, c.fn, got)
		}
	}
}

// TestNoResultCallsShowNothing checks that a cell ending in a call without
// results shows no value, whatever the call's function part is (yaegi yields an
// internal *interface{} for such calls; see noResult), and that calls with
// results still show theirs.
func TestNoResultCallsShowNothing(t *testing.T) {
	s := newSession(t)
	if _, _, err := run(t, s, "type T struct{ N int }\nfunc (t T) Show() {}\nfunc (t T) Get() int { return t.N }\nfunc mk() T { return T{N: 4} }\nvar ts = []T{{N: 1}}"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ cell, want string }{
		{"mk().Show()", "<none>"},
		{"ts[0].Show()", "<none>"},
		{"func() {}()", "<none>"},
		{"(func() {})()", "<none>"},
		{"mk().Get()", "4"},
		{"func() int { return 9 }()", "9"},
	} {
		res, _, err := run(t, s, c.cell)
		if err != nil || plain(res) != c.want {
			t.Errorf("%q = %s, %v; want %s", c.cell, plain(res), err, c.want)
		}
	}
}
