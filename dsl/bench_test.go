package dsl

import (
	"context"
	"testing"
)

// BenchmarkExecuteTrivial measures one `1+1` cell through Execute, including the
// fd capture set-up and tear-down (the kernel's per-cell overhead in dsl).
func BenchmarkExecuteTrivial(b *testing.B) {
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		res, err := s.Execute(ctx, "1+1", DiscardSink{})
		if err != nil || res.Data["text/plain"] != "2" {
			b.Fatalf("%v %v", res, err)
		}
	}
}
