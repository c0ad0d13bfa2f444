package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// generate runs the generator into a temporary file and returns its contents.
func generate(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "gen_ops.go")
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestGeneratedFileIsCurrent regenerates gen_ops.go from the pinned GoMLX source and
// requires the committed file to match, so the recording builder never misses an op.
func TestGeneratedFileIsCurrent(t *testing.T) {
	got := generate(t)
	want, err := os.ReadFile(filepath.Join("..", "..", "gen_ops.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("ml/backend/fast/gen_ops.go is stale: run `go generate ./ml/backend/fast`")
	}
	if bytes.Contains(got, []byte("func (b *Builder) Concatenate(")) {
		t.Error("hand-written Concatenate was generated too")
	}
}

// TestVariadicRecorder: the generator writes a recorder for a variadic op (Concatenate,
// the only one, is hand-written now; generate it as it would be otherwise).
func TestVariadicRecorder(t *testing.T) {
	delete(handWritten, "Concatenate")
	defer func() { handWritten["Concatenate"] = true }()
	got := generate(t)
	if !bytes.Contains(got, []byte("func (b *Builder) Concatenate(axis int, operands ...backends.Op)")) ||
		!bytes.Contains(got, []byte("ib.Concatenate(axis, in[operandsAt:operandsEnd]...)")) {
		t.Error("generated file lacks the variadic Concatenate recorder")
	}
	if bytes.Contains(got, []byte("func (b *Builder) ConvGeneral(")) {
		t.Error("hand-written ConvGeneral was generated too")
	}
}
