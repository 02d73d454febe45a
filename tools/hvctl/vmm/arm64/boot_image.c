// SPDX-License-Identifier: GPL-2.0
/*
 * Boots a Linux kernel on arm64 the way Documentation/arch/arm64/booting.rst
 * asks, in RAM at 0x40000000 (virt.h):
 *
 * - an Image (the 64-byte header with "ARM\x64" at 0x38) goes to
 *   text_offset bytes above a 2 MiB-aligned base, here the start of RAM;
 *   image_size bytes from there (the kernel's footprint, with its BSS)
 *   must be free. A big-endian Image is refused. image_size 0 is a kernel
 *   older than 3.17: text_offset is then 0x80000.
 * - any other file is a raw binary, loaded and entered at 0x40080000 as
 *   QEMU's virt board does (hw/arm/boot.c, KERNEL_LOAD_ADDR).
 * - the initrd follows the kernel, at the next 2 MiB boundary.
 * - the device tree (fdt.c) goes to the 2 MiB boundary after both: 8-byte
 *   aligned, at most 2 MiB, in a 2 MiB block of its own as booting.rst
 *   wants. X0 of the boot vCPU holds its address; vmm_arm64.c sets X1-X3
 *   to 0, EL1h with DAIF masked, the MMU off. With --dtb the tree is also
 *   written to that file.
 *
 * Like QEMU, a restart loads all three again over RAM that keeps its
 * contents otherwise.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libfdt.h>

#include "vmm.h"
#include "hvctl_fdt.h"
#include "display/display.h"

#define SZ_2M			0x200000ULL
#define ARM64_IMAGE_MAGIC	0x644d5241	/* "ARM\x64", little-endian */
#define ARM64_IMAGE_FLAG_BE	(1ULL << 0)
#define ARM64_IMAGE_FLAG_PAGE	(3ULL << 1)	/* 0: any, 1: 4K, 2: 16K, 3: 64K */
#define ARM64_RAW_LOAD		(HVCTL_VIRT_RAM_BASE + 0x80000)
#define ARM64_OLD_TEXT_OFFSET	0x80000

/* booting.rst 3.: the header, all fields little-endian */
struct arm64_image_header {
	uint32_t code0;
	uint32_t code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2;
	uint64_t res3;
	uint64_t res4;
	uint32_t magic;
	uint32_t res5;
};

_Static_assert(sizeof(struct arm64_image_header) == 64, "Image header");

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The whole of @fd into RAM at @gpa; the file's size in *size. */
static int boot_read(struct hvctl_vmm *vmm, const char *what, int fd,
		     uint64_t gpa, uint64_t *size)
{
	struct stat st;
	uint8_t *dst;
	uint64_t off;
	ssize_t n;

	if (fstat(fd, &st)) {
		hvctl_vmm_log(vmm, "%s: %s", what, strerror(errno));
		return -1;
	}
	*size = st.st_size;
	dst = hvctl_vmm_ram(vmm, gpa, *size);
	if (!dst) {
		hvctl_vmm_log(vmm, "%s (%llu bytes at 0x%llx) does not fit in the guest's %llu bytes of RAM",
			      what, (unsigned long long)*size,
			      (unsigned long long)gpa,
			      (unsigned long long)vmm->def->memory);
		return -1;
	}
	for (off = 0; off < *size; off += n) {
		n = pread(fd, dst + off, *size - off, off);
		if (n <= 0) {
			hvctl_vmm_log(vmm, "%s: %s", what,
				      n ? strerror(errno) : "shorter than its size");
			return -1;
		}
	}
	return 0;
}

/*
 * The kernel: where it goes and how much room it needs from there
 * (*end: its end, at least image_size past the load address).
 */
static int boot_kernel(struct hvctl_vmm *vmm, uint64_t *entry, uint64_t *end)
{
	struct arm64_image_header h;
	const char *path = vmm->def->kernel;
	uint64_t load = ARM64_RAW_LOAD, size, text, footprint = 0;
	int fd, err = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		hvctl_vmm_log(vmm, "kernel %s: %s", path, strerror(errno));
		return -1;
	}
	if (pread(fd, &h, sizeof(h), 0) == sizeof(h) &&
	    le32toh(h.magic) == ARM64_IMAGE_MAGIC) {
		text = le64toh(h.text_offset);
		footprint = le64toh(h.image_size);
		if (!footprint)
			text = ARM64_OLD_TEXT_OFFSET;
		if (le64toh(h.flags) & ARM64_IMAGE_FLAG_BE) {
			hvctl_vmm_log(vmm, "kernel %s: a big-endian Image (flags 0x%llx): hv runs little-endian guests",
				      path, (unsigned long long)le64toh(h.flags));
			goto out;
		}
		if (text >= vmm->def->memory) {
			hvctl_vmm_log(vmm, "kernel %s: text_offset 0x%llx is past RAM",
				      path, (unsigned long long)text);
			goto out;
		}
		/* RAM starts 2 MiB-aligned: the Image goes text_offset above */
		load = HVCTL_VIRT_RAM_BASE + text;
		hvctl_vmm_log(vmm, "kernel %s: arm64 Image, text_offset 0x%llx, image_size 0x%llx, flags 0x%llx",
			      path, (unsigned long long)text,
			      (unsigned long long)footprint,
			      (unsigned long long)le64toh(h.flags));
	} else {
		hvctl_vmm_log(vmm, "kernel %s: no arm64 Image header: a raw binary at 0x%llx",
			      path, (unsigned long long)load);
	}
	if (boot_read(vmm, "kernel", fd, load, &size))
		goto out;
	if (footprint < size)
		footprint = size;
	if (!hvctl_vmm_ram(vmm, load, footprint)) {
		hvctl_vmm_log(vmm, "kernel %s needs 0x%llx bytes at 0x%llx: more than the guest's RAM",
			      path, (unsigned long long)footprint,
			      (unsigned long long)load);
		goto out;
	}
	*entry = load;
	*end = load + footprint;
	err = 0;
out:
	close(fd);
	return err;
}

static int boot_initrd(struct hvctl_vmm *vmm, uint64_t start, uint64_t *end)
{
	uint64_t size;
	int fd, err;

	fd = open(vmm->def->initrd, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		hvctl_vmm_log(vmm, "initrd %s: %s", vmm->def->initrd,
			      strerror(errno));
		return -1;
	}
	err = boot_read(vmm, "initrd", fd, start, &size);
	close(fd);
	*end = start + size;
	return err;
}

/* --dtb FILE: the tree as the guest gets it, for dtc and for people. */
static int boot_save_dtb(struct hvctl_vmm *vmm, const void *fdt, int size)
{
	int fd;

	fd = open(vmm->def->dtb, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	if (fd < 0 || write(fd, fdt, size) != size || close(fd)) {
		hvctl_vmm_log(vmm, "--dtb %s: %s", vmm->def->dtb,
			      strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

/* --display: the framebuffer above the RAM the tree gives the kernel */
static void boot_display(struct hvctl_vmm *vmm, struct hvctl_fdt_config *cfg)
{
	const struct hvctl_fb *fb = hvctl_display_fb(vmm);

	if (!fb)
		return;
	cfg->fb_base = fb->gpa;
	cfg->fb_size = fb->size;
	cfg->fb_width = fb->width;
	cfg->fb_height = fb->height;
	cfg->fb_stride = fb->stride;
}

static int boot_dtb(struct hvctl_vmm *vmm, uint64_t gpa, uint64_t initrd,
		    uint64_t initrd_end)
{
	uint64_t ram = hvctl_display_guest_ram(vmm);
	struct hvctl_fdt_config cfg = {
		.ram_base = vmm->ram_base,
		.ram_size = ram,
		.nr_cpus = vmm->nr_vcpus,
		.nr_virtio = vmm->arch.nr_virtio,
		.bootargs = vmm->def->cmdline,
		.initrd_start = initrd,
		.initrd_end = initrd_end,
	};
	uint64_t room = vmm->ram_base + ram - gpa;
	void *fdt;
	int size;

	boot_display(vmm, &cfg);
	if (gpa >= vmm->ram_base + ram) {
		hvctl_vmm_log(vmm, "no RAM left for the device tree at 0x%llx",
			      (unsigned long long)gpa);
		return -1;
	}
	fdt = hvctl_vmm_ram(vmm, gpa, room < HVCTL_FDT_MAX_SIZE ?
				      room : HVCTL_FDT_MAX_SIZE);
	size = hvctl_fdt_build(&cfg, fdt, room < HVCTL_FDT_MAX_SIZE ?
					  room : HVCTL_FDT_MAX_SIZE);
	if (size < 0) {
		hvctl_vmm_log(vmm, "the device tree: %s", fdt_strerror(size));
		return -1;
	}
	hvctl_vmm_log(vmm, "device tree at 0x%llx, %d bytes",
		      (unsigned long long)gpa, size);
	vmm->arch.boot_x0 = gpa;
	return vmm->def->dtb[0] ? boot_save_dtb(vmm, fdt, size) : 0;
}

int hvctl_arch_load_kernel(struct hvctl_vmm *vmm, uint64_t *entry)
{
	uint64_t end, initrd = 0, initrd_end = 0;

	if (boot_kernel(vmm, entry, &end))
		return -1;
	if (vmm->def->initrd[0]) {
		initrd = align_up(end, SZ_2M);
		if (boot_initrd(vmm, initrd, &initrd_end))
			return -1;
		hvctl_vmm_log(vmm, "initrd at 0x%llx-0x%llx",
			      (unsigned long long)initrd,
			      (unsigned long long)initrd_end);
		end = initrd_end;
	}
	vmm->arch.boot_sp = 0;
	return boot_dtb(vmm, align_up(end, SZ_2M), initrd, initrd_end);
}
