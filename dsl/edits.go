package dsl

import (
	"go/token"
	"sort"
	"strings"
)

// textEdit is text to insert at a position of a chunk parsed behind a one-line
// prefix ("package p\n" or "package p; func _() {\n").
type textEdit struct {
	pos token.Position
	s   string
}

// applyEdits inserts edits into text (parsed behind a prefix of prefixLen bytes
// and one line) and returns the new text with the insertions made, in text
// order; cell line numbers count from startLine. Edits at the same offset keep
// their order.
func applyEdits(text string, prefixLen, startLine int, edits []textEdit) (string, []insertion) {
	if len(edits) == 0 {
		return text, nil
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].pos.Offset < edits[j].pos.Offset })
	var out strings.Builder
	ins := make([]insertion, 0, len(edits))
	last := 0
	for _, e := range edits {
		off := e.pos.Offset - prefixLen
		out.WriteString(text[last:off])
		out.WriteString(e.s)
		last = off
		ins = append(ins, insertion{line: startLine + e.pos.Line - 2, col: e.pos.Column, n: len(e.s)})
	}
	out.WriteString(text[last:])
	return out.String(), ins
}
