// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl_arch_load_kernel() on x86: maps def->kernel and the files of
 * def->initrd, and hands them to the loader the kernel's format asks for,
 * a bzImage (boot_linux.c) or a multiboot kernel (boot_multiboot.c). The
 * boot vCPU's state goes to vmm->arch.boot for hvctl_arch_vcpu_setup().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "vmm.h"
#include "virtio/virtio.h"
#include "virtio/input.h"
#include "x86/acpi/acpi.h"
#include "display/display.h"

/* Maps @path read-only into @f. 0, or -1 (logged). */
static int hvctl_x86_map(struct hvctl_vmm *vmm, const char *what,
			 const char *path, struct hvctl_x86_file *f)
{
	struct stat st;
	void *p;
	int fd;

	f->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		hvctl_vmm_log(vmm, "%s %s: %s", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p = st.st_size ? mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) :
			 MAP_FAILED;
	close(fd);
	if (p == MAP_FAILED) {
		hvctl_vmm_log(vmm, "%s %s: empty or unreadable", what, path);
		return -1;
	}
	f->data = p;
	f->size = st.st_size;
	return 0;
}

static void hvctl_x86_unmap(struct hvctl_x86_file *f)
{
	if (f->data)
		munmap((void *)f->data, f->size);
}

/* Splits def->initrd ("a,b,c") into @l->modules, mapped. */
static int hvctl_x86_map_modules(struct hvctl_vmm *vmm,
				 struct hvctl_x86_load *l, char *list)
{
	char *path, *save = NULL;

	for (path = strtok_r(list, ",", &save); path;
	     path = strtok_r(NULL, ",", &save)) {
		if (l->nr_modules == HVCTL_X86_MAX_MODULES) {
			hvctl_vmm_log(vmm, "initrd: more than %d files",
				      HVCTL_X86_MAX_MODULES);
			return -1;
		}
		if (hvctl_x86_map(vmm, "initrd", path,
				  &l->modules[l->nr_modules]))
			return -1;
		l->nr_modules++;
	}
	return 0;
}

/*
 * The ACPI tables of a Linux guest (Documentation/x86.rst, "ACPI tables"):
 * only when hv has the in-kernel local APICs and IOAPIC that the MADT
 * announces. e820 keeps the whole BIOS area reserved (hvctl_x86_e820()).
 * The virtio slots are bus.c's: slot n at HVCTL_VIRTIO_BASE + 0x200 * n,
 * GSI HVCTL_VIRTIO_IRQ0 + n (edge, or level: hvctl_virtio_irq_edge()), one
 * per disk, then one per NIC.
 */
static int hvctl_x86_acpi(struct hvctl_vmm *vmm, struct hvctl_x86_load *l)
{
	struct hvctl_acpi_config cfg;
	unsigned int i;
	long n;

	if (!vmm->irq_lines)
		return 0;
	hvctl_acpi_default_config(&cfg, vmm->nr_vcpus);
	for (i = 0; i < hvctl_virtio_nr_slots(vmm->def) && i < HVCTL_VIRTIO_SLOTS; i++)
		cfg.virtio[cfg.nr_virtio++] = (struct hvctl_acpi_virtio){
			.base = HVCTL_VIRTIO_BASE + i * VIRTIO_MMIO_SIZE,
			.size = VIRTIO_MMIO_SIZE,
			.gsi = HVCTL_VIRTIO_IRQ0 + i,
			.irq_flags = hvctl_virtio_irq_edge() ?
				     HVCTL_ACPI_IRQ_EDGE : 0,
		};
	n = hvctl_acpi_build(l->mem, l->mem_size, HVCTL_ACPI_TABLE_GPA,
			     HVCTL_ACPI_TABLE_SIZE, &cfg, &l->rsdp);
	if (n < 0)
		return hvctl_x86_fail(l, "ACPI tables: %s", strerror((int)-n));
	return 0;
}

/*
 * x86's hvctl_arch_prepare() (vmm.h): RAM at 0; a Linux bzImage gets the
 * in-kernel interrupt controller and the ACPI tables that announce it. A
 * multiboot kernel (QEMU-style test kernels) runs without it, polled, as
 * under QEMU's isa-debug-exit setups: it can be restarted on reboot, which
 * hv cannot do yet for a VM with the interrupt controller.
 */
int hvctl_arch_prepare(struct hvctl_vmm *vmm)
{
	struct hvctl_x86_file f = { 0 };
	int linux_kernel;

	vmm->ram_base = 0;
	vmm->attach_flags = 0;
	if (!vmm->def->kernel[0])
		return 0;
	/* an unreadable kernel is reported by hvctl_arch_load_kernel() */
	if (hvctl_x86_map(vmm, "kernel", vmm->def->kernel, &f))
		return 0;
	linux_kernel = hvctl_linux_probe(&f);
	hvctl_x86_unmap(&f);
	if (linux_kernel)
		hvctl_vmm_want_irqchip(vmm);
	return 0;
}

static void hvctl_x86_display(struct hvctl_vmm *vmm, struct hvctl_x86_fb *xfb)
{
	const struct hvctl_fb *fb = hvctl_display_fb(vmm);

	if (fb)
		*xfb = (struct hvctl_x86_fb){
			.base = fb->gpa, .size = fb->size, .width = fb->width,
			.height = fb->height, .stride = fb->stride,
		};
}

int hvctl_arch_load_kernel(struct hvctl_vmm *vmm, uint64_t *entry)
{
	static char list[PATH_MAX];	/* the modules' paths point into it */
	struct hvctl_x86_boot *b = &vmm->arch.boot;
	struct hvctl_x86_load l;
	unsigned int i;
	int err = -1;

	memset(&l, 0, sizeof(l));
	l.mem = vmm->mem;
	/* a display's framebuffer is the top of RAM, kept from the kernel */
	l.mem_size = hvctl_display_guest_ram(vmm);
	hvctl_x86_display(vmm, &l.fb);
	l.cmdline = vmm->def->cmdline;
	snprintf(list, sizeof(list), "%s", vmm->def->initrd);
	if (hvctl_x86_map(vmm, "kernel", vmm->def->kernel, &l.kernel) ||
	    hvctl_x86_map_modules(vmm, &l, list))
		goto out;
	/*
	 * The ACPI tables go into the reserved BIOS area here, before the
	 * loader writes the zero page, which takes the RSDP's address
	 * (l.rsdp; 0 when hvctl writes no tables).
	 */
	if (hvctl_linux_probe(&l.kernel))
		err = hvctl_x86_check_ram(&l) ?: hvctl_x86_acpi(vmm, &l) ?:
		      hvctl_linux_load(&l, b);
	else if (hvctl_multiboot_probe(&l.kernel))
		err = hvctl_multiboot_load(&l, b);
	else
		err = hvctl_x86_fail(&l, "kernel %s: neither a bzImage nor a multiboot kernel",
				     l.kernel.path);
	if (err)
		hvctl_vmm_log(vmm, "%s", l.err);
	else
		*entry = b->rip;
out:
	hvctl_x86_unmap(&l.kernel);
	for (i = 0; i < l.nr_modules; i++)
		hvctl_x86_unmap(&l.modules[i]);
	return err;
}
