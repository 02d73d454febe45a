// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot v1 (the Multiboot Specification 0.6.96), as QEMU's -kernel
 * does it for test kernels: the header is a 4-byte aligned magic in the
 * file's first 8 KiB; the kernel is an ELF32 file loaded by its program
 * headers, or placed by the header's address fields (flag 16, "a.out
 * kludge"). The modules follow the kernel, page aligned, and then one
 * page of boot information: the info structure, the memory map, the
 * module list, the loader's name and the strings. The command line starts
 * with the kernel's path, as bootloaders write it. Entry in flat 32-bit
 * protected mode, paging off, EAX = 0x2BADB002, EBX = the info structure.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "boot_x86.h"

#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002
#define MB_SEARCH		8192

/* header flags; bits 0-15 are required: a loader must refuse others */
#define MB_PAGE_ALIGN		0x00000001
#define MB_MEMORY_INFO		0x00000002
#define MB_VIDEO_MODE		0x00000004	/* a wish: text mode it gets */
#define MB_AOUT_KLUDGE		0x00010000
#define MB_KNOWN_REQUIRED	(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_VIDEO_MODE)

/* multiboot_info.flags */
#define MBI_MEMORY		0x001
#define MBI_CMDLINE		0x004
#define MBI_MODS		0x008
#define MBI_MMAP		0x040
#define MBI_LOADER_NAME		0x200

/* the boot information page: offsets of its parts */
#define MBI_INFO		0x000	/* struct multiboot_info, 88 bytes used */
#define MBI_MMAP_AT		0x080	/* 24-byte entries */
#define MBI_MODS_AT		0x200	/* 16-byte entries */
#define MBI_NAME_AT		0x300
#define MBI_STRINGS_AT		0x400

struct hvctl_mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint32_t entry_addr;
};

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* The header's offset in the file, or -1. */
static long hvctl_mb_find(const struct hvctl_x86_file *f)
{
	size_t off, end = f->size < MB_SEARCH ? f->size : MB_SEARCH;

	for (off = 0; off + 12 <= end; off += 4) {
		const uint8_t *h = f->data + off;

		if (rd32(h) == MB_HEADER_MAGIC &&
		    rd32(h) + rd32(h + 4) + rd32(h + 8) == 0)
			return off;
	}
	return -1;
}

int hvctl_multiboot_probe(const struct hvctl_x86_file *f)
{
	return hvctl_mb_find(f) >= 0;
}

/* [@addr, @addr + @len) must be RAM above 1 MiB, where the kernel goes. */
static int hvctl_mb_range(struct hvctl_x86_load *l, uint64_t addr,
			  uint64_t len)
{
	if (addr < HVCTL_X86_HIGH_RAM || addr > l->mem_size ||
	    len > l->mem_size - addr)
		return hvctl_x86_fail(l, "kernel %s: 0x%llx-0x%llx is not in the guest's RAM above 1 MiB (%lluM)",
				      l->kernel.path, (unsigned long long)addr,
				      (unsigned long long)(addr + len),
				      (unsigned long long)l->mem_size >> 20);
	return 0;
}

/* Flag 16: the header says where the file goes. Sets *@end and *@entry. */
static int hvctl_mb_load_aout(struct hvctl_x86_load *l, long hoff,
			      const struct hvctl_mb_header *h, uint64_t *end,
			      uint64_t *entry)
{
	uint64_t off, len, bss_end;

	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > (uint64_t)hoff)
		return hvctl_x86_fail(l, "kernel %s: multiboot header addresses are inconsistent",
				      l->kernel.path);
	off = hoff - (h->header_addr - h->load_addr);
	len = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr :
				 l->kernel.size - off;
	bss_end = h->bss_end_addr ? h->bss_end_addr : h->load_addr + len;
	if (h->load_end_addr && h->load_end_addr < h->load_addr)
		len = ~0ULL;
	if (len > l->kernel.size - off || bss_end < h->load_addr + len)
		return hvctl_x86_fail(l, "kernel %s: truncated, or its multiboot load fields are wrong",
				      l->kernel.path);
	if (hvctl_mb_range(l, h->load_addr, bss_end - h->load_addr))
		return -1;
	memcpy(l->mem + h->load_addr, l->kernel.data + off, len);
	memset(l->mem + h->load_addr + len, 0, bss_end - h->load_addr - len);
	*end = bss_end;
	*entry = h->entry_addr;
	return 0;
}

/* An ELF32 kernel: its PT_LOAD segments at their physical addresses. */
static int hvctl_mb_load_elf(struct hvctl_x86_load *l, uint64_t *end,
			     uint64_t *entry)
{
	const uint8_t *k = l->kernel.data;
	size_t size = l->kernel.size;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)k;
	Elf32_Phdr ph;
	int i, found = 0;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386 ||
	    eh->e_phentsize != sizeof(ph) || eh->e_phoff > size ||
	    eh->e_phnum > (size - eh->e_phoff) / sizeof(ph))
		return hvctl_x86_fail(l, "kernel %s: a multiboot kernel hvctl can load is ELF32 for i386 (or sets the header's address fields)",
				      l->kernel.path);
	*end = 0;
	*entry = eh->e_entry;
	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, k + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset ||
		    ph.p_filesz > ph.p_memsz)
			return hvctl_x86_fail(l, "kernel %s: truncated or damaged ELF segment %d",
					      l->kernel.path, i);
		if (hvctl_mb_range(l, ph.p_paddr, ph.p_memsz))
			return -1;
		memcpy(l->mem + ph.p_paddr, k + ph.p_offset, ph.p_filesz);
		memset(l->mem + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr + (uint64_t)ph.p_memsz > *end)
			*end = ph.p_paddr + (uint64_t)ph.p_memsz;
		/* a kernel linked high enters where its entry is loaded */
		if (eh->e_entry - ph.p_vaddr < ph.p_memsz)
			*entry = eh->e_entry - ph.p_vaddr + ph.p_paddr;
		found = 1;
	}
	if (!found)
		return hvctl_x86_fail(l, "kernel %s: no loadable segment",
				      l->kernel.path);
	return 0;
}

/* Places the modules from @at (page aligned); returns the end, or 0. */
static uint64_t hvctl_mb_modules(struct hvctl_x86_load *l, uint64_t at,
				 uint64_t *starts)
{
	unsigned int i;

	for (i = 0; i < l->nr_modules; i++) {
		const struct hvctl_x86_file *m = &l->modules[i];

		at = (at + 0xfff) & ~0xfffULL;
		if (at > l->mem_size || m->size > l->mem_size - at ||
		    at + m->size > 0xffffffffULL) {
			hvctl_x86_fail(l, "module %s (%zuK) does not fit in the guest's RAM after the kernel",
				       m->path, m->size >> 10);
			return 0;
		}
		memcpy(l->mem + at, m->data, m->size);
		starts[i] = at;
		at += m->size;
	}
	return at;
}

/* The boot information page at @at (page aligned, inside RAM). */
static int hvctl_mb_info(struct hvctl_x86_load *l, uint64_t at,
			 const uint64_t *starts)
{
	struct hvctl_e820 map[HVCTL_E820_MAX];
	uint64_t str = MBI_STRINGS_AT, need = MBI_STRINGS_AT;
	unsigned int i, n;
	uint8_t *info;

	need += strlen(l->kernel.path) + 1 + strlen(l->cmdline) + 1;
	for (i = 0; i < l->nr_modules; i++)
		need += strlen(l->modules[i].path) + 1;
	if (at > l->mem_size || need > l->mem_size - at)
		return hvctl_x86_fail(l, "kernel %s: no room for the boot information after the kernel and modules",
				      l->kernel.path);
	info = l->mem + at;
	memset(info, 0, need);
	wr32(info + 4, HVCTL_X86_LOW_RAM_END >> 10);	/* mem_lower, KiB */
	wr32(info + 8, (l->mem_size - HVCTL_X86_HIGH_RAM) >> 10);
	/* cmdline: the kernel's path, then the user's words */
	wr32(info + 16, at + str);
	str += sprintf((char *)info + str, "%s%s%s", l->kernel.path,
		       l->cmdline[0] ? " " : "", l->cmdline) + 1;
	wr32(info + 20, l->nr_modules);
	wr32(info + 24, at + MBI_MODS_AT);
	for (i = 0; i < l->nr_modules; i++) {
		uint8_t *mod = info + MBI_MODS_AT + 16 * i;

		wr32(mod, starts[i]);
		wr32(mod + 4, starts[i] + l->modules[i].size);
		wr32(mod + 8, at + str);
		str += sprintf((char *)info + str, "%s", l->modules[i].path) + 1;
	}
	n = hvctl_x86_e820(l->mem_size, map);
	wr32(info + 44, n * 24);			/* mmap_length */
	wr32(info + 48, at + MBI_MMAP_AT);
	for (i = 0; i < n; i++) {
		uint8_t *e = info + MBI_MMAP_AT + 24 * i;

		wr32(e, 20);		/* the entry's size, without this field */
		wr32(e + 4, map[i].addr);
		wr32(e + 8, map[i].addr >> 32);
		wr32(e + 12, map[i].size);
		wr32(e + 16, map[i].size >> 32);
		wr32(e + 20, map[i].type);
	}
	strcpy((char *)info + MBI_NAME_AT, "hvctl");
	wr32(info + 64, at + MBI_NAME_AT);
	wr32(info, MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP |
		   MBI_LOADER_NAME);
	return 0;
}

int hvctl_multiboot_load(struct hvctl_x86_load *l, struct hvctl_x86_boot *b)
{
	uint64_t end = 0, entry = 0, starts[HVCTL_X86_MAX_MODULES], info;
	struct hvctl_mb_header h;
	long hoff;

	if (hvctl_x86_check_ram(l))
		return -1;
	hoff = hvctl_mb_find(&l->kernel);
	if (hoff < 0)
		return hvctl_x86_fail(l, "kernel %s: no multiboot header in its first 8 KiB",
				      l->kernel.path);
	memset(&h, 0, sizeof(h));
	memcpy(&h, l->kernel.data + hoff,
	       l->kernel.size - hoff < sizeof(h) ? l->kernel.size - hoff :
						   sizeof(h));
	if (h.flags & 0xffff & ~MB_KNOWN_REQUIRED)
		return hvctl_x86_fail(l, "kernel %s: needs multiboot features hvctl lacks (flags 0x%x)",
				      l->kernel.path, h.flags);
	if (h.flags & MB_AOUT_KLUDGE) {
		if (l->kernel.size - hoff < sizeof(h))
			return hvctl_x86_fail(l, "kernel %s: truncated multiboot header",
					      l->kernel.path);
		if (hvctl_mb_load_aout(l, hoff, &h, &end, &entry))
			return -1;
	} else if (hvctl_mb_load_elf(l, &end, &entry)) {
		return -1;
	}
	if (entry > 0xffffffffULL || entry >= l->mem_size)
		return hvctl_x86_fail(l, "kernel %s: entry 0x%llx is not in RAM",
				      l->kernel.path, (unsigned long long)entry);
	end = hvctl_mb_modules(l, end, starts);
	if (!end)
		return -1;
	info = (end + 0xfff) & ~0xfffULL;
	if (hvctl_mb_info(l, info, starts))
		return -1;
	hvctl_x86_write_gdt(l->mem, 0);
	*b = (struct hvctl_x86_boot){
		.mode = HVCTL_X86_PROTECTED,
		.rip = entry,
		.rsp = HVCTL_X86_STACK_TOP,
		.rax = MB_BOOT_MAGIC,
		.rbx = info,
	};
	return 0;
}
