/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical layout shared by the arm64 selftests (C side) and
 * their guest payloads (assembly side).
 *
 * RAM slot 0 covers [0, A64_RAM_SIZE):
 *	0x1000	guest code, copied there by the test (A64_CODE); payloads
 *		are position independent and start 4 KiB aligned, so a
 *		vector table inside one keeps its 2 KiB alignment
 *	0x9000	data the guest and the test exchange (A64_DATA)
 *	0xf000	top of the guest stack (SP_EL1)
 * ROM slot 1 covers [A64_ROM, A64_ROM + A64_ROM_SIZE), read-only.
 * Nothing is RAM at A64_MMIO: every access there is an MMIO exit.
 */
#ifndef HV_ARM64_GUEST_H
#define HV_ARM64_GUEST_H

#define A64_RAM_SIZE	0x200000
#define A64_CODE	0x1000
#define A64_DATA	0x9000
#define A64_STACK_TOP	0xf000
#define A64_ROM		0x400000
#define A64_ROM_SIZE	0x10000
#define A64_MMIO	0x10000000

/* MMIO offsets the payloads report on */
#define A64_MMIO_UNDEF	0x100	/* the UNDEF handler writes ESR_EL1 here */
#define A64_MMIO_IRQ	0x200	/* the IRQ handler writes here */

/* Offset of the load in payload mmio_load (after two 4-instruction movq) */
#define A64_MMIO_LOAD_PC	32

/* Hypercall numbers the payloads use. */
#define A64_HC_DONE	0x100	/* args: results of the payload */
#define A64_HC_STEP	0x101	/* args: intermediate results */
#define A64_HC_IRQ	0x102	/* args: INTID, vCPU id; ret: A64_GIC_CMD_* */
#define A64_HC_READY	0x103	/* args: vCPU id: the GIC is set up */

/*
 * Payload gic (guest_gic.S): vCPU n first performs the accesses listed at
 * A64_GIC_TABLE + n * A64_GIC_TABLE_STRIDE (a __u64 count, then pairs of
 * address | A64_GIC_* flags and value), reporting each read by
 * A64_HC_STEP (address, value); then ICC_PMR_EL1 = 0xff, Group 1 on,
 * A64_HC_READY, IRQs unmasked, and it idles: WFI in a loop when X19 is 0,
 * a branch to itself otherwise. Its IRQ handler acknowledges (IAR1),
 * reports A64_HC_IRQ unless X21 is set, acts on the returned A64_GIC_CMD_*
 * bits, and EOIs. With X21 = n > 0 it logs INTIDs to the __u64 array at
 * X22 instead and reports A64_HC_DONE (n) after the nth.
 */
#define A64_GIC_TABLE		0x10000
#define A64_GIC_TABLE_STRIDE	0x1000
#define A64_GIC_W64		(1ULL << 63)	/* 64-bit store */
#define A64_GIC_W8		(1ULL << 62)	/* byte store */
#define A64_GIC_R32		(1ULL << 61)	/* 32-bit load, reported */
#define A64_GIC_R64		(1ULL << 60)	/* 64-bit load, reported */
#define A64_GIC_CMD_TIMER_OFF	(1ULL << 63)	/* CNTV_CTL_EL0 = 0 first */
#define A64_GIC_CMD_SGI		(1ULL << 62)	/* ICC_SGI1R_EL1 = ret[55:0] */
#define A64_GIC_CMD_PTIMER_OFF	(1ULL << 61)	/* CNTP_CTL_EL0 = 0 first */

/*
 * A table entry with A64_GIC_SYS is a system register operation instead
 * of an access: A64_PT_W_* writes the physical timer's register,
 * A64_PT_W_CVAL_REL writes CNTP_CVAL_EL0 = CNTPCT_EL0 + value, A64_PT_R_*
 * reads one and reports it by A64_HC_STEP (the entry's first word, the
 * value); A64_SYS_W_SGI1R writes ICC_SGI1R_EL1.
 *
 * With X23 set the IRQ handler only counts in X24 and EOIs (storm mode:
 * no exit per interrupt).
 */
#define A64_GIC_SYS		(1ULL << 59)
#define A64_PT_W_CTL		0
#define A64_PT_W_CVAL		1
#define A64_PT_W_TVAL		2
#define A64_PT_W_CVAL_REL	3
#define A64_PT_R_CTL		4
#define A64_PT_R_CVAL		5
#define A64_PT_R_TVAL		6
#define A64_PT_R_COUNT		7	/* CNTPCT_EL0 */
#define A64_SYS_W_SGI1R		8

#endif /* HV_ARM64_GUEST_H */
