// Storing a full 8×32 GEMM tile into C with AVX-512: two zmm per row, overwritten or
// added to (the same single-precision additions as the Go loop, so identical results).

//go:build amd64

#include "textflag.h"

// func storeTile512(tile, c *float32, rs int, acc bool)
// rs is C's row stride in floats.
TEXT ·storeTile512(SB), NOSPLIT, $0-25
	MOVQ tile+0(FP), SI
	MOVQ c+8(FP), DI
	MOVQ rs+16(FP), DX
	SHLQ $2, DX
	MOVBLZX acc+24(FP), AX
	MOVQ $8, CX
	TESTQ AX, AX
	JNE addrow
setrow:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ $128, SI
	ADDQ DX, DI
	DECQ CX
	JNE setrow
	VZEROUPPER
	RET
addrow:
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z1, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ $128, SI
	ADDQ DX, DI
	DECQ CX
	JNE addrow
	VZEROUPPER
	RET
