/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvbench guest payloads (AArch64, EL1h, DAIF masked). The blob is copied
 * to guest-physical BENCH_CODE and entered at one of the labels below with
 * X0 = iterations (X1 = an address for bench_touch). Each payload turns
 * the MMU on (identity map, bench_arch_image()), stores its CNTVCT_EL0
 * delta at BENCH_RESULT and ends with an MMIO write to BENCH_MMIO_DONE.
 * Only PC-relative code and literals, so it runs wherever it is copied,
 * and bench_compute() runs natively in hvbench too. X19 and up hold the
 * state: an SMCCC call through HVC may clobber X0-X17.
 */
#include "layout.h"

/* MAIR_EL1: index 0 Normal write-back (0xff), index 1 Device-nGnRE (0x04) */
#define BENCH_MAIR	0x04ff
/*
 * TCR_EL1: T0SZ = 32 (4 GiB, the walk starts at level 1), TTBR0 walks
 * inner and outer write-back cacheable, inner shareable, 4 KiB granule,
 * EPD1 (no TTBR1 walks), IPS = 32 bits.
 */
#define BENCH_TCR	((32 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
/* SCTLR_EL1: M (MMU), C (data cache), I (instruction cache) */
#define BENCH_SCTLR_ON	((1 << 0) | (1 << 2) | (1 << 12))
#define BENCH_SCTLR_A	(1 << 1)
#define PSCI_VERSION	0x84000000

	.section .note.GNU-stack, "", %progbits
	.text
	.globl bench_blob_start, bench_blob_end
	.globl bench_hvc, bench_sysreg, bench_mmio, bench_touch
	.globl bench_compute_guest, bench_compute

bench_blob_start:

/* read the counter into \reg after everything before it */
.macro cnt_to reg
	isb
	mrs	\reg, cntvct_el0
.endm

/* X22 start, X23 end: store the delta, tell the VMM, never come back */
.macro done
	sub	x9, x23, x22
	ldr	x10, =BENCH_RESULT
	str	x9, [x10]
	ldr	x10, =BENCH_MMIO_DONE
	str	w9, [x10]
1:	b	1b
.endm

/*
 * The identity map on, every time (the same values, cheap, outside the
 * timed part): a payload may be the first thing a fresh vCPU runs.
 * Clobbers X9, X10.
 */
mmu_on:
	ldr	x9, =BENCH_MAIR
	msr	mair_el1, x9
	ldr	x9, =BENCH_TCR
	msr	tcr_el1, x9
	ldr	x9, =BENCH_PGTABLE
	msr	ttbr0_el1, x9
	isb
	tlbi	vmalle1
	dsb	nsh
	mrs	x9, sctlr_el1
	ldr	x10, =BENCH_SCTLR_ON
	orr	x9, x9, x10
	bic	x9, x9, #BENCH_SCTLR_A
	msr	sctlr_el1, x9
	isb
	ret

/* X0 iterations of HVC PSCI_VERSION: an exit the kernel handles */
bench_hvc:
	mov	x19, x0
	bl	mmu_on
	cnt_to	x22
1:	mov	x0, #PSCI_VERSION
	hvc	#0
	subs	x19, x19, #1
	b.ne	1b
	cnt_to	x23
	done

/* X0 iterations of a trapped ID register read (HCR_EL2.TID3) */
bench_sysreg:
	mov	x19, x0
	bl	mmu_on
	cnt_to	x22
1:	mrs	x20, id_aa64pfr0_el1
	subs	x19, x19, #1
	b.ne	1b
	cnt_to	x23
	done

/*
 * X0 iterations of a 32-bit store to unbacked memory: a stage-2 abort
 * with a valid syndrome, an exit to user space and back.
 */
bench_mmio:
	mov	x19, x0
	bl	mmu_on
	ldr	x20, =BENCH_MMIO
	cnt_to	x22
1:	str	w19, [x20]
	subs	x19, x19, #1
	b.ne	1b
	cnt_to	x23
	done

/* write X0 bytes (a multiple of 16) of fresh memory at X1 */
bench_touch:
	mov	x19, x0
	mov	x20, x1
	bl	mmu_on
	cnt_to	x22
1:	stp	xzr, xzr, [x20], #16
	subs	x19, x19, #16
	b.ne	1b
	cnt_to	x23
	done

/* the compute loop below, timed inside the guest */
bench_compute_guest:
	mov	x19, x0
	bl	mmu_on
	mov	x0, x19
	cnt_to	x22
	bl	bench_compute
	cnt_to	x23
	done

/*
 * u64 bench_compute(u64 n): n rounds of dependent integer arithmetic, no
 * memory, no exits. Returns a value that depends on every round.
 */
bench_compute:
	mov	x1, x0
	ldr	x0, =0x9e3779b97f4a7c15
	ldr	x2, =6364136223846793005
	ldr	x3, =1442695040888963407
1:	mul	x0, x0, x2
	add	x0, x0, x3
	ror	x0, x0, #17
	subs	x1, x1, #1
	b.ne	1b
	ret

	.ltorg
bench_blob_end:
