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

/* The in-kernel GICv3 at QEMU virt's addresses (both hypervisors) */
#define GICD		0x08000000
#define GICR		0x080a0000
#define GICR_STRIDE	0x20000
#define SGI_BASE	0x10000
#define ICC_PMR_EL1	s3_0_c4_c6_0
#define ICC_IAR1_EL1	s3_0_c12_c12_0
#define ICC_EOIR1_EL1	s3_0_c12_c12_1
#define ICC_SGI1R_EL1	s3_0_c12_c11_5
#define ICC_IGRPEN1_EL1	s3_0_c12_c12_7
#define BENCH_SPI	40
#define SGI_PING	1
#define SGI_PONG	2
#define SGI_STOP	3
#define VTIMER_INTID	27

	.section .note.GNU-stack, "", %progbits
	.text
	.globl bench_blob_start, bench_blob_end
	.globl bench_hvc, bench_sysreg, bench_mmio, bench_touch
	.globl bench_compute_guest, bench_compute
	.globl bench_irq_vtimer, bench_irq_spi, bench_irq_sgi, bench_irq_sgi_peer

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
 * The end of a timed loop of X19 rounds that starts at label 1 and waits
 * there for an interrupt: until the handler's count (X21) passes the one
 * the round started with (X20); then IRQs masked again, and done.
 */
.macro irq_loop_done
2:	cmp	x21, x20
	b.eq	2b
	subs	x19, x19, #1
	b.ne	1b
	cnt_to	x23
	msr	daifset, #2
	done
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

/*
 * The interrupt payloads (a VM with the in-kernel GICv3, arch_arm64.c).
 * Their IRQ handler acknowledges, acts on the INTID, EOIs (EOImode 0:
 * priority drop and deactivation) and counts in X21. It uses X9-X12 only.
 */

/*
 * gic_init: this vCPU's redistributor awake with its SGIs and PPIs in
 * Group 1 and enabled; vCPU 0 also turns the distributor on, with SPI
 * BENCH_SPI edge-triggered, Group 1, enabled, routed to it. Then PMR,
 * Group 1 on, our vectors. With the MMU off (Device accesses, before
 * mmu_on). X0: the vCPU id. Clobbers X9-X11.
 */
gic_init:
	ldr	x9, =GICR
	mov	x10, #GICR_STRIDE
	madd	x9, x0, x10, x9
	str	wzr, [x9, #0x14]		/* GICR_WAKER */
	add	x9, x9, #SGI_BASE
	mov	w10, #-1
	str	w10, [x9, #0x80]		/* GICR_IGROUPR0 */
	str	w10, [x9, #0x100]		/* GICR_ISENABLER0 */
	cbnz	x0, 1f
	ldr	x9, =GICD
	str	w10, [x9, #0x84]		/* GICD_IGROUPR1 */
	mov	w11, #(2 << ((BENCH_SPI % 16) * 2))
	str	w11, [x9, #0xc08]		/* GICD_ICFGR2: edge */
	str	xzr, [x9, #0x6000 + 8 * BENCH_SPI]	/* IROUTER: vCPU 0 */
	str	w10, [x9, #0x104]		/* GICD_ISENABLER1 */
	mov	w11, #0x13			/* EnableGrp0/1, ARE */
	str	w11, [x9]
1:	mov	x9, #0xff
	msr	ICC_PMR_EL1, x9
	mov	x9, #1
	msr	ICC_IGRPEN1_EL1, x9
	adr	x9, irq_vectors
	msr	vbar_el1, x9
	isb
	ret

/* X0 iterations: arm the virtual timer at "now", wait for its interrupt */
bench_irq_vtimer:
	mov	x19, x0
	mov	x0, #0
	bl	gic_init
	bl	mmu_on
	mov	x21, #0
	msr	daifclr, #2
	cnt_to	x22
1:	mov	x20, x21
	mrs	x24, cntvct_el0
	msr	cntv_cval_el0, x24
	mov	x24, #1
	msr	cntv_ctl_el0, x24
	isb
	irq_loop_done

/*
 * X0 iterations: a store to BENCH_MMIO_SPI, where the VMM pulses SPI
 * BENCH_SPI (HV_IRQ_LINE / KVM_IRQ_LINE up and down), then wait for it.
 */
bench_irq_spi:
	mov	x19, x0
	mov	x0, #0
	bl	gic_init
	bl	mmu_on
	ldr	x25, =BENCH_MMIO_SPI
	mov	x21, #0
	msr	daifclr, #2
	cnt_to	x22
1:	mov	x20, x21
	str	w19, [x25]
	irq_loop_done

/*
 * vCPU 0, X0 iterations: SGI_PING to vCPU 1, WFI until its SGI_PONG
 * came back (IRQs masked around the check, so the wake-up is not lost).
 * Then SGI_STOP to vCPU 1.
 */
bench_irq_sgi:
	mov	x19, x0
	mov	x0, #0
	bl	gic_init
	bl	mmu_on
	mov	x21, #0
	ldr	x25, =((SGI_PING << 24) | 2)	/* Aff 0.0.0, target list {1} */
	cnt_to	x22
1:	mov	x20, x21
	msr	ICC_SGI1R_EL1, x25
	isb
2:	cmp	x21, x20
	b.ne	3f
	wfi
	msr	daifclr, #2
	isb
	msr	daifset, #2
	b	2b
3:	subs	x19, x19, #1
	b.ne	1b
	cnt_to	x23
	ldr	x25, =((SGI_STOP << 24) | 2)
	msr	ICC_SGI1R_EL1, x25
	isb
	done

/* vCPU 1: answer each SGI_PING with SGI_PONG; SGI_STOP ends it */
bench_irq_sgi_peer:
	mov	x0, #1
	bl	gic_init
	bl	mmu_on
	msr	daifclr, #2
1:	wfi
	b	1b

	.balign	2048
irq_vectors:
	b	.			/* current EL, SP_EL0: sync */
	.balign	0x200
	b	.			/* current EL, SP_ELx: sync */
	.balign	0x80
	mrs	x9, ICC_IAR1_EL1	/* current EL, SP_ELx: IRQ */
	cmp	x9, #1020
	b.hs	9f			/* spurious */
	cmp	x9, #VTIMER_INTID
	b.ne	1f
	msr	cntv_ctl_el0, xzr	/* the timer's line low before the EOI */
	isb
1:	cmp	x9, #SGI_PING
	b.ne	2f
	ldr	x10, =((SGI_PONG << 24) | 1)	/* target list {0} */
	msr	ICC_SGI1R_EL1, x10
	isb
2:	cmp	x9, #SGI_STOP
	b.ne	3f
	ldr	x10, =BENCH_MMIO_DONE
	str	w9, [x10]
	b	.
3:	msr	ICC_EOIR1_EL1, x9
	isb
	add	x21, x21, #1
9:	eret

	.ltorg
bench_blob_end:
