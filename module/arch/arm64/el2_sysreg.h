/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System register facts and the few instructions the EL2 backend issues
 * that have no kernel helper. Every inline asm of the backend is here.
 *
 * With HCR_EL2.E2H = 1 (VHE), an _EL1 register name used at EL2 reaches
 * the EL2 register, and the guest's EL1 registers are reached through the
 * _EL12 (and timer _EL02) encodings (ARM ARM D5.6, "Virtualization Host
 * Extensions").
 */
#ifndef HV_ARM64_EL2_SYSREG_H
#define HV_ARM64_EL2_SYSREG_H

#include <linux/bits.h>
#include <asm/barrier.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>

/* CNTHCTL_EL2 with E2H = 1: EL1 access to the physical counter and timer */
#define EL2_CNTHCTL_EL1PCTEN	BIT(10)
#define EL2_CNTHCTL_EL1PTEN	BIT(11)

/* CPTR_EL2 with E2H = 1 has the CPACR_EL1 layout (ARM ARM D19.2.31) */
#define EL2_CPTR_SMEN		GENMASK(25, 24)

/* Invalidate stage 1 and 2 of the VMID in VTTBR_EL2, every CPU (IS). */
static inline void el2_tlbi_vmalls12e1is(void)
{
	dsb(ishst);
	__tlbi(vmalls12e1is);
	dsb(ish);
	isb();
}

/* Clean and invalidate [addr, addr + size) to the point of coherency. */
static inline void el2_dcache_clean_inval_poc(void *addr, size_t size)
{
	u64 line = 4 << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	unsigned long p = (unsigned long)addr & ~(line - 1);

	for (; p < (unsigned long)addr + size; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	dsb(ish);
}

#endif /* HV_ARM64_EL2_SYSREG_H */
