package train

import (
	"strings"
	"testing"
)

func TestFitErrorOtherNet(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    FitError
		want bool
	}{
		{"head only", FitError{Shapes: []string{"/head/bias: x", "/head/weights: x"}, Matching: 20}, false},
		{"first layer and head", FitError{Shapes: []string{"/enc0/w: x", "/head/bias: x", "/head/weights: x"}, Matching: 20}, false},
		{"widths", FitError{Shapes: []string{"/a: x", "/b: x", "/c: x", "/d: x"}, Matching: 2}, true},
		{"missing", FitError{Missing: []string{"/dec0/norm/running_mean"}, Matching: 30}, true},
		{"extra", FitError{Extra: []string{"/generator/x"}, Shapes: []string{"/head/bias: x"}}, true},
	} {
		if got := tc.e.OtherNet(); got != tc.want {
			t.Errorf("%s: OtherNet %v, want %v", tc.name, got, tc.want)
		}
	}
	e := FitError{Path: "c.ckpt", Missing: []string{"/m"}, Extra: []string{"/x", "/y"}, Shapes: []string{"/s: shape [1], checkpoint has [2]"}, Matching: 4}
	if got, want := e.Summary(), "4 of the model's variables match; 1 model variables are not in it (e.g. /m); it has 2 variables the model lacks (e.g. /x); 1 have other shapes (e.g. /s: shape [1], checkpoint has [2])"; got != want {
		t.Errorf("summary %q\nwant    %q", got, want)
	}
	if got := e.Error(); !strings.Contains(got, "checkpoint c.ckpt does not fit the model:\n  /m: missing from the checkpoint\n  /s: shape") {
		t.Errorf("error %q", got)
	}
}
