// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux x86 64-bit boot protocol (the kernel's
 * Documentation/arch/x86/boot.rst): a bzImage is a real-mode setup part
 * (setup_sects + 1 sectors, starting with the boot sector whose setup
 * header is at 0x1f1) and the protected-mode kernel after it. hvctl runs
 * no real-mode code: it copies the setup header into a zero page (struct
 * boot_params) it fills itself, puts the protected-mode kernel at its
 * preferred, aligned address and enters it at load + 0x200 in 64-bit
 * mode, with RSI = the zero page (boot_x86.h has the layout).
 *
 * Offsets are those of struct boot_params and struct setup_header
 * (arch/x86/include/uapi/asm/bootparam.h); the structure is not included,
 * as it is not part of the uapi headers user space may rely on.
 */
#include <string.h>

#include "boot_x86.h"

/* struct boot_params; struct screen_info is at its start */
#define SI_ORIG_VIDEO_ISVGA	0x0f
#define SI_LFB_WIDTH		0x12
#define SI_LFB_HEIGHT		0x14
#define SI_LFB_DEPTH		0x16
#define SI_LFB_BASE		0x18
#define SI_LFB_SIZE		0x1c	/* in 64 KiB units for VESA */
#define SI_LFB_LINELENGTH	0x24
#define SI_RED_SIZE		0x26	/* then red_pos, green_size, ... rsvd_pos */
#define SI_VESA_ATTRIBUTES	0x34
#define VIDEO_TYPE_VLFB		0x23	/* VESA VGA in graphic mode */
#define VBE_MODE_NON_VGA	0x20	/* attribute bit 5 (VBE 2.0, 4.4) */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0	/* 20-byte entries, at most 128 */
/* struct setup_header, from 0x1f1 */
#define SH_SETUP_SECTS		0x1f1
#define SH_SYSSIZE		0x1f4
#define SH_BOOT_FLAG		0x1fe
#define SH_JUMP			0x200
#define SH_HEADER		0x202
#define SH_VERSION		0x206
#define SH_TYPE_OF_LOADER	0x210
#define SH_LOADFLAGS		0x211
#define SH_CODE32_START		0x214
#define SH_RAMDISK_IMAGE	0x218
#define SH_RAMDISK_SIZE		0x21c
#define SH_CMD_LINE_PTR		0x228
#define SH_INITRD_ADDR_MAX	0x22c
#define SH_KERNEL_ALIGNMENT	0x230
#define SH_RELOCATABLE		0x234
#define SH_XLOADFLAGS		0x236
#define SH_CMDLINE_SIZE		0x238
#define SH_PREF_ADDRESS		0x258
#define SH_INIT_SIZE		0x260
#define SH_MIN_END		0x264	/* through init_size (protocol 2.10) */
#define SH_MAX_END		0x290	/* boot_params' next field */

#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define BOOT_FLAG_MAGIC		0xaa55
#define LOADFLAG_LOADED_HIGH	0x01
#define XLF_KERNEL_64		0x01
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02
#define LOADER_TYPE_UNDEFINED	0xff
#define ENTRY_64_OFFSET		0x200	/* startup_64 from the load address */
#define PROTOCOL_MIN		0x020c	/* 2.12: xloadflags, the 64-bit entry */

static uint32_t rd16(const uint8_t *p, size_t off)
{
	return p[off] | (uint32_t)p[off + 1] << 8;
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return rd16(p, off) | rd16(p, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	return rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static void wr16(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = v;
	p[off + 1] = v >> 8;
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = v;
	p[off + 1] = v >> 8;
	p[off + 2] = v >> 16;
	p[off + 3] = v >> 24;
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
	wr32(p, off, v);
	wr32(p, off + 4, v >> 32);
}

int hvctl_linux_probe(const struct hvctl_x86_file *f)
{
	return f->size >= SH_HEADER + 4 && rd32(f->data, SH_HEADER) == HDRS_MAGIC;
}

/*
 * The header checks: a bzImage of protocol 2.12 or later with a 64-bit
 * entry, whole. Sets *@setup_size (the bytes before the kernel proper) and
 * *@hdr_end (the end of the setup header in the file).
 */
static int hvctl_linux_check(struct hvctl_x86_load *l, size_t *setup_size,
			     size_t *hdr_end)
{
	const uint8_t *k = l->kernel.data;
	size_t size = l->kernel.size;
	uint32_t version, sects;
	uint64_t payload;

	if (size < SH_MIN_END || rd16(k, SH_BOOT_FLAG) != BOOT_FLAG_MAGIC ||
	    rd32(k, SH_HEADER) != HDRS_MAGIC)
		return hvctl_x86_fail(l, "kernel %s: not a bzImage (no \"HdrS\" setup header)",
				      l->kernel.path);
	version = rd16(k, SH_VERSION);
	if (version < PROTOCOL_MIN)
		return hvctl_x86_fail(l, "kernel %s: boot protocol %u.%02u, hvctl needs 2.12 or later (64-bit entry)",
				      l->kernel.path, version >> 8, version & 0xff);
	if (!(rd16(k, SH_XLOADFLAGS) & XLF_KERNEL_64))
		return hvctl_x86_fail(l, "kernel %s: no 64-bit entry point (xloadflags 0x%x): a 32-bit kernel?",
				      l->kernel.path, rd16(k, SH_XLOADFLAGS));
	/* the setup header ends where the jump at 0x200 lands (boot.rst) */
	*hdr_end = SH_JUMP + 2 + k[SH_JUMP + 1];
	sects = k[SH_SETUP_SECTS] ? k[SH_SETUP_SECTS] : 4;
	*setup_size = (sects + 1) * 512;
	payload = (uint64_t)rd32(k, SH_SYSSIZE) * 16;
	if (*hdr_end < SH_MIN_END || *hdr_end > SH_MAX_END ||
	    *hdr_end > *setup_size ||
	    *setup_size + payload > size || !payload)
		return hvctl_x86_fail(l, "kernel %s: truncated or damaged bzImage (%zu bytes, the header says %llu)",
				      l->kernel.path, size,
				      (unsigned long long)(*setup_size + payload));
	return 0;
}

/*
 * Where the protected-mode kernel goes: its preferred address, aligned
 * as it asks, with room for init_size (what it needs to decompress and
 * run its early code) inside RAM. Sets *@end past that room.
 */
static int hvctl_linux_place(struct hvctl_x86_load *l, size_t kernel_len,
			     uint64_t *load, uint64_t *end)
{
	const uint8_t *k = l->kernel.data;
	uint64_t align = rd32(k, SH_KERNEL_ALIGNMENT);
	uint64_t need = rd32(k, SH_INIT_SIZE);

	*load = rd64(k, SH_PREF_ADDRESS);
	if (*load < HVCTL_X86_HIGH_RAM)
		*load = HVCTL_X86_HIGH_RAM;
	if (k[SH_RELOCATABLE] && align && !(align & (align - 1)))
		*load = (*load + align - 1) & ~(align - 1);
	if (need < kernel_len)
		need = kernel_len;
	*end = *load + need;
	if (*end > l->mem_size)
		return hvctl_x86_fail(l, "kernel %s: needs RAM up to %lluM (load address 0x%llx + init_size), the guest has %lluM",
				      l->kernel.path,
				      (unsigned long long)(*end + (1 << 20) - 1) >> 20,
				      (unsigned long long)*load,
				      (unsigned long long)l->mem_size >> 20);
	return 0;
}

/*
 * The initrd goes as high as it may: below initrd_addr_max, the end of
 * RAM and 4 GiB (ramdisk_image is 32 bits, ext_ramdisk_image is left 0),
 * page aligned, and above the kernel's init_size room. Sets *@addr.
 */
static int hvctl_linux_place_initrd(struct hvctl_x86_load *l,
				    uint64_t kernel_end, uint64_t *addr)
{
	const struct hvctl_x86_file *rd = &l->modules[0];
	uint64_t top = (uint64_t)rd32(l->kernel.data, SH_INITRD_ADDR_MAX) + 1;

	if (top > l->mem_size)
		top = l->mem_size;
	if (rd->size > top || ((top - rd->size) & ~0xfffULL) < kernel_end)
		return hvctl_x86_fail(l, "initrd %s (%zuK) does not fit between the kernel's end (0x%llx) and 0x%llx: give the guest more memory",
				      rd->path, rd->size >> 10,
				      (unsigned long long)kernel_end,
				      (unsigned long long)top);
	*addr = (top - rd->size) & ~0xfffULL;
	return 0;
}

/*
 * The framebuffer as a VESA linear framebuffer mode that "firmware" (the
 * real-mode setup code hvctl skips) left behind: screen_info of type
 * VIDEO_TYPE_VLFB. Stock kernels turn it into a "vesa-framebuffer"
 * platform device (drivers/firmware/sysfb.c; the Debian kernels leave
 * CONFIG_SYSFB_SIMPLEFB off), which vesafb (=y) drives and fbcon uses.
 * Not VGA-compatible: vesafb then touches no VGA registers. lfb_base is
 * 32 bits: the framebuffer is below 4 GiB as all RAM is
 * (HVCTL_X86_RAM_MAX).
 */
static void hvctl_linux_screen_info(uint8_t *zp, const struct hvctl_x86_fb *fb)
{
	/* XRGB8888: sizes and positions of red, green, blue, reserved */
	static const uint8_t colours[8] = { 8, 16, 8, 8, 8, 0, 8, 24 };

	zp[SI_ORIG_VIDEO_ISVGA] = VIDEO_TYPE_VLFB;
	wr16(zp, SI_LFB_WIDTH, fb->width);
	wr16(zp, SI_LFB_HEIGHT, fb->height);
	wr16(zp, SI_LFB_DEPTH, 32);
	wr32(zp, SI_LFB_BASE, fb->base);
	wr32(zp, SI_LFB_SIZE, fb->size >> 16);
	wr16(zp, SI_LFB_LINELENGTH, fb->stride);
	memcpy(zp + SI_RED_SIZE, colours, sizeof(colours));
	wr16(zp, SI_VESA_ATTRIBUTES, VBE_MODE_NON_VGA);
}

static void hvctl_linux_zero_page(struct hvctl_x86_load *l, size_t hdr_end,
				  uint64_t load, uint64_t initrd)
{
	uint8_t *zp = l->mem + HVCTL_X86_ZERO_PAGE;
	struct hvctl_e820 map[HVCTL_E820_MAX];
	unsigned int i, n;

	memset(zp, 0, 4096);
	memcpy(zp + SH_SETUP_SECTS, l->kernel.data + SH_SETUP_SECTS,
	       hdr_end - SH_SETUP_SECTS);
	zp[SH_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	zp[SH_LOADFLAGS] |= LOADFLAG_LOADED_HIGH;
	wr32(zp, SH_CODE32_START, load);
	wr32(zp, SH_CMD_LINE_PTR, HVCTL_X86_CMDLINE);
	if (l->nr_modules) {
		wr32(zp, SH_RAMDISK_IMAGE, initrd);
		wr32(zp, SH_RAMDISK_SIZE, l->modules[0].size);
	}
	wr32(zp, BP_EXT_RAMDISK_IMAGE, 0);
	wr32(zp, BP_EXT_RAMDISK_SIZE, 0);
	wr32(zp, BP_EXT_CMD_LINE_PTR, 0);
	wr64(zp, BP_ACPI_RSDP_ADDR, l->rsdp);
	n = hvctl_x86_e820(l->mem_size, map);
	/* the framebuffer above the kernel's RAM: reserved, as firmware has it */
	if (l->fb.size) {
		map[n++] = (struct hvctl_e820){ l->fb.base, l->fb.size,
						HVCTL_E820_RESERVED };
		hvctl_linux_screen_info(zp, &l->fb);
	}
	zp[BP_E820_ENTRIES] = n;
	for (i = 0; i < n; i++) {
		wr64(zp, BP_E820_TABLE + i * 20, map[i].addr);
		wr64(zp, BP_E820_TABLE + i * 20 + 8, map[i].size);
		wr32(zp, BP_E820_TABLE + i * 20 + 16, map[i].type);
	}
}

int hvctl_linux_load(struct hvctl_x86_load *l, struct hvctl_x86_boot *b)
{
	size_t setup_size = 0, hdr_end = 0, cmdlen = strlen(l->cmdline), klen;
	uint64_t load, end, initrd = 0;
	uint32_t cmdline_size;

	if (hvctl_x86_check_ram(l) || hvctl_linux_check(l, &setup_size, &hdr_end))
		return -1;
	if (l->nr_modules > 1)
		return hvctl_x86_fail(l, "kernel %s: Linux takes one initrd, not %u files",
				      l->kernel.path, l->nr_modules);
	cmdline_size = rd32(l->kernel.data, SH_CMDLINE_SIZE);
	if (cmdlen > cmdline_size || cmdlen >= HVCTL_X86_CMDLINE_SIZE)
		return hvctl_x86_fail(l, "command line of %zu bytes: kernel %s takes at most %u",
				      cmdlen, l->kernel.path, cmdline_size);
	klen = l->kernel.size - setup_size;
	if (hvctl_linux_place(l, klen, &load, &end) ||
	    (l->nr_modules && hvctl_linux_place_initrd(l, end, &initrd)))
		return -1;

	memcpy(l->mem + load, l->kernel.data + setup_size, klen);
	if (l->nr_modules)
		memcpy(l->mem + initrd, l->modules[0].data, l->modules[0].size);
	memcpy(l->mem + HVCTL_X86_CMDLINE, l->cmdline, cmdlen + 1);
	hvctl_linux_zero_page(l, hdr_end, load, initrd);
	hvctl_x86_write_gdt(l->mem, 1);
	hvctl_x86_write_page_tables(l->mem);

	*b = (struct hvctl_x86_boot){
		.mode = HVCTL_X86_LONG,
		.rip = load + ENTRY_64_OFFSET,
		.rsp = HVCTL_X86_STACK_TOP,
		.rsi = HVCTL_X86_ZERO_PAGE,
	};
	return 0;
}
