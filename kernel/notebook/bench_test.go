package notebook

import (
	"path/filepath"
	"testing"
)

func BenchmarkMarshalBig(b *testing.B) {
	nb, err := Read("/tmp/hrun/many.out.ipynb")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := nb.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteBig(b *testing.B) {
	nb, err := Read("/tmp/hrun/many.out.ipynb")
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "x.ipynb")
	b.ResetTimer()
	for b.Loop() {
		if err := nb.WriteFile(p); err != nil {
			b.Fatal(err)
		}
	}
}
