//go:build !amd64

package kernels

// Supported reports whether this CPU can run path p: only Portable off amd64.
func Supported(p Path) bool { return p == Portable }
