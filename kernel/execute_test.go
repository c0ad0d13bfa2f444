package kernel

import (
	"errors"
	"testing"

	"github.com/im2im/im2im/dsl"
)

func TestErrorParts(t *testing.T) {
	code := "a := 1\nprintln(a + nope)"
	ename, evalue, tb := errorParts(&dsl.Error{Name: dsl.ErrCompile, Line: 2, Col: 13, Msg: "undefined: nope"}, code)
	if ename != "CompileError" || evalue != "undefined: nope" || len(tb) != 3 ||
		tb[0] != "cell:2:13: undefined: nope" || tb[1] != "   2 | println(a + nope)" || tb[2] != "                   ^" {
		t.Errorf("got %q %q %q", ename, evalue, tb)
	}
	ename, _, tb = errorParts(errors.New("plain"), code)
	if ename != "Error" || len(tb) != 1 {
		t.Errorf("plain error: %q %q", ename, tb)
	}
}
