/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical layout shared by the x86 selftests (C side) and their
 * guest payloads (assembly side).
 *
 * RAM slot 0 covers [0, X86_RAM_SIZE):
 *	0x0500	GDT built by the VMM (X86_SEL_* below)
 *	0x0700	TSS (only its descriptor matters: nothing switches tasks)
 *	0x1000	guest code, copied there by the test (X86_CODE)
 *	0x8000	IDT built by the VMM (events tests)
 *	0x9000	data the guest and the test exchange (X86_DATA)
 *	0xf000	top of the guest stack
 *	0x10000	PML4, PDPT, PD: an identity map of 1 GiB with 2 MiB pages;
 *		the same PD under a PAE PDPT, and a 32-bit PD of 4 MiB pages
 * Nothing is RAM at X86_MMIO: every access there is an MMIO exit.
 */
#ifndef HV_X86_GUEST_H
#define HV_X86_GUEST_H

#define X86_RAM_SIZE	0x200000
#define X86_GDT		0x0500
#define X86_TSS		0x0700
#define X86_CODE	0x1000
#define X86_IDT		0x8000
#define X86_DATA	0x9000
#define X86_STACK_TOP	0xf000
#define X86_PML4	0x10000
#define X86_PDPT	0x11000
#define X86_PD		0x12000
#define X86_PAE_PDPT	0x13000	/* 32-bit PAE paging: 4 PDPTEs, the PD above */
#define X86_PD32	0x14000	/* 32-bit paging: 4 MiB pages, 4 GiB */
#define X86_MMIO	0x10000000

#define X86_SEL_CODE32	0x08
#define X86_SEL_DATA	0x10
#define X86_SEL_CODE64	0x18
#define X86_SEL_TSS	0x20
#define X86_GDT_SIZE	0x30	/* the 64-bit TSS descriptor takes 16 bytes */

/* Hypercall numbers the payloads use. */
#define HC_SEQ		5	/* the exit sequence's hypercall */
#define HC_SEQ64	6	/* 64-bit MMIO results */
#define HC_MSR		1	/* args: value, index */
#define HC_CPUID	2	/* args: ebx, ecx, edx, eax */
#define HC_FPU		3	/* args: xmm0[63:0], fcw, mxcsr */
#define HC_TSC		4	/* args: low, high */

/* Ports of the events payload. */
#define PORT_VECTOR	0x40	/* handler: vector (4 bytes) */
#define PORT_ERROR	0x41	/* handler: error code (4 bytes) */
#define PORT_SKIP	0x43	/* handler, IN: bytes to advance the return EIP */

/* Ports of the memory probe payload. */
#define PORT_PROBE_CMD	0x30	/* IN: PROBE_* */
#define PORT_PROBE_ARG	0x31	/* IN: address, then value for writes */
#define PORT_PROBE_VAL	0x32	/* OUT: value read */
#define PORT_PROBE_ACK	0x33	/* OUT: write done */
#define PROBE_READ32	1
#define PROBE_WRITE32	2
#define PROBE_READ8	3
#define PROBE_WRITE8	4
#define PROBE_HLT	5

/* The interrupt controller guests (guest_apic.S): ports and data. */
#define APIC_PORT_CMD	0x60	/* IN: APIC_CMD_* */
#define APIC_PORT_ARG	0x61	/* IN: the command's arguments */
#define APIC_PORT_RES	0x62	/* OUT: its results */
#define APIC_CMD_R32	1	/* addr -> value */
#define APIC_CMD_W32	2	/* addr, value -> ack (T0 = TSC before) */
#define APIC_CMD_RDMSR	3	/* index -> low, high */
#define APIC_CMD_WRMSR	4	/* index, low, high -> ack (T0) */
#define APIC_CMD_STI	5	/* -> ack: three instructions with IF=1 */
#define APIC_CMD_WAIT	6	/* vector, n -> count: halts until n */
#define APIC_CMD_EOI	7	/* -> ack */
#define APIC_CMD_WRMSR_REL 8	/* index, delta -> ack: MSR = TSC + delta */
/* n rounds each, in the guest (the wake-up stress): -> count of vec in */
#define APIC_CMD_PING	9	/* n, dest, vec out, vec in: IPI, then halt */
#define APIC_CMD_PONG	10	/* n, dest, vec out, vec in: halt, then IPI */
#define APIC_CMD_TIMERS	11	/* n, delta, 0, vec: TSC deadline, halt */
#define APIC_CMD_EOI_IPI_STI 12	/* vec, stack -> ack: EOI, SELF IPI, IF=1 */
#define APIC_CMD_INT3_EOI_IPI_STI 13 /* vec, stack -> ack: INT3 there, then 12 */
#define APIC_CMD_IF0_SPIN 14	/* how, vec, n -> count, count: CLI, spin */
#define APIC_COUNT	0x9000	/* u32 per vector: interrupts taken */
#define APIC_TSC	0x9400	/* u64 per vector: TSC at the last one */
#define APIC_TSC_HI	0x9404
#define APIC_T0		0x9c00	/* u64: TSC before the last W32/WRMSR */
#define APIC_T0_HI	0x9c04
#define APIC_FLAGS	0x9c08	/* bit 0: x2APIC EOI; bit 1: no EOI */

#ifdef __ASSEMBLER__

/*
 * The guest-physical address of a label of a payload copied to X86_CODE:
 * payloads are position dependent only through this macro.
 */
#define GADDR(label, start)	(X86_CODE + ((label) - (start)))
#endif /* __ASSEMBLER__ */
#endif /* HV_X86_GUEST_H */
