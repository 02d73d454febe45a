/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The payload of the in-kernel GIC tests (hv_arm64_gic_test.c): a GICv3
 * driver in a few instructions, described in hv_arm64_guest.h. MMU off,
 * position independent, no stack.
 */
#include "hv_arm64_guest.h"

/* GICv3 CPU interface registers by encoding (IHI 0069 12.2) */
#define ICC_PMR_EL1	s3_0_c4_c6_0
#define ICC_IAR1_EL1	s3_0_c12_c12_0
#define ICC_EOIR1_EL1	s3_0_c12_c12_1
#define ICC_SGI1R_EL1	s3_0_c12_c11_5
#define ICC_IGRPEN1_EL1	s3_0_c12_c12_7

.macro movq reg, imm
	movz	\reg, #((\imm) & 0xffff)
	movk	\reg, #(((\imm) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\imm) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\imm) >> 48) & 0xffff), lsl #48
.endm

	.section .rodata, "a"
	.balign 4096
	.global guest_gic_start
guest_gic_start:
	adr	x0, gic_vectors
	msr	vbar_el1, x0
	isb
	mrs	x20, mpidr_el1
	and	x20, x20, #0xff
	movq	x8, A64_GIC_TABLE
	add	x8, x8, x20, lsl #12
	ldr	x3, [x8], #8
1:	cbz	x3, 9f
	ldp	x4, x5, [x8], #16
	sub	x3, x3, #1
	tbnz	x4, #59, 20f
	bic	x6, x4, #0xf000000000000000
	tbnz	x4, #63, 2f
	tbnz	x4, #62, 3f
	tbnz	x4, #61, 4f
	tbnz	x4, #60, 5f
	str	w5, [x6]
	b	1b
2:	str	x5, [x6]
	b	1b
3:	strb	w5, [x6]
	b	1b
4:	ldr	w7, [x6]
	b	6f
5:	ldr	x7, [x6]
6:	mov	x0, #A64_HC_STEP
	mov	x1, x6
	mov	x2, x7
	hvc	#0
	b	1b
	/* A64_GIC_SYS: a system register operation, in bits [3:0] */
20:	and	x6, x4, #0xf
	cmp	x6, #A64_PT_W_CTL
	b.ne	21f
	msr	cntp_ctl_el0, x5
	b	1b
21:	cmp	x6, #A64_PT_W_CVAL
	b.ne	22f
	msr	cntp_cval_el0, x5
	b	1b
22:	cmp	x6, #A64_SYS_W_SGI1R
	b.ne	30f
	msr	ICC_SGI1R_EL1, x5
	isb
	b	1b
30:	cmp	x6, #A64_PT_W_TVAL
	b.ne	23f
	msr	cntp_tval_el0, x5
	b	1b
23:	cmp	x6, #A64_PT_W_CVAL_REL
	b.ne	24f
	isb
	mrs	x7, cntpct_el0
	add	x7, x7, x5
	msr	cntp_cval_el0, x7
	b	1b
24:	cmp	x6, #A64_PT_R_CTL
	b.ne	25f
	mrs	x7, cntp_ctl_el0
	b	29f
25:	cmp	x6, #A64_PT_R_CVAL
	b.ne	26f
	mrs	x7, cntp_cval_el0
	b	29f
26:	cmp	x6, #A64_PT_R_TVAL
	b.ne	27f
	mrs	x7, cntp_tval_el0
	b	29f
27:	isb				/* A64_PT_R_COUNT */
	mrs	x7, cntpct_el0
29:	mov	x0, #A64_HC_STEP
	mov	x1, x4
	mov	x2, x7
	hvc	#0
	b	1b

9:	mov	x0, #0xff
	msr	ICC_PMR_EL1, x0
	mov	x0, #1
	msr	ICC_IGRPEN1_EL1, x0
	isb
	mov	x0, #A64_HC_READY
	mov	x1, x20
	hvc	#0
	msr	daifclr, #2
	cbnz	x19, 11f
10:	wfi
	b	10b
11:	b	11b

	.balign 2048
gic_vectors:
	b	.			/* current EL, SP_EL0: sync */
	.balign 0x200
	b	.			/* current EL, SP_ELx: sync */
	.balign 0x80
	mrs	x9, ICC_IAR1_EL1	/* current EL, SP_ELx: IRQ */
	mov	x10, #1020
	cmp	x9, x10
	b.hs	4f			/* spurious: nothing to do */
	cbnz	x23, 7f
	cbnz	x21, 5f
	mov	x0, #A64_HC_IRQ
	mov	x1, x9
	mov	x2, x20
	hvc	#0
	tbz	x0, #63, 1f
	msr	cntv_ctl_el0, xzr
	isb
1:	tbz	x0, #61, 2f
	msr	cntp_ctl_el0, xzr
	isb
2:	tbz	x0, #62, 3f
	and	x10, x0, #0x00ffffffffffffff
	msr	ICC_SGI1R_EL1, x10
	isb
3:	msr	ICC_EOIR1_EL1, x9
	isb
4:	eret
5:	str	x9, [x22], #8		/* log mode */
	msr	ICC_EOIR1_EL1, x9
	isb
	sub	x21, x21, #1
	cbnz	x21, 4b
	mov	x0, #A64_HC_DONE
	hvc	#0
	eret
7:	add	x24, x24, #1		/* storm mode: count, EOI, no exit */
	msr	ICC_EOIR1_EL1, x9
	isb
	eret
	.global guest_gic_end
guest_gic_end:
