// SPDX-License-Identifier: GPL-2.0
/*
 * What the x86 kernel loaders share: the memory map every kernel guest
 * sees, the boot GDT and the identity map (boot_x86.h has the layout).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot_x86.h"

int hvctl_x86_fail(struct hvctl_x86_load *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Low RAM up to the EBDA, the legacy hole (EBDA, VGA window, BIOS area,
 * where the ACPI tables live), RAM from 1 MiB, and the two APIC pages.
 * The map describes the PC the guest is told it runs on even when hv has
 * no APICs: Linux only reads MMIO that ACPI announces.
 */
unsigned int hvctl_x86_e820(uint64_t mem_size, struct hvctl_e820 *map)
{
	unsigned int n = 0;

	map[n++] = (struct hvctl_e820){ 0, HVCTL_X86_LOW_RAM_END,
					HVCTL_E820_RAM };
	map[n++] = (struct hvctl_e820){ HVCTL_X86_LOW_RAM_END,
					HVCTL_X86_HIGH_RAM - HVCTL_X86_LOW_RAM_END,
					HVCTL_E820_RESERVED };
	if (mem_size > HVCTL_X86_HIGH_RAM)
		map[n++] = (struct hvctl_e820){ HVCTL_X86_HIGH_RAM,
						mem_size - HVCTL_X86_HIGH_RAM,
						HVCTL_E820_RAM };
	map[n++] = (struct hvctl_e820){ HVCTL_X86_IOAPIC_BASE, 0x1000,
					HVCTL_E820_RESERVED };
	map[n++] = (struct hvctl_e820){ HVCTL_X86_LAPIC_BASE, 0x1000,
					HVCTL_E820_RESERVED };
	return n;
}

int hvctl_x86_check_ram(struct hvctl_x86_load *l)
{
	if (l->mem_size < 2 * HVCTL_X86_HIGH_RAM)
		return hvctl_x86_fail(l, "a kernel guest needs at least 2M of RAM, it has %lluK",
				      (unsigned long long)l->mem_size >> 10);
	if (l->mem_size > HVCTL_X86_RAM_MAX)
		return hvctl_x86_fail(l, "a kernel guest takes at most %lluM of RAM (the MMIO hole follows), it has %lluM",
				      HVCTL_X86_RAM_MAX >> 20,
				      (unsigned long long)l->mem_size >> 20);
	return 0;
}

/* A flat descriptor, base 0, limit 4 GiB (SDM Vol. 3A, 3.4.5). */
static uint64_t hvctl_x86_flat_desc(uint64_t type_flags)
{
	return 0x000f00000000ffffULL | type_flags;
}

void hvctl_x86_write_gdt(uint8_t *mem, int long_mode)
{
	uint64_t gdt[4] = { 0 };

	/* P, S, execute/read, accessed; G and L (64-bit) or G and D (32-bit) */
	gdt[HVCTL_X86_SEL_CODE / 8] = hvctl_x86_flat_desc(long_mode ?
				0x00a09b0000000000ULL : 0x00c09b0000000000ULL);
	/* P, S, read/write, accessed; G, B */
	gdt[HVCTL_X86_SEL_DATA / 8] = hvctl_x86_flat_desc(0x00c0930000000000ULL);
	memcpy(mem + HVCTL_X86_GDT, gdt, sizeof(gdt));
}

void hvctl_x86_write_page_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + HVCTL_X86_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + HVCTL_X86_PDPT);
	uint64_t *pd = (uint64_t *)(mem + HVCTL_X86_PD);
	unsigned int i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = HVCTL_X86_PDPT | 0x3;			/* P, RW */
	for (i = 0; i < 4; i++)
		pdpt[i] = (HVCTL_X86_PD + i * 4096) | 0x3;
	/* 2048 entries of 2 MiB: P, RW, PS (SDM Vol. 3A, 4.5.4) */
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;
}
