/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FP/SIMD ownership between a guest and the host (hv_arm64_fp_test.c).
 *
 * Both sides fill all of V0-V31, FPCR and FPSR with values derived from a
 * seed S, the same way (a64_fp_expect() in the test computes them):
 *	Vn.d[0] = S + n, Vn.d[1] = ~(S + n)
 *	FPCR = (S & 0x1f) << 22		RMode, FZ, DN, AHP
 *	FPSR = (S & 0x1f) << 27 | (S & 0x1f)	N Z C V QC, IOC..IXC
 * then do something that may lose them (an exit, a system call) and
 * compare every register with what they wrote.
 */
#include "hv_arm64_guest.h"

.macro payload name
	.balign 4096
	.global guest_\name\()_start
guest_\name\()_start:
.endm

.macro payload_end name
	.global guest_\name\()_end
guest_\name\()_end:
.endm

/* Vn from the seed in \s; clobbers x9, x10 */
.macro fp_fill_one s, n
	add	x9, \s, #\n
	fmov	d\n, x9
	mvn	x10, x9
	mov	v\n\().d[1], x10
.endm

/* V0-V31, FPCR, FPSR from the seed in \s; clobbers x9, x10 */
.macro fp_fill s
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fp_fill_one \s, \n
	.endr
	and	x9, \s, #0x1f
	lsl	x10, x9, #22
	msr	fpcr, x10
	lsl	x10, x9, #27
	orr	x10, x10, x9
	msr	fpsr, x10
.endm

/* Vn against the seed in \s, see fp_check */
.macro fp_check_one s, n, fail
	mov	x12, #\n
	add	x14, \s, #\n
	fmov	x13, d\n
	cmp	x13, x14
	b.ne	\fail
	mvn	x14, x14
	mov	x13, v\n\().d[1]
	cmp	x13, x14
	b.ne	\fail
.endm

/*
 * Compare them with the seed in \s; on a difference branch to \fail with
 * x12 = the register (0-31 V, 32 FPCR, 33 FPSR), x13 = the value found
 * (for V, the half that differs), x14 = the one expected. Clobbers
 * x9-x14.
 */
.macro fp_check s, fail
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fp_check_one \s, \n, \fail
	.endr
	and	x9, \s, #0x1f
	mov	x12, #32
	lsl	x14, x9, #22
	mrs	x13, fpcr
	cmp	x13, x14
	b.ne	\fail
	mov	x12, #33
	lsl	x14, x9, #27
	orr	x14, x14, x9
	mrs	x13, fpsr
	cmp	x13, x14
	b.ne	\fail
.endm

	.section .rodata, "a"

/*
 * Guest (EL1, CPACR_EL1.FPEN set by the test): round by round, seed
 * x19 = 1, 2, ...: fill, A64_HC_STEP (seed) to the VMM, which uses FP/SIMD
 * itself, moves between CPUs, yields; its answer (X0) is how many more
 * times to check in a loop without exits (host interrupts, preemption,
 * softirqs meanwhile), 0 to finish after this round's check. Any
 * difference: A64_HC_DONE (1, register, found, expected, seed); else
 * A64_HC_DONE (0, rounds).
 */
payload fp_own
	mov	x19, #1
1:	fp_fill x19
	mov	x0, #A64_HC_STEP
	mov	x1, x19
	hvc	#0
	mov	x20, x0
2:	fp_check x19, 9f
	cbz	x20, 3f
	sub	x20, x20, #1
	cbnz	x20, 2b
	add	x19, x19, #1
	b	1b
3:	mov	x0, #A64_HC_DONE
	mov	x1, #0
	mov	x2, x19
	hvc	#0
	b	.
9:	mov	x0, #A64_HC_DONE
	mov	x1, #1
	mov	x2, x12
	mov	x3, x13
	mov	x4, x14
	mov	x5, x19
	hvc	#0
	b	.
payload_end fp_own

	.text

/**
 * a64_fp_syscall - fill V0-V31, FPCR and FPSR from a seed, make a system
 * call, store what the registers hold after it.
 * @nr:		x0, the system call number.
 * @a0:		x1, its first argument.
 * @a1:		x2, its second argument (the third is 0).
 * @seed:	x3.
 * @out:	x4, __u64[66]: V0-V31 (two halves each), FPCR, FPSR.
 *
 * D8-D15 (callee-saved in AAPCS64) are kept for the caller.
 *
 * Return: the system call's return value.
 */
	.global a64_fp_syscall
	.type a64_fp_syscall, %function
a64_fp_syscall:
	stp	d8, d9, [sp, #-80]!
	stp	d10, d11, [sp, #16]
	stp	d12, d13, [sp, #32]
	stp	d14, d15, [sp, #48]
	str	x4, [sp, #64]
	mov	x8, x0
	fp_fill x3
	mov	x0, x1
	mov	x1, x2
	mov	x2, #0
	svc	#0
	ldr	x4, [sp, #64]
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	q\n, [x4, #(\n * 16)]
	.endr
	mrs	x9, fpcr
	str	x9, [x4, #(32 * 16)]
	mrs	x9, fpsr
	str	x9, [x4, #(32 * 16 + 8)]
	ldp	d10, d11, [sp, #16]
	ldp	d12, d13, [sp, #32]
	ldp	d14, d15, [sp, #48]
	ldp	d8, d9, [sp], #80
	ret
	.size a64_fp_syscall, . - a64_fp_syscall
