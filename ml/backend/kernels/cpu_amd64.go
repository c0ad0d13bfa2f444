package kernels

import "golang.org/x/sys/cpu"

// Supported reports whether this CPU can run path p.
func Supported(p Path) bool {
	switch p {
	case Portable:
		return true
	case AVX2:
		return cpu.X86.HasAVX2 && cpu.X86.HasFMA
	case AVX512:
		return cpu.X86.HasAVX512F
	}
	return false
}
