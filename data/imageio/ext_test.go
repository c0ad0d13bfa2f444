package imageio

import (
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	cases := []struct {
		name, stem string
		ok         bool
	}{
		{"a_IM.ome.tiff", "a_IM", true},
		{"a_IM.OME.TIF", "a_IM", true},
		{"a.tiff", "a", true},
		{"a.tif", "a", true},
		{"dir.v2/a.npy", "dir.v2/a", true},
		{"a.PNG", "a", true},
		{"a.tif.bak", "a.tif.bak", false},
		{"notes.txt", "notes.txt", false},
		{"tif", "tif", false},
		{"", "", false},
	}
	for _, tc := range cases {
		if stem, ok := Stem(tc.name); stem != tc.stem || ok != tc.ok {
			t.Errorf("Stem(%q) = %q, %v; want %q, %v", tc.name, stem, ok, tc.stem, tc.ok)
		}
	}
}

// TestExtensionsLongestFirst: a longer extension must come before every
// extension it ends with, or Stem would strip only its tail.
func TestExtensionsLongestFirst(t *testing.T) {
	for i, e := range Extensions {
		if e != strings.ToLower(e) || !strings.HasPrefix(e, ".") {
			t.Errorf("Extensions[%d] = %q: want a lower-case name starting with a dot", i, e)
		}
		for _, later := range Extensions[i+1:] {
			if strings.HasSuffix(later, e) {
				t.Errorf("%q comes before %q, which ends with it", e, later)
			}
		}
	}
}
