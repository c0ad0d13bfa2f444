package store

import (
	"bytes"
	"strings"
	"testing"
)

// Off a terminal, TextProgress prints a line at the start, about every tenth
// and at the end; a build with nothing to do prints one line.
func TestTextProgress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		calls [][2]int
		want  string
	}{
		{"all stored", [][2]int{{5, 5}}, "cache: all 5 samples already stored\n"},
		{"four", [][2]int{{0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 4}}, "cache: 4 of 4 samples to store (0/4)\ncache: 1/4\ncache: 2/4\ncache: 3/4\ncache: 4/4\n"},
		{"tenths of 40, 10 stored before", func() [][2]int {
			c := [][2]int{}
			for d := 10; d <= 40; d++ {
				c = append(c, [2]int{d, 40})
			}
			return c
		}(), "cache: 30 of 40 samples to store (10/40)\ncache: 12/40\ncache: 16/40\ncache: 20/40\ncache: 24/40\ncache: 28/40\ncache: 32/40\ncache: 36/40\ncache: 40/40\n"},
	} {
		var b bytes.Buffer
		p := TextProgress(&b, "cache")
		for _, c := range tc.calls {
			p(c[0], c[1])
		}
		if got := b.String(); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, got, tc.want)
		}
		if strings.Contains(b.String(), "\r") {
			t.Errorf("%s: a pipe got a carriage return", tc.name)
		}
	}
}
