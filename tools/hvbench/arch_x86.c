// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench, x86-64: the guest image (an identity map of the first 4 GiB)
 * and the payloads of guest_x86.S.
 */
#include "arch.h"

extern const unsigned char bench_cpuid[], bench_pio[], bench_mmio[];
extern const unsigned char bench_touch[], bench_compute_guest[];

/* PML4, one PDPT, four PDs of 2 MiB pages: present, writable */
void bench_arch_image(struct bench_vm *vm)
{
	uint64_t *pml4 = (uint64_t *)((char *)vm->ram + BENCH_PGTABLE);
	uint64_t *pdpt = pml4 + 512, *pd = pdpt + 512;
	int i;

	pml4[0] = (BENCH_PGTABLE + 0x1000) | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (BENCH_PGTABLE + 0x2000 + i * 0x1000) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* present, rw, 2 MiB */
}

static const struct bench_payload x86_exits[] = {
	/* CPUID leaf 0: an exit the kernel handles */
	{ "cpuid_exit", bench_cpuid },
	/* OUT: an exit to user space and back through HV_RUN */
	{ "pio_exit", bench_pio },
	/* a write to unbacked memory: EPT violation, decode, user space */
	{ "mmio_exit", bench_mmio },
};

/*
 * The compute loop is timed by the host's clock in the guest and here:
 * the guest's TSC depends on how each hypervisor offsets or scales it.
 */
const struct bench_arch bench_arch = {
	.exits = x86_exits,
	.nr_exits = sizeof(x86_exits) / sizeof(x86_exits[0]),
	.touch = bench_touch,
	.compute = bench_compute_guest,
	.counter_name = "TSC",
};
