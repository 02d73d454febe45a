/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device tree an arm64 Linux guest boots with (fdt.c; not "fdt.h",
 * which is libfdt's). Arch-neutral C and libfdt only, so that its host
 * test runs on the x86 build machine.
 */
#ifndef HVCTL_ARM64_FDT_H
#define HVCTL_ARM64_FDT_H

#include <stddef.h>
#include <stdint.h>

/* Linux's limit (Documentation/arch/arm64/booting.rst) */
#define HVCTL_FDT_MAX_SIZE	(2U << 20)

/**
 * struct hvctl_fdt_config - what the tree describes.
 * @ram_base: guest-physical address of RAM.
 * @ram_size: bytes of RAM.
 * @nr_cpus: vCPUs, 1 .. 64; vCPU n has MPIDR Aff0 n (hv_arm64.h).
 * @nr_virtio: virtio-mmio slots to describe, 0 .. HVCTL_VIRT_VIRTIO_SLOTS.
 * @bootargs: the kernel command line, or NULL.
 * @initrd_start: guest-physical start of the initrd; @initrd_end its end
 *	(exclusive). Both 0: no initrd.
 * @fb_base: guest-physical address of a framebuffer outside RAM, of
 *	@fb_size bytes, @fb_width x @fb_height XRGB8888 pixels, @fb_stride
 *	bytes a line (vmm/display/display.h). @fb_size 0: no display.
 */
struct hvctl_fdt_config {
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned int nr_cpus;
	unsigned int nr_virtio;
	const char *bootargs;
	uint64_t initrd_start;
	uint64_t initrd_end;
	uint64_t fb_base, fb_size;
	uint32_t fb_width, fb_height, fb_stride;
};

/*
 * Builds the tree into @buf (@size bytes) and packs it. Returns its size,
 * or a negative libfdt error (-FDT_ERR_NOSPACE when @buf is too small,
 * -FDT_ERR_BADVALUE for a config out of range).
 */
int hvctl_fdt_build(const struct hvctl_fdt_config *cfg, void *buf,
		    size_t size);

#endif /* HVCTL_ARM64_FDT_H */
