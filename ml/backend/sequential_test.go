package backend

import "testing"

// TestSequentialOps: simplego configurations get "ops_sequential" unless they
// name an ops_ mode themselves.
func TestSequentialOps(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "ops_sequential"},
		{"parallelism=4", "parallelism=4,ops_sequential"},
		{"ops_parallel", "ops_parallel"},
		{"parallelism=2,ops_sequential", "parallelism=2,ops_sequential"},
	} {
		if got := sequentialOps(c.in); got != c.want {
			t.Errorf("sequentialOps(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
