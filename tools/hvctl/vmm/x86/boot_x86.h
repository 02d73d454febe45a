/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 kernel loaders of the hvctl VMM: the Linux 64-bit boot protocol
 * (boot_linux.c) and multiboot v1 (boot_multiboot.c), with what they share
 * (boot_x86.c: the memory map the guest sees, the boot GDT, the identity
 * map). They only write guest RAM and describe the boot vCPU's state;
 * vmm_x86.c reads the files and sets the registers. Nothing here calls hv,
 * so selftests/hv/host/x86_boot_test runs them on the build host.
 *
 * Guest-physical layout at boot (Documentation/x86.rst):
 *   0x00500  GDT (null, null, code 0x10, data 0x18)
 *   0x07000  Linux zero page (struct boot_params)
 *   0x08000  stack page (RSP 0x9000 for Linux; ESP for multiboot)
 *   0x09000  PML4, 0x0a000 PDPT, 0x0b000-0x0efff four page directories:
 *            the first 4 GiB identity-mapped with 2 MiB pages
 *   0x20000  Linux command line
 *   0x9fc00-0xfffff  reserved (EBDA, VGA, BIOS: the ACPI tables go here)
 *   1 MiB-   the kernel, initrd or modules, RAM up to its end
 *   0xfec00000, 0xfee00000  IOAPIC and local APIC (reserved, MMIO)
 */
#ifndef HVCTL_BOOT_X86_H
#define HVCTL_BOOT_X86_H

#include <stddef.h>
#include <stdint.h>

#define HVCTL_X86_GDT		0x500ULL
#define HVCTL_X86_ZERO_PAGE	0x7000ULL
#define HVCTL_X86_STACK_TOP	0x9000ULL
#define HVCTL_X86_PML4		0x9000ULL
#define HVCTL_X86_PDPT		0xa000ULL
#define HVCTL_X86_PD		0xb000ULL	/* four pages */
#define HVCTL_X86_CMDLINE	0x20000ULL
#define HVCTL_X86_CMDLINE_SIZE	0x10000ULL
#define HVCTL_X86_LOW_RAM_END	0x9fc00ULL	/* RAM below the EBDA */
#define HVCTL_X86_HIGH_RAM	0x100000ULL	/* RAM again from 1 MiB */
/* RAM ends below the MMIO hole: the APICs and device windows live there */
#define HVCTL_X86_RAM_MAX	0xc0000000ULL
#define HVCTL_X86_IOAPIC_BASE	0xfec00000ULL
#define HVCTL_X86_LAPIC_BASE	0xfee00000ULL

#define HVCTL_X86_SEL_CODE	0x10	/* Linux's __BOOT_CS */
#define HVCTL_X86_SEL_DATA	0x18	/* Linux's __BOOT_DS */

/* E820 / multiboot memory types */
#define HVCTL_E820_RAM		1
#define HVCTL_E820_RESERVED	2
#define HVCTL_E820_MAX		8

struct hvctl_e820 {
	uint64_t addr, size;
	uint32_t type;
};

/* One file of a load: the kernel, the initrd or a multiboot module. */
struct hvctl_x86_file {
	const char *path;
	const uint8_t *data;
	size_t size;
};

#define HVCTL_X86_MAX_MODULES	16

/*
 * struct hvctl_x86_fb - a linear framebuffer of 32-bit XRGB pixels above
 * the RAM of the load (vmm/display/display.h); @size 0: none.
 */
struct hvctl_x86_fb {
	uint64_t base, size;
	uint32_t width, height, stride;
};

/*
 * struct hvctl_x86_load - what a loader gets, and its error.
 * @mem: guest RAM (guest-physical 0 upward), @mem_size bytes.
 * @kernel: the kernel file.
 * @modules: Linux: at most one, the initrd; multiboot: the modules.
 * @cmdline: the command line ("" for none).
 * @rsdp: guest-physical address of the ACPI RSDP, or 0 when there is none.
 * @fb: the framebuffer Linux is told of (screen_info, e820), or none.
 * @err: one line saying why the load failed.
 */
struct hvctl_x86_load {
	uint8_t *mem;
	uint64_t mem_size;
	struct hvctl_x86_file kernel;
	struct hvctl_x86_file modules[HVCTL_X86_MAX_MODULES];
	unsigned int nr_modules;
	const char *cmdline;
	uint64_t rsdp;
	struct hvctl_x86_fb fb;
	char err[256];
};

enum hvctl_x86_mode {
	HVCTL_X86_REAL,		/* bare images: real mode */
	HVCTL_X86_PROTECTED,	/* multiboot: flat 32-bit, paging off */
	HVCTL_X86_LONG,		/* Linux: 64-bit with the identity map */
};

/* The boot vCPU's state a loader asks for; other registers are 0. */
struct hvctl_x86_boot {
	enum hvctl_x86_mode mode;
	uint64_t rip, rsp, rax, rbx, rsi;
};

/* boot_x86.c */
/* Formats @l->err; returns -1. */
int hvctl_x86_fail(struct hvctl_x86_load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The guest's memory map for @mem_size bytes of RAM; returns the entries. */
unsigned int hvctl_x86_e820(uint64_t mem_size, struct hvctl_e820 *map);
/* 0, or -1 (@l->err) when RAM is too small or too large for a kernel. */
int hvctl_x86_check_ram(struct hvctl_x86_load *l);
/* The boot GDT, with a 64-bit (@long_mode) or a 32-bit code segment. */
void hvctl_x86_write_gdt(uint8_t *mem, int long_mode);
/* The identity map of the first 4 GiB at HVCTL_X86_PML4. */
void hvctl_x86_write_page_tables(uint8_t *mem);

/* boot_linux.c: 1 if @f starts like a bzImage (its setup header's magic) */
int hvctl_linux_probe(const struct hvctl_x86_file *f);
/* Loads a bzImage by the 64-bit boot protocol. 0, or -1 (@l->err). */
int hvctl_linux_load(struct hvctl_x86_load *l, struct hvctl_x86_boot *b);

/* boot_multiboot.c: 1 if @f has a multiboot v1 header in its first 8 KiB */
int hvctl_multiboot_probe(const struct hvctl_x86_file *f);
/* Loads a multiboot v1 kernel (ELF32 or a.out kludge). 0, or -1 (@l->err). */
int hvctl_multiboot_load(struct hvctl_x86_load *l, struct hvctl_x86_boot *b);

#endif /* HVCTL_BOOT_X86_H */
