/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The soak guest (arm64): EL1, MMU off, copied to SOAK_GUEST_LOAD in a VM
 * with SOAK_RAM_SIZE bytes of RAM, run by two vCPUs at once. Each round
 * of its loop leaves the guest in every way hv knows:
 *   - a store to a new page of RAM (first touch: hv allocates it)
 *   - an MMIO write and an MMIO read (HV_EXIT_MMIO)
 *   - a hypercall (HV_EXIT_HYPERCALL) and PSCI_VERSION (answered in hv)
 *   - WFI (HV_EXIT_HLT without an in-kernel interrupt controller)
 *   - a trapped system register and an SMC (hv injects an UNDEF, taken
 *     at the vectors below, which skip the instruction)
 * and every 16th round (counted in RAM, so across resets) one of: a load pair from MMIO (no syndrome:
 * HV_EXIT_INTERNAL_ERROR), PSCI CPU_OFF, CPU_ON of the other vCPU,
 * SYSTEM_RESET, SYSTEM_OFF (HV_EXIT_SYSTEM_EVENT), BRK, UDF or an
 * unaligned Device access (faults the guest takes itself).
 */
#define SOAK_MMIO		0x10000000
#define SOAK_TOUCH_FIRST	0x20000
#define SOAK_TOUCH_END		0x100000
#define SOAK_HC			0x100
#define SOAK_COUNT		0x800	/* a u64 per vCPU (Aff0) */
#define PSCI_VERSION		0x84000000
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON64		0xc4000003
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009

	.section .note.GNU-stack, "", %progbits

.macro movq reg, imm
	movz	\reg, #((\imm) & 0xffff)
	movk	\reg, #(((\imm) >> 16) & 0xffff), lsl #16
.endm

	.section .rodata, "a"
	.balign 4096
	.global soak_guest_start
soak_guest_start:
	adr	x0, soak_vectors
	msr	vbar_el1, x0
	isb
	movq	x19, SOAK_MMIO
	mrs	x22, mpidr_el1
	and	x22, x22, #0xff
	movq	x21, SOAK_TOUCH_FIRST
	/* the round count lives in RAM: a reset must not restart the cycle */
	mov	x23, #SOAK_COUNT
	add	x23, x23, x22, lsl #3
	ldr	x20, [x23]
soak_loop:
	str	x20, [x21]
	add	x21, x21, #0x1000
	movq	x0, SOAK_TOUCH_END
	cmp	x21, x0
	b.lo	1f
	movq	x21, SOAK_TOUCH_FIRST
1:	str	w20, [x19]
	ldr	w1, [x19, #8]
	mov	x0, #SOAK_HC
	mov	x1, x20
	hvc	#0
	wfi
	movq	x0, PSCI_VERSION
	hvc	#0
	mrs	x1, pmcr_el0
	smc	#0
	add	x20, x20, #1
	str	x20, [x23]
	and	x0, x20, #15
	cmp	x0, #15
	b.ne	soak_loop
	ubfx	x0, x20, #4, #3
	adr	x1, soak_rare
	add	x1, x1, x0, lsl #3
	br	x1

	/* eight slots of two instructions each */
soak_rare:
	b	soak_ldp
	nop
	b	soak_cpu_off
	nop
	b	soak_cpu_on
	nop
	b	soak_reset
	nop
	b	soak_off
	nop
	brk	#0
	b	soak_loop
	udf	#0
	b	soak_loop
	ldr	x1, [x19, #1]
	b	soak_loop

soak_ldp:
	ldp	x2, x3, [x19]
	b	soak_loop
soak_cpu_off:
	movq	x0, PSCI_CPU_OFF
	hvc	#0
	b	soak_loop
soak_cpu_on:
	movq	x0, PSCI_CPU_ON64
	eor	x1, x22, #1
	adr	x2, soak_guest_start
	mov	x3, #0
	hvc	#0
	b	soak_loop
soak_reset:
	movq	x0, PSCI_SYSTEM_RESET
	hvc	#0
	b	soak_loop
soak_off:
	movq	x0, PSCI_SYSTEM_OFF
	hvc	#0
	b	soak_loop

/* Every exception: skip the instruction that caused it (an IRQ too). */
	.balign 2048
soak_vectors:
	.rept	16
	mrs	x9, elr_el1
	add	x9, x9, #4
	msr	elr_el1, x9
	eret
	.balign 128
	.endr
	.global soak_guest_end
soak_guest_end:
