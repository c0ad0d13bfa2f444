package store

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

func TestValueRange(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, tc := range []struct {
		name string
		v    []float32
		want ValueRange
	}{
		{"plain", []float32{3, -1, 7, 0}, ValueRange{Min: -1, Max: 7}},
		{"one", []float32{5}, ValueRange{Min: 5, Max: 5}},
		{"non-finite skipped", []float32{nan, 2, inf, -inf, 4}, ValueRange{Min: 2, Max: 4, NonFinite: 3}},
		{"only NaN", []float32{nan, nan}, ValueRange{NonFinite: 2}},
		{"empty", nil, ValueRange{}},
	} {
		if got := *valueRange(tc.v); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// Put records every array's range; MetaRanges returns it, and computes it
// for a sample stored before ranges were recorded.
func TestMetaRanges(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "s"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	smp := testSample("a", 1, 2, 6, 9)
	smp.Arrays["GT"].Data[5] = 9
	k := keyOf("a")
	if err := st.Put(k, smp); err != nil {
		t.Fatal(err)
	}
	want := map[string]ValueRange{}
	for role, a := range smp.Arrays {
		want[role] = *valueRange(a.Data)
	}
	if want["GT"].Max != 9 || want["GT"].Min != 0 {
		t.Fatalf("GT range %+v", want["GT"])
	}
	check := func(what string) {
		t.Helper()
		m, err := st.MetaRanges(k)
		if err != nil {
			t.Fatal(err)
		}
		for role, w := range want {
			if r := m.Arrays[role].Range; r == nil || *r != w {
				t.Errorf("%s: %s range %v, want %+v", what, role, r, w)
			}
		}
	}
	check("recorded")
	// An entry of an older build: the metadata has no ranges.
	m, err := st.Meta(k)
	if err != nil {
		t.Fatal(err)
	}
	for role, a := range m.Arrays {
		a.Range = nil
		m.Arrays[role] = a
	}
	b, _ := json.Marshal(m)
	if err := st.db.Set(metaKey(k), b, pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Meta(k); m.Arrays["GT"].Range != nil {
		t.Fatal("range not removed")
	}
	check("computed")
}
