package notebook

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
)

// manyCells is a notebook of n small code cells, each printing a line and ending
// in an expression.
func manyCells(b *testing.B, n int) []byte {
	b.Helper()
	cells := make([]any, n)
	for i := range cells {
		cells[i] = map[string]any{"cell_type": "code", "id": fmt.Sprintf("c%d", i), "metadata": map[string]any{},
			"outputs": []any{}, "execution_count": nil,
			"source": fmt.Sprintf("import \"fmt\"\nx%d := %d\nfmt.Println(\"cell\", x%d)\nx%d * 2", i, i, i, i)}
	}
	src, err := json.Marshal(map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}, "cells": cells})
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// BenchmarkRun300Cells runs a 300-cell notebook, saving it after every cell as
// `im2im run` does: the per-run cost of the runner (interpreter + outputs + saves).
func BenchmarkRun300Cells(b *testing.B) {
	src := manyCells(b, 300)
	out := filepath.Join(b.TempDir(), "out.ipynb")
	for b.Loop() {
		nb, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(context.Background(), nb, Options{Save: func(p []byte) error { return WriteAtomic(out, p) }}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshal300Cells encodes an executed 300-cell notebook from scratch
// (what every save would cost without the runner's cell cache).
func BenchmarkMarshal300Cells(b *testing.B) {
	nb, err := Parse(manyCells(b, 300))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Run(context.Background(), nb, Options{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := nb.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}
