/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvbench guest memory layout (guest-physical, RAM from 0), shared by the
 * C code and the guest payloads (guest_<arch>.S): defines only.
 */
#ifndef HVBENCH_LAYOUT_H
#define HVBENCH_LAYOUT_H

#define BENCH_PGTABLE		0x1000		/* 0x1000..0x6fff: page tables */
#define BENCH_RESULT		0x8000		/* a payload's counter delta */
#define BENCH_STACK_TOP		0x80000
#define BENCH_CODE		0x100000	/* the payload blob */
#define BENCH_TOUCH		0x1000000	/* fresh memory for first touch */
#define BENCH_TOUCH_SIZE	0x4000000	/* 64 MiB */
#define BENCH_RAM_SIZE		(BENCH_TOUCH + BENCH_TOUCH_SIZE)

/* No RAM here: accesses exit to user space as MMIO. */
#define BENCH_MMIO		0xd0000000
#define BENCH_MMIO_DONE		0xd0001000	/* arm64: the payload is done */
#define BENCH_MMIO_SPI		0xd0002000	/* arm64: VMM, raise the SPI */

/* x86 ports */
#define BENCH_PORT_DONE		0x10		/* the payload is done */
#define BENCH_PORT_EXIT		0x11		/* a user-space exit, go on */

#endif /* HVBENCH_LAYOUT_H */
