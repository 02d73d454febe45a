// SPDX-License-Identifier: GPL-2.0
/*
 * The hvctl VMM's image loader, the same for every arch: a flat binary
 * goes to its load address (--load, default 0x1000), an ELF64 file to the
 * physical addresses of its PT_LOAD segments, and either must fit in the
 * guest's RAM, [vmm->ram_base, vmm->ram_base + def->memory): 0 on x86; on
 * arm64 0, or QEMU virt's 0x40000000 for an image linked there (vmm_arm64.c).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "vmm.h"

void *hvctl_vmm_ram(struct hvctl_vmm *vmm, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - vmm->ram_base;

	if (gpa < vmm->ram_base || off > vmm->def->memory ||
	    len > vmm->def->memory - off)
		return NULL;
	return vmm->mem + off;
}

static int hvctl_vmm_copy(struct hvctl_vmm *vmm, uint64_t gpa,
			  const void *src, uint64_t len, uint64_t memsz)
{
	uint8_t *dst = hvctl_vmm_ram(vmm, gpa, memsz);

	if (!dst || len > memsz) {
		hvctl_vmm_log(vmm, "the image does not fit in the guest's %llu bytes of RAM at 0x%llx",
			      (unsigned long long)vmm->def->memory,
			      (unsigned long long)vmm->ram_base);
		return -1;
	}
	memcpy(dst, src, len);
	return 0;
}

int hvctl_image_base(struct hvctl_vmm *vmm, uint64_t *base)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	ssize_t n;
	int fd, i;

	*base = vmm->def->load ? vmm->def->load : 0x1000;
	fd = open(vmm->def->image, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		hvctl_err("image %s: %s", vmm->def->image, strerror(errno));
		return -1;
	}
	n = pread(fd, &eh, sizeof(eh), 0);
	if (n != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		goto out;	/* flat, or an ELF file hvctl_vmm_load() refuses */
	*base = UINT64_MAX;
	for (i = 0; i < eh.e_phnum; i++) {
		n = pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph));
		if (n != sizeof(ph))
			break;
		if (ph.p_type == PT_LOAD && ph.p_paddr < *base)
			*base = ph.p_paddr;
	}
	if (*base == UINT64_MAX)
		*base = 0;
out:
	close(fd);
	return 0;
}

int hvctl_vmm_load(struct hvctl_vmm *vmm, uint64_t *entry)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	struct stat st;
	uint8_t *img;
	int fd, i, err = -1;

	fd = open(vmm->def->image, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		hvctl_vmm_log(vmm, "image %s: %s", vmm->def->image,
			      strerror(errno));
		return -1;
	}
	img = st.st_size ? mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
			 : MAP_FAILED;
	close(fd);
	if (img == MAP_FAILED) {
		hvctl_vmm_log(vmm, "image %s: empty or unreadable",
			      vmm->def->image);
		return -1;
	}
	eh = (const Elf64_Ehdr *)img;
	if ((size_t)st.st_size < sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
		uint64_t load = vmm->def->load ? vmm->def->load : 0x1000;

		*entry = vmm->def->entry ? vmm->def->entry : load;
		err = hvctl_vmm_copy(vmm, load, img, st.st_size, st.st_size);
		goto out_unmap;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff > (uint64_t)st.st_size ||
	    eh->e_phnum > ((uint64_t)st.st_size - eh->e_phoff) / sizeof(*ph)) {
		hvctl_vmm_log(vmm, "image %s: not an ELF64 file hvctl can load",
			      vmm->def->image);
		goto out_unmap;
	}
	ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset > (uint64_t)st.st_size ||
		    ph[i].p_filesz > (uint64_t)st.st_size - ph[i].p_offset ||
		    hvctl_vmm_copy(vmm, ph[i].p_paddr, img + ph[i].p_offset,
				   ph[i].p_filesz, ph[i].p_memsz))
			goto out_unmap;
	}
	*entry = vmm->def->entry ? vmm->def->entry : eh->e_entry;
	err = 0;
out_unmap:
	munmap(img, st.st_size);
	return err;
}
