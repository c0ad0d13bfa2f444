package main

import "testing"

func TestGoRunBuild(t *testing.T) {
	for _, tc := range []struct {
		exe  string
		want bool
	}{
		{"/tmp/go-build3012983/b001/exe/im2im", true},
		{"/home/u/.cache/go-build/ab/im2im", true},
		{"/home/u/go/bin/im2im", false},
		{"/tmp/TestKernel123/001/im2im", false},
	} {
		if got := goRunBuild(tc.exe); got != tc.want {
			t.Errorf("goRunBuild(%q) = %v, want %v", tc.exe, got, tc.want)
		}
	}
}
