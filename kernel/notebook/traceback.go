package notebook

import (
	"errors"
	"fmt"
	"strings"

	"github.com/im2im/im2im/dsl"
)

// errorOutput turns a cell failure into an error output: ename is the dsl error
// name, evalue its message, and the traceback shows "cell:LINE:COL: message", the
// failing cell line with a caret under the column, then a panic's Go stack — the
// same parts the kernel sends in its error message.
func errorOutput(err error, code string) *Output {
	var e *dsl.Error
	if !errors.As(err, &e) {
		return &Output{Type: "error", EName: "Error", EValue: err.Error(), Traceback: []string{err.Error()}}
	}
	tb := []string{e.Error()}
	tb = append(tb, caretLines(code, e.Line, e.Col)...)
	tb = append(tb, e.Trace...)
	return &Output{Type: "error", EName: e.Name, EValue: e.Msg, Traceback: tb}
}

// caretLines shows line (1-based) of code with a caret under col; nothing when the
// line is unknown.
func caretLines(code string, line, col int) []string {
	lines := strings.Split(code, "\n")
	if line < 1 || line > len(lines) {
		return nil
	}
	prefix := fmt.Sprintf("%4d | ", line)
	out := []string{prefix + lines[line-1]}
	if col > 0 {
		out = append(out, strings.Repeat(" ", len(prefix)+col-1)+"^")
	}
	return out
}
