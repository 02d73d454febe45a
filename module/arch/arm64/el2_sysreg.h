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

/* Stage-2 descriptor bits (ARM ARM D8.3, "Translation table descriptor formats") */
#define S2_VALID		BIT_ULL(0)
#define S2_TABLE		BIT_ULL(1)	/* table (levels 0-2) or page (level 3) */
#define S2_MEMATTR_SHIFT	2
#define S2_AP_R			BIT_ULL(6)
#define S2_AP_W			BIT_ULL(7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			BIT_ULL(10)
#define S2_ADDR_MASK		GENMASK_ULL(47, 12)

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
