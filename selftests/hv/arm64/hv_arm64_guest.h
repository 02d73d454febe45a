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

#endif /* HV_ARM64_GUEST_H */
