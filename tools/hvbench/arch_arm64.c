// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench, arm64: the guest image (stage-1 tables for an identity map) and
 * the payloads of guest_arm64.S. Guest cycles are CNTVCT_EL0 ticks.
 */
#include "arch.h"

extern const unsigned char bench_hvc[], bench_sysreg[], bench_mmio[];
extern const unsigned char bench_touch[], bench_compute_guest[];

/* Stage-1 level-1 block descriptors (ARM ARM D8.3, 4 KiB granule) */
#define S1_BLOCK	0x1UL
#define S1_ATTR(idx)	((uint64_t)(idx) << 2)	/* MAIR_EL1 index */
#define S1_SH_INNER	(3UL << 8)
#define S1_AF		(1UL << 10)
#define S1_PXN		(1UL << 53)
#define S1_UXN		(1UL << 54)
#define S1_1G		(1UL << 30)

/*
 * One level-1 table, four 1 GiB blocks (TCR_EL1.T0SZ = 32 in
 * guest_arm64.S): RAM's gigabyte is Normal write-back (MAIR index 0), the
 * MMIO gigabyte Device-nGnRE (index 1), the rest unmapped. The payloads
 * turn the MMU on so that the stores of first_touch are Normal memory, as
 * a real guest's are: with the MMU off every data access is Device-nGnRnE.
 */
void bench_arch_image(struct bench_vm *vm)
{
	uint64_t *l1 = (uint64_t *)((char *)vm->ram + BENCH_PGTABLE);

	l1[0] = S1_BLOCK | S1_ATTR(0) | S1_SH_INNER | S1_AF;
	l1[BENCH_MMIO / S1_1G] = (BENCH_MMIO & ~(S1_1G - 1)) | S1_BLOCK |
				 S1_ATTR(1) | S1_AF | S1_PXN | S1_UXN;
}

static uint64_t cntfrq(void)
{
	uint64_t hz;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
}

/* CNTVCT_EL0 as the guest reads it: the ISB keeps it after older work */
static uint64_t cntvct(void)
{
	uint64_t t;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
}

static const struct bench_payload arm64_exits[] = {
	/* HVC PSCI_VERSION: both hypervisors answer it in the kernel */
	{ "hvc_exit", bench_hvc },
	/* MRS ID_AA64PFR0_EL1: trapped (HCR_EL2.TID3), emulated in the kernel */
	{ "sysreg_exit", bench_sysreg },
	/* STR to unbacked memory: stage-2 abort, exit to user space */
	{ "mmio_exit", bench_mmio },
};

/*
 * The virtual counter is the physical one minus an offset on both
 * hypervisors, so the guest's CNTVCT deltas and the host's compare.
 */
const struct bench_arch bench_arch = {
	.exits = arm64_exits,
	.nr_exits = sizeof(arm64_exits) / sizeof(arm64_exits[0]),
	.touch = bench_touch,
	.compute = bench_compute_guest,
	.counter_name = "CNTVCT_EL0",
	.counter_hz = cntfrq,
	.counter_native = cntvct,
};
