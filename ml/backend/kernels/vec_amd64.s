// Element-wise float32 loops for amd64 with AVX-512: d[i] = a[i] op b[i] (VV) and
// d[i] = a[i] op s (VS), 16 lanes at a time over n16·16 elements; Go handles the tail.

//go:build amd64

#include "textflag.h"

// func addVV512(d, a, b *float32, n16 int)
TEXT ·addVV512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ addvvdone
addvvloop:
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VADDPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNE addvvloop
addvvdone:
	VZEROUPPER
	RET

// func addVS512(d, a *float32, s float32, n16 int)
TEXT ·addVS512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	VBROADCASTSS s+16(FP), Z1
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ addvsdone
addvsloop:
	VMOVUPS (SI), Z0
	VADDPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE addvsloop
addvsdone:
	VZEROUPPER
	RET

// func subVV512(d, a, b *float32, n16 int)
TEXT ·subVV512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ subvvdone
subvvloop:
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VSUBPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNE subvvloop
subvvdone:
	VZEROUPPER
	RET

// func subVS512(d, a *float32, s float32, n16 int)
TEXT ·subVS512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	VBROADCASTSS s+16(FP), Z1
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ subvsdone
subvsloop:
	VMOVUPS (SI), Z0
	VSUBPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE subvsloop
subvsdone:
	VZEROUPPER
	RET

// func mulVV512(d, a, b *float32, n16 int)
TEXT ·mulVV512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ mulvvdone
mulvvloop:
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMULPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNE mulvvloop
mulvvdone:
	VZEROUPPER
	RET

// func mulVS512(d, a *float32, s float32, n16 int)
TEXT ·mulVS512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	VBROADCASTSS s+16(FP), Z1
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ mulvsdone
mulvsloop:
	VMOVUPS (SI), Z0
	VMULPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE mulvsloop
mulvsdone:
	VZEROUPPER
	RET

// func divVV512(d, a, b *float32, n16 int)
TEXT ·divVV512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ divvvdone
divvvloop:
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VDIVPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNE divvvloop
divvvdone:
	VZEROUPPER
	RET

// func divVS512(d, a *float32, s float32, n16 int)
TEXT ·divVS512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	VBROADCASTSS s+16(FP), Z1
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ divvsdone
divvsloop:
	VMOVUPS (SI), Z0
	VDIVPS Z1, Z0, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE divvsloop
divvsdone:
	VZEROUPPER
	RET

// func signV512(d, a *float32, n16 int)
// d[i] = 1 if a[i] > 0, -1 if a[i] < 0, else a[i] (±0 and NaN unchanged).
TEXT ·signV512(SB), NOSPLIT, $0-24
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n16+16(FP), CX
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Z1
	MOVL $0xbf800000, AX
	VPBROADCASTD AX, Z2
	VPXORD Z3, Z3, Z3
	TESTQ CX, CX
	JEQ signdone
signloop:
	VMOVUPS (SI), Z0
	VCMPPS $0x1e, Z3, Z0, K1
	VCMPPS $0x11, Z3, Z0, K2
	VMOVAPS Z1, K1, Z0
	VMOVAPS Z2, K2, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE signloop
signdone:
	VZEROUPPER
	RET

// func where512(d *float32, c *bool, t, f *float32, tInc, fInc, n16 int)
// d[i] = c[i] ? t[i] : f[i] over n16·16 elements; t and f advance by tInc and fInc bytes
// per 16 elements (0: a 16-float block holding a broadcast scalar).
TEXT ·where512(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DI
	MOVQ c+8(FP), SI
	MOVQ t+16(FP), DX
	MOVQ f+24(FP), R8
	MOVQ tInc+32(FP), R9
	MOVQ fInc+40(FP), R10
	MOVQ n16+48(FP), CX
	TESTQ CX, CX
	JEQ wheredone
whereloop:
	VMOVDQU8 (SI), X0
	VPTESTMB X0, X0, K1
	VMOVUPS (R8), Z1
	VMOVUPS (DX), K1, Z1
	VMOVUPS Z1, (DI)
	ADDQ $16, SI
	ADDQ R9, DX
	ADDQ R10, R8
	ADDQ $64, DI
	DECQ CX
	JNE whereloop
wheredone:
	VZEROUPPER
	RET

// func maxVV512(d, a, b *float32, n16 int)
// d[i] = max(a[i], b[i]), NaN if either is NaN (Go's max and XLA's): VMAXPS returns
// its second source when either is NaN (b here), and a's NaNs are merged in after.
TEXT ·maxVV512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ maxvvdone
maxvvloop:
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMAXPS Z1, Z0, Z2
	VCMPPS $3, Z0, Z0, K1
	VMOVAPS Z0, K1, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNE maxvvloop
maxvvdone:
	VZEROUPPER
	RET

// func maxVS512(d, a *float32, s float32, n16 int)
// d[i] = max(a[i], s), NaN-propagating as maxVV512.
TEXT ·maxVS512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	VBROADCASTSS s+16(FP), Z1
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ maxvsdone
maxvsloop:
	VMOVUPS (SI), Z0
	VMAXPS Z1, Z0, Z2
	VCMPPS $3, Z0, Z0, K1
	VMOVAPS Z0, K1, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE maxvsloop
maxvsdone:
	VZEROUPPER
	RET

// func minVV512(d, a, b *float32, n16 int)
// d[i] = min(a[i], b[i]), NaN-propagating as maxVV512.
TEXT ·minVV512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ minvvdone
minvvloop:
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMINPS Z1, Z0, Z2
	VCMPPS $3, Z0, Z0, K1
	VMOVAPS Z0, K1, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNE minvvloop
minvvdone:
	VZEROUPPER
	RET

// func minVS512(d, a *float32, s float32, n16 int)
// d[i] = min(a[i], s), NaN-propagating as maxVV512.
TEXT ·minVS512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	VBROADCASTSS s+16(FP), Z1
	MOVQ n16+24(FP), CX
	TESTQ CX, CX
	JEQ minvsdone
minvsloop:
	VMOVUPS (SI), Z0
	VMINPS Z1, Z0, Z2
	VCMPPS $3, Z0, Z0, K1
	VMOVAPS Z0, K1, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE minvsloop
minvsdone:
	VZEROUPPER
	RET
