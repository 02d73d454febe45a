/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 guest's devices in the hvctl VMM, all MMIO at the addresses
 * QEMU's "virt" board uses for its UART and the page after it
 * (Documentation/hvctl.rst). Included by vmm.h.
 */
#ifndef HVCTL_VMM_ARM64_H
#define HVCTL_VMM_ARM64_H

#include <stdint.h>

#define HVCTL_PL011_BASE	0x09000000ULL	/* PL011 UART, the console */
#define HVCTL_PL011_SIZE	0x1000
/* hvctl's own registers: 32-bit reads, writes ignored */
#define HVCTL_CTRL_BASE		0x09010000ULL
#define HVCTL_CTRL_SIZE		0x1000
#define HVCTL_CTRL_STOPREQ	0x0	/* 1 when a stop was requested */

#define HVCTL_PL011_NR_REGS	(0x50 / 4)	/* DR .. DMACR */

/*
 * struct hvctl_arch_vmm - the arm64 devices' state, under vmm->lock.
 * @pl011: the UART's control registers as last written, by offset / 4.
 */
struct hvctl_arch_vmm {
	uint32_t pl011[HVCTL_PL011_NR_REGS];
};

struct hvctl_vmm;
/* pl011.c: a 32-bit (or narrower) access at @off in the UART's page */
uint32_t hvctl_pl011_read(struct hvctl_vmm *vmm, uint64_t off);
void hvctl_pl011_write(struct hvctl_vmm *vmm, uint64_t off, uint32_t val);

#endif /* HVCTL_VMM_ARM64_H */
