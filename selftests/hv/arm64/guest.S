/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 guest payloads for the hv selftests. Each runs at EL1 with the MMU
 * off, is copied to A64_CODE by the test and is position independent;
 * guest_<name>_start/_end delimit it. Results go back by HVC (nr in X0,
 * arguments X1..X6) or by MMIO.
 */
#include "hv_arm64_guest.h"

#define PSCI_VERSION		0x84000000
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_FEATURES		0x8400000a

/* Load a 64-bit constant with movz/movk (no literal pool to copy). */
.macro movq reg, imm
	movz	\reg, #((\imm) & 0xffff)
	movk	\reg, #(((\imm) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\imm) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\imm) >> 48) & 0xffff), lsl #48
.endm

.macro payload name
	.balign 4096
	.global guest_\name\()_start
guest_\name\()_start:
.endm

.macro payload_end name
	.global guest_\name\()_end
guest_\name\()_end:
.endm

	.section .rodata, "a"

/* Hypercall 0x1234 with arguments 1..6, then the returned value as nr. */
payload hvc
	movq	x0, 0x1234
	mov	x1, #1
	mov	x2, #2
	mov	x3, #3
	mov	x4, #4
	mov	x5, #5
	mov	x6, #6
	hvc	#0
	hvc	#0
1:	b	1b
payload_end hvc

/*
 * MMIO of every width: writes of 4, 1, 2 and 8 bytes, then reads (zero-
 * extended W, sign-extended byte to X, sign-extended halfword to W, X),
 * reported by A64_HC_DONE with the four loaded registers.
 */
payload mmio
	movq	x1, A64_MMIO
	movq	x2, 0x1122334455667788
	str	w2, [x1]
	strb	w2, [x1, #1]
	strh	w2, [x1, #2]
	str	x2, [x1, #8]
	movq	x3, 0x5555555555555555
	mov	x4, x3
	mov	x5, x3
	mov	x6, x3
	ldr	w3, [x1]
	ldrsb	x4, [x1, #1]
	ldrsh	w5, [x1, #2]
	ldr	x6, [x1, #8]
	mov	x1, x3
	mov	x2, x4
	mov	x3, x5
	mov	x4, x6
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end mmio

/* A load pair has no syndrome (ISV = 0): hv must not guess. */
payload mmio_pair
	movq	x1, A64_MMIO
	ldp	x2, x3, [x1]
1:	b	1b
payload_end mmio_pair

/* ROM reads as RAM; a write to it is MMIO. Reports the value read. */
payload rom
	movq	x7, A64_ROM
	ldr	w8, [x7, #16]
	str	w8, [x7, #16]
	mov	x1, x8
	ldr	w2, [x7, #16]
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end rom

/* WFI with nothing pending halts; then a hypercall. */
payload wfi
	wfi
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end wfi

/* PSCI_VERSION and PSCI_FEATURES(SYSTEM_OFF), reported, then SYSTEM_OFF. */
payload psci
	movq	x0, PSCI_VERSION
	hvc	#0
	mov	x19, x0
	movq	x0, PSCI_FEATURES
	movq	x1, PSCI_SYSTEM_OFF
	hvc	#0
	mov	x2, x0
	movq	x0, PSCI_FEATURES
	movq	x1, 0x8400001f
	hvc	#0
	mov	x3, x0
	mov	x1, x19
	mov	x0, #A64_HC_STEP
	hvc	#0
	movq	x0, PSCI_SYSTEM_OFF
	hvc	#0
1:	b	1b
payload_end psci

/*
 * ID registers (HCR_EL2.TID3) read as sanitised host values: reported.
 * Then a PMU register (trapped, unknown to hv) and an SMC: each must be
 * an UNDEF taken at VBAR_EL1 + 0x200, whose handler writes ESR_EL1 to
 * A64_MMIO + A64_MMIO_UNDEF and skips the instruction.
 */
payload sysreg
	adr	x0, sysreg_vectors
	msr	vbar_el1, x0
	isb
	mrs	x1, id_aa64pfr0_el1
	mrs	x2, id_aa64mmfr0_el1
	mrs	x3, id_aa64isar0_el1
	mrs	x4, id_aa64pfr1_el1
	mrs	x5, id_aa64isar1_el1
	mov	x0, #A64_HC_STEP
	hvc	#0
	mrs	x1, pmcr_el0
	smc	#0
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b

	.balign 2048
sysreg_vectors:
	.balign 0x80
	b	.			/* current EL, SP_EL0: sync */
	.balign 0x200
	mrs	x9, esr_el1		/* current EL, SP_ELx: sync */
	movq	x11, A64_MMIO
	str	x9, [x11, #A64_MMIO_UNDEF]
	mrs	x10, elr_el1
	add	x10, x10, #4
	msr	elr_el1, x10
	eret
payload_end sysreg

/*
 * Debug registers as Linux's early boot uses them (__cpu_setup writes
 * MDSCR_EL1, debug_monitors clears the OS lock, hw_breakpoint zeroes the
 * breakpoint and watchpoint registers). Reports by A64_HC_DONE: MDSCR_EL1
 * read back after writing 0xb001 (SS, TDCC, KDE, MDE) to it, OSLSR_EL1
 * with the OS lock cleared, then set, ID_AA64DFR0_EL1, and
 * DBGBVR1_EL1 read back. An UNDEF is reported at A64_MMIO + A64_MMIO_UNDEF
 * (the test expects none) and skipped.
 */
payload debug
	adr	x0, debug_vectors
	msr	vbar_el1, x0
	isb
	movq	x9, 0xb001
	msr	mdscr_el1, x9
	mrs	x1, mdscr_el1
	msr	osdlr_el1, xzr
	msr	oslar_el1, xzr
	isb
	mrs	x2, oslsr_el1
	mov	x9, #1
	msr	oslar_el1, x9
	isb
	mrs	x3, oslsr_el1
	msr	oslar_el1, xzr
	mrs	x4, id_aa64dfr0_el1
	msr	dbgbcr0_el1, xzr
	msr	dbgbvr0_el1, xzr
	msr	dbgwcr0_el1, xzr
	msr	dbgwvr0_el1, xzr
	movq	x9, 0x1234560
	msr	dbgbvr1_el1, x9
	mrs	x5, dbgbvr1_el1
	mrs	x6, mdccint_el1
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b

	.balign 2048
debug_vectors:
	b	.			/* current EL, SP_EL0: sync */
	.balign 0x200
	mrs	x9, esr_el1		/* current EL, SP_ELx: sync */
	movq	x11, A64_MMIO
	str	x9, [x11, #A64_MMIO_UNDEF]
	mrs	x10, elr_el1
	add	x10, x10, #4
	msr	elr_el1, x10
	eret
payload_end debug

/*
 * Memory: a 64-bit store the VMM reads at A64_DATA, a load of what the VMM
 * wrote at A64_DATA + 8 (reported), then a load just past the end of RAM,
 * which is MMIO.
 */
payload mem
	movq	x1, A64_DATA
	movq	x2, 0x0123456789abcdef
	str	x2, [x1]
	ldr	x3, [x1, #8]
	mov	x1, x3
	mov	x0, #A64_HC_STEP
	hvc	#0
	movq	x4, A64_RAM_SIZE
	ldr	x5, [x4]
	mov	x1, x5
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end mem

/*
 * A probe the test drives, one access per A64_HC_STEP: the returned X0 is
 * the next address; with bit 0 set, a 32-bit store there of the word at
 * A64_DATA, else a 32-bit load, reported (X1) by the next A64_HC_STEP.
 */
payload probe
	movq	x3, A64_DATA
	mov	x1, #0
1:	mov	x0, #A64_HC_STEP
	hvc	#0
	tbnz	x0, #0, 2f
	ldr	w1, [x0]
	b	1b
2:	bic	x0, x0, #1
	ldr	w2, [x3]
	str	w2, [x0]
	mov	x1, #0
	b	1b
payload_end probe

/* FP/SIMD: report D0 and V31's high half, then set V1 for the VMM. */
payload fp
	fmov	x1, d0
	mov	x2, v31.d[1]
	mrs	x3, fpcr
	movq	x4, 0xfeedfacecafebeef
	fmov	d1, x4
	mov	v1.d[1], x4
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end fp

/*
 * IRQ line: unmask IRQs and WFI. Once the VMM raises the line the guest
 * takes the IRQ at VBAR_EL1 + 0x280; the handler writes A64_MMIO_IRQ
 * (the VMM lowers the line there) and returns; then a hypercall.
 */
payload irq
	adr	x0, irq_vectors
	msr	vbar_el1, x0
	isb
	msr	daifclr, #2
	wfi
	mov	x0, #A64_HC_DONE
	mov	x1, x20
	hvc	#0
1:	b	1b

	.balign 2048
irq_vectors:
	b	.			/* current EL, SP_EL0: sync */
	.balign 0x200
	b	.			/* current EL, SP_ELx: sync */
	.balign 0x80
	movq	x11, A64_MMIO		/* current EL, SP_ELx: IRQ */
	str	xzr, [x11, #A64_MMIO_IRQ]
	add	x20, x20, #1
	eret
payload_end irq

/* One 64-bit MMIO load into X3 (preset), reported by A64_HC_DONE. */
payload mmio_load
	movq	x1, A64_MMIO
	movq	x3, 0x5555555555555555
	ldr	x3, [x1]		/* A64_CODE + A64_MMIO_LOAD_PC */
	mov	x1, x3
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end mmio_load

/*
 * Big-endian data at EL1 (SCTLR_EL1.EE = 1; instruction fetches stay
 * little-endian): MMIO stores of 4, 2 and 8 bytes, the same 8-byte store
 * to RAM at A64_DATA, then loads of 4 (W), 2 (sign-extended to X) and 8
 * bytes, reported by A64_HC_DONE after EE is cleared again.
 */
payload be_mmio
	mrs	x9, sctlr_el1
	orr	x10, x9, #(1 << 25)
	msr	sctlr_el1, x10
	isb
	movq	x1, A64_MMIO
	movq	x2, 0x1122334455667788
	movq	x5, A64_DATA
	str	w2, [x1]
	strh	w2, [x1, #2]
	str	x2, [x1, #8]
	str	x2, [x5]
	ldr	w3, [x1]
	ldrsh	x4, [x1, #2]
	ldr	x6, [x1, #8]
	msr	sctlr_el1, x9
	isb
	mov	x1, x3
	mov	x2, x4
	mov	x3, x6
	mov	x0, #A64_HC_DONE
	hvc	#0
1:	b	1b
payload_end be_mmio

/*
 * EL0 stores to A64_DATA, then SVC. The EL1 handler for exceptions from
 * EL0 (VBAR_EL1 + 0x400) reports ESR_EL1 by A64_HC_DONE: SVC (EC 0x15)
 * unless something else (a host watchpoint) hit EL0 first.
 */
payload el0_store
	adr	x0, el0_vectors
	msr	vbar_el1, x0
	adr	x0, el0_code
	msr	elr_el1, x0
	msr	spsr_el1, xzr		/* EL0t, DAIF clear */
	movq	x5, A64_DATA
	movq	x2, 0x0123456789abcdef
	isb
	eret
el0_code:
	str	x2, [x5]
	svc	#0
1:	b	1b

	.balign 2048
el0_vectors:
	b	.			/* current EL, SP_EL0: sync */
	.balign 0x200
	b	.			/* current EL, SP_ELx: sync */
	.balign 0x400
	mrs	x1, esr_el1		/* lower EL, AArch64: sync */
	mrs	x2, elr_el1
	mov	x0, #A64_HC_DONE
	hvc	#0
	b	.
payload_end el0_store
