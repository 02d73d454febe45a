/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 world switch: only what C cannot do. The GPR switch and ERET, the
 * vector table our guests exit through, the two EL2 exceptions hv takes on
 * purpose (a guarded AT, a pending SError flushed out), and the FP/SIMD
 * register copy.
 * Every system register, trap and decision is in C (el2_run.c).
 */
#include <linux/linkage.h>
#include <asm/alternative.h>
#include <asm/assembler.h>
#include <linux/arm-smccc.h>
#include <asm/sysreg.h>

#include "el2_mitigation.h"

/* Offsets in struct el2_gprs (arch_types.h), checked in el2_vm.c. */
#define GPRS_X(n)	((n) * 8)
#define GPRS_SP_EL0	(31 * 8)

/* Offsets in struct el2_fpsimd (arch_types.h), checked in el2_vm.c. */
#define FP_FPSR		(32 * 16)
#define FP_FPCR		(32 * 16 + 8)

/* Exit codes passed back to C: EL2_EXIT_* in el2.h. */
#define EXIT_SYNC	0
#define EXIT_IRQ	1
#define EXIT_FIQ	2
#define EXIT_SERROR	3

/* Host frame of __el2_guest_enter: x29/x30, x18-x28, host SP_EL0. */
#define HOST_FRAME	112

	.text

/**
 * __el2_guest_enter - enter the guest with its GPRs, return at its exit.
 * @gprs:	x0, struct el2_gprs: X0-X30 and SP_EL0 of the guest.
 *
 * Called with DAIF masked, HCR_EL2, VTTBR_EL2, VBAR_EL2 (= __el2_vectors),
 * ELR_EL2 and SPSR_EL2 already set for the guest. Saves the host's callee-
 * saved registers and SP_EL0 (the kernel's `current`) on the EL2 stack,
 * which the guest cannot touch, and leaves @gprs on top of it for the exit
 * path. On exit, stores the guest's GPRs and SP_EL0 into @gprs and restores
 * the host's.
 *
 * Return: EL2_EXIT_* saying which vector the guest left through.
 */
SYM_FUNC_START(__el2_guest_enter)
	stp	x29, x30, [sp, #-HOST_FRAME]!
	mov	x29, sp
	stp	x18, x19, [sp, #16]
	stp	x20, x21, [sp, #32]
	stp	x22, x23, [sp, #48]
	stp	x24, x25, [sp, #64]
	stp	x26, x27, [sp, #80]
	mrs	x1, sp_el0
	stp	x28, x1, [sp, #96]
	/* @gprs on top of the stack: the exit path finds it there */
	stp	x0, xzr, [sp, #-16]!

	ldr	x1, [x0, #GPRS_SP_EL0]
	msr	sp_el0, x1
	ldp	x2, x3, [x0, #GPRS_X(2)]
	ldp	x4, x5, [x0, #GPRS_X(4)]
	ldp	x6, x7, [x0, #GPRS_X(6)]
	ldp	x8, x9, [x0, #GPRS_X(8)]
	ldp	x10, x11, [x0, #GPRS_X(10)]
	ldp	x12, x13, [x0, #GPRS_X(12)]
	ldp	x14, x15, [x0, #GPRS_X(14)]
	ldp	x16, x17, [x0, #GPRS_X(16)]
	ldp	x18, x19, [x0, #GPRS_X(18)]
	ldp	x20, x21, [x0, #GPRS_X(20)]
	ldp	x22, x23, [x0, #GPRS_X(22)]
	ldp	x24, x25, [x0, #GPRS_X(24)]
	ldp	x26, x27, [x0, #GPRS_X(26)]
	ldp	x28, x29, [x0, #GPRS_X(28)]
	ldr	x30, [x0, #GPRS_X(30)]
	ldp	x0, x1, [x0, #GPRS_X(0)]
	eret
	sb
SYM_FUNC_END(__el2_guest_enter)

/*
 * The guest left through a vector: the stack holds the guest's x0/x1 and,
 * above them, @gprs; x1 holds the exit code.
 */
SYM_CODE_START_LOCAL(__el2_guest_exit)
	/*
	 * With HCR_EL2.TGE clear, taking the exit left PSTATE.PAN as the
	 * guest had it (ARM ARM D1.4.4: only an exception to EL1, or to EL2
	 * with {E2H, TGE} = {1, 1}, sets it from SCTLR_ELx.SPAN). The host
	 * kernel runs with PAN: set it before any host code runs.
	 */
	ALTERNATIVE(nop, SET_PSTATE_PAN(1), ARM64_HAS_PAN, CONFIG_ARM64_PAN)
	ldr	x0, [sp, #16]
	stp	x2, x3, [x0, #GPRS_X(2)]
	stp	x4, x5, [x0, #GPRS_X(4)]
	stp	x6, x7, [x0, #GPRS_X(6)]
	stp	x8, x9, [x0, #GPRS_X(8)]
	stp	x10, x11, [x0, #GPRS_X(10)]
	stp	x12, x13, [x0, #GPRS_X(12)]
	stp	x14, x15, [x0, #GPRS_X(14)]
	stp	x16, x17, [x0, #GPRS_X(16)]
	stp	x18, x19, [x0, #GPRS_X(18)]
	stp	x20, x21, [x0, #GPRS_X(20)]
	stp	x22, x23, [x0, #GPRS_X(22)]
	stp	x24, x25, [x0, #GPRS_X(24)]
	stp	x26, x27, [x0, #GPRS_X(26)]
	stp	x28, x29, [x0, #GPRS_X(28)]
	str	x30, [x0, #GPRS_X(30)]
	ldp	x2, x3, [sp], #32
	stp	x2, x3, [x0, #GPRS_X(0)]
	mrs	x2, sp_el0
	str	x2, [x0, #GPRS_SP_EL0]

	ldp	x28, x2, [sp, #96]
	msr	sp_el0, x2
	ldp	x18, x19, [sp, #16]
	ldp	x20, x21, [sp, #32]
	ldp	x22, x23, [sp, #48]
	ldp	x24, x25, [sp, #64]
	ldp	x26, x27, [sp, #80]
	ldp	x29, x30, [sp], #HOST_FRAME
	mov	x0, x1
	ret
SYM_CODE_END(__el2_guest_exit)

/*
 * The branch-predictor sequence an exit runs before any indirect branch of
 * the host (el2_spectre.c chooses; EL2_MITIGATION_* in el2.h). x0 and x1
 * are saved already; the SMCCC calls may also clobber x2 and x3.
 */
.macro el2_exit_mitigation kind
	.if \kind == EL2_MITIGATION_CLEARBHB
	hint	#22			/* CLRBHB */
	isb
	.elseif \kind == EL2_MITIGATION_LOOP
	/* k taken branches overwrite the branch history (k >= the CPU's) */
	mov	x0, #EL2_BHB_LOOP_K
2:	b	3f
3:	subs	x0, x0, #1
	b.ne	2b
	dsb	nsh
	isb
	.elseif \kind == EL2_MITIGATION_WA3 || \kind == EL2_MITIGATION_WA1
	stp	x2, x3, [sp, #-16]!
	.if \kind == EL2_MITIGATION_WA3
	mov_q	x0, ARM_SMCCC_ARCH_WORKAROUND_3
	.else
	mov_q	x0, ARM_SMCCC_ARCH_WORKAROUND_1
	.endif
	smc	#0
	ldp	x2, x3, [sp], #16
	.endif
.endm

/*
 * An exit from the guest (lower EL, AArch64): save x0/x1, run the
 * mitigation, pass the code. ESB first (hint #16, a NOP without FEAT_RAS):
 * PSTATE.A is masked on exception entry, so an SError the guest left
 * pending is deferred into DISR_EL1 here (ARM ARM D1.7.2) and
 * el2_enter_exit() attributes it to the guest.
 */
.macro el2_exit_vector code, kind
	.align 7
	hint	#16
	stp	x0, x1, [sp, #-16]!
	el2_exit_mitigation \kind
	mov	x1, #\code
	b	__el2_guest_exit
.endm

/*
 * An exception at EL2 while our vectors are installed (IRQs are masked
 * then, so only a bug gets here), or from an AArch32 guest (never enabled).
 */
.macro el2_bad_vector
	.align 7
	b	__el2_bad_exception
.endm

/*
 * Current EL, SP_ELx, synchronous: only the AT of __el2_at_s1e1r may take
 * one on purpose (an external abort on the guest's stage-1 walk, ARM ARM
 * D8.15, "Reporting of external aborts on translation table walks"). It
 * resumes at the fixup, which reports "no translation".
 */
.macro el2_sync_vector
	.align 7
	stp	x0, x1, [sp, #-16]!
	mrs	x0, elr_el2
	adr	x1, __el2_at_insn
	cmp	x0, x1
	b.ne	1f
	adr	x0, __el2_at_fixup
	msr	elr_el2, x0
	ldp	x0, x1, [sp], #16
	eret
1:	ldp	x0, x1, [sp], #16
	b	__el2_bad_exception
.endm

/*
 * Current EL, SP_ELx, SError: only the window of __el2_serror_flush may
 * take one on purpose. Its return value becomes 1 and SError stays masked
 * after the ERET (the error is consumed: it was the guest's).
 */
.macro el2_serror_vector
	.align 7
	stp	x0, x1, [sp, #-16]!
	mrs	x0, elr_el2
	adr	x1, __el2_serror_window
	cmp	x0, x1
	adr	x1, __el2_serror_window_end
	ccmp	x0, x1, #4, ne
	b.ne	1f
	mrs	x0, spsr_el2
	orr	x0, x0, #PSR_A_BIT
	msr	spsr_el2, x0
	ldp	x0, x1, [sp], #16
	mov	x0, #1
	eret
1:	ldp	x0, x1, [sp], #16
	b	__el2_bad_exception
.endm

SYM_CODE_START_LOCAL(__el2_bad_exception)
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	b	el2_unexpected_exception
SYM_CODE_END(__el2_bad_exception)

/*
 * A vector table for VBAR_EL2 while a guest runs (ARM ARM D1.3.2,
 * "Exception vectors"): lower-EL AArch64 entries exit to the host, the
 * current-EL SP_ELx synchronous and SError entries take hv's two expected
 * EL2 exceptions, the others panic. One table per exit mitigation.
 */
.macro el2_vector_table name, kind
	.align 11
SYM_CODE_START(\name)
	el2_bad_vector			/* current EL, SP_EL0 */
	el2_bad_vector
	el2_bad_vector
	el2_bad_vector
	el2_sync_vector			/* current EL, SP_ELx */
	el2_bad_vector
	el2_bad_vector
	el2_serror_vector
	el2_exit_vector EXIT_SYNC, \kind	/* lower EL, AArch64 */
	el2_exit_vector EXIT_IRQ, \kind
	el2_exit_vector EXIT_FIQ, \kind
	el2_exit_vector EXIT_SERROR, \kind
	el2_bad_vector			/* lower EL, AArch32 */
	el2_bad_vector
	el2_bad_vector
	el2_bad_vector
SYM_CODE_END(\name)
.endm

	el2_vector_table __el2_vectors, EL2_MITIGATION_NONE
	el2_vector_table __el2_vectors_clearbhb, EL2_MITIGATION_CLEARBHB
	el2_vector_table __el2_vectors_loop, EL2_MITIGATION_LOOP
	el2_vector_table __el2_vectors_wa3, EL2_MITIGATION_WA3
	el2_vector_table __el2_vectors_wa1, EL2_MITIGATION_WA1

/**
 * __el2_at_s1e1r - AT S1E1R of a guest VA, guarded.
 * @va:	x0, the address.
 *
 * Called with DAIF masked, the guest's HCR_EL2 and __el2_vectors in
 * place. An external abort on the stage-1 walk is a synchronous exception
 * at EL2 (instead of a fault in PAR_EL1, IMPLEMENTATION DEFINED):
 * el2_sync_vector resumes at __el2_at_fixup.
 *
 * Return: PAR_EL1; PAR_EL1.F set (1) when the AT took an exception.
 */
SYM_FUNC_START(__el2_at_s1e1r)
__el2_at_insn:
	at	s1e1r, x0
	isb
	mrs	x0, par_el1
	ret
__el2_at_fixup:
	mov	x0, #1
	ret
SYM_FUNC_END(__el2_at_s1e1r)

/**
 * __el2_serror_flush - take a pending SError now, with our vectors.
 *
 * Called with DAIF masked and __el2_vectors in place, when ISR_EL1.A says
 * an SError is pending (CPUs without FEAT_RAS). Unmasking it makes it be
 * taken at the latest after the ISB (ARM ARM D1.3.6, "Synchronization
 * requirements"); el2_serror_vector handles it inside this window only.
 *
 * Return: 1 when the SError was taken, else 0.
 */
SYM_FUNC_START(__el2_serror_flush)
	mov	x0, #0
	msr	daifclr, #4
__el2_serror_window:
	isb
__el2_serror_window_end:
	msr	daifset, #4
	ret
SYM_FUNC_END(__el2_serror_flush)

/**
 * __el2_fpsimd_save - store V0-V31, FPSR and FPCR.
 * @fp:	x0, struct el2_fpsimd.
 *
 * Called between kernel_neon_begin() and kernel_neon_end().
 */
SYM_FUNC_START(__el2_fpsimd_save)
	stp	q0, q1, [x0, #0 * 32]
	stp	q2, q3, [x0, #1 * 32]
	stp	q4, q5, [x0, #2 * 32]
	stp	q6, q7, [x0, #3 * 32]
	stp	q8, q9, [x0, #4 * 32]
	stp	q10, q11, [x0, #5 * 32]
	stp	q12, q13, [x0, #6 * 32]
	stp	q14, q15, [x0, #7 * 32]
	stp	q16, q17, [x0, #8 * 32]
	stp	q18, q19, [x0, #9 * 32]
	stp	q20, q21, [x0, #10 * 32]
	stp	q22, q23, [x0, #11 * 32]
	stp	q24, q25, [x0, #12 * 32]
	stp	q26, q27, [x0, #13 * 32]
	stp	q28, q29, [x0, #14 * 32]
	stp	q30, q31, [x0, #15 * 32]
	mrs	x1, fpsr
	str	x1, [x0, #FP_FPSR]
	mrs	x1, fpcr
	str	x1, [x0, #FP_FPCR]
	ret
SYM_FUNC_END(__el2_fpsimd_save)

/**
 * __el2_fpsimd_load - load V0-V31, FPSR and FPCR.
 * @fp:	x0, struct el2_fpsimd.
 *
 * Called between kernel_neon_begin() and kernel_neon_end().
 */
SYM_FUNC_START(__el2_fpsimd_load)
	ldp	q0, q1, [x0, #0 * 32]
	ldp	q2, q3, [x0, #1 * 32]
	ldp	q4, q5, [x0, #2 * 32]
	ldp	q6, q7, [x0, #3 * 32]
	ldp	q8, q9, [x0, #4 * 32]
	ldp	q10, q11, [x0, #5 * 32]
	ldp	q12, q13, [x0, #6 * 32]
	ldp	q14, q15, [x0, #7 * 32]
	ldp	q16, q17, [x0, #8 * 32]
	ldp	q18, q19, [x0, #9 * 32]
	ldp	q20, q21, [x0, #10 * 32]
	ldp	q22, q23, [x0, #11 * 32]
	ldp	q24, q25, [x0, #12 * 32]
	ldp	q26, q27, [x0, #13 * 32]
	ldp	q28, q29, [x0, #14 * 32]
	ldp	q30, q31, [x0, #15 * 32]
	ldr	x1, [x0, #FP_FPSR]
	msr	fpsr, x1
	ldr	x1, [x0, #FP_FPCR]
	msr	fpcr, x1
	ret
SYM_FUNC_END(__el2_fpsimd_load)
