package kernels

import "fmt"

// Path names one implementation of the GEMM micro-kernel.
type Path int

const (
	// Portable is the pure-Go micro-kernel; it runs everywhere.
	Portable Path = iota
	// AVX2 is the amd64 assembly micro-kernel using AVX2 and FMA (256-bit vectors).
	AVX2
	// AVX512 is the amd64 assembly micro-kernel using AVX-512F (512-bit vectors).
	AVX512
)

// String returns the path's name: "portable", "avx2" or "avx512".
func (p Path) String() string {
	switch p {
	case Portable:
		return "portable"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("Path(%d)", int(p))
}

// active is the micro-kernel path in use; tests switch it with SetPath.
var active = BestPath()

// ActivePath returns the micro-kernel path in use.
func ActivePath() Path { return active }

// SetPath selects the micro-kernel path, returning an error if this CPU or build cannot
// run it. Tests use it to compare the assembly paths against the portable one.
func SetPath(p Path) error {
	if !Supported(p) {
		return fmt.Errorf("kernels: path %s is not supported on this CPU/architecture", p)
	}
	active = p
	return nil
}

// BestPath returns the fastest path this CPU supports.
func BestPath() Path {
	switch {
	case Supported(AVX512):
		return AVX512
	case Supported(AVX2):
		return AVX2
	}
	return Portable
}
