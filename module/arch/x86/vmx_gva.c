// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's view of its own memory: guest-linear to guest-physical
 * through the guest's page tables (SDM Vol. 3A, 4 "Paging"), used to fetch
 * an instruction that faulted on MMIO and to move string I/O data.
 *
 * Only translation is done, not permission checks: the guest has just
 * executed the access, so its own paging already allowed it.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

#define PTE_PRESENT	BIT_ULL(0)
#define PTE_LARGE	BIT_ULL(7)
#define PTE_ADDR_MASK	GENMASK_ULL(51, 12)

/* RAM the guest never touched reads as zeros, as it would for the guest. */
static int vmx_read_gpa(struct hv_vcpu *vcpu, u64 gpa, void *buf,
			unsigned int len)
{
	return hv_vcpu_read_gpa(vcpu, gpa, buf, len) ? -EFAULT : 0;
}

/* One level of a walk: the entry for @gva in the table at @table_gpa. */
static int vmx_walk_level(struct hv_vcpu *vcpu, u64 table_gpa, u64 gva,
			  int shift, bool pae, u64 *entry)
{
	unsigned int bits = pae ? 9 : 10, size = pae ? 8 : 4;
	u64 index = (gva >> shift) & ((1U << bits) - 1);

	*entry = 0;
	if (vmx_read_gpa(vcpu, table_gpa + index * size, entry, size))
		return -EFAULT;
	return (*entry & PTE_PRESENT) ? 0 : -EFAULT;
}

static int vmx_gva_to_gpa(struct hv_vcpu *vcpu, u64 gva, u64 *gpa)
{
	unsigned long cr0 = vmcs_readl(GUEST_CR0), cr4 = vmcs_readl(GUEST_CR4);
	bool lma = vmcs_read64(GUEST_IA32_EFER) & EFER_LMA;
	bool pae = cr4 & X86_CR4_PAE;
	u64 table = vmcs_readl(GUEST_CR3), entry;
	int levels, shift, err;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = lma ? gva : (u32)gva;
		return 0;
	}
	if (lma) {
		levels = (cr4 & X86_CR4_LA57) ? 5 : 4;
	} else if (pae) {
		/* the four PDPTEs are in the VMCS while EPT is on (SDM 29.3.3) */
		entry = vmcs_read64(GUEST_PDPTR0 + 2 * ((gva >> 30) & 3));
		if (!(entry & PTE_PRESENT))
			return -EFAULT;
		table = entry;
		levels = 2;
	} else {
		levels = 2;
		gva = (u32)gva;
	}

	shift = pae ? 12 + 9 * (levels - 1) : 22;
	for (; levels > 0; levels--, shift -= pae ? 9 : 10) {
		err = vmx_walk_level(vcpu, table & PTE_ADDR_MASK, gva, shift,
				     pae, &entry);
		if (err)
			return err;
		if (levels > 1 && (entry & PTE_LARGE)) {
			u64 mask = (1ULL << shift) - 1;

			/* a 4 MiB page without PAE keeps bits 20:13 high (PSE-36) */
			*gpa = ((entry & PTE_ADDR_MASK & ~mask) |
				(pae ? 0 : (entry & GENMASK_ULL(20, 13)) << 19)) |
			       (gva & mask);
			return 0;
		}
		table = entry;
	}
	*gpa = (entry & PTE_ADDR_MASK) | (gva & ~PAGE_MASK);
	return 0;
}

/**
 * vmx_read_guest_virt() - copy guest memory at a linear address.
 * @vcpu: the vCPU, VMCS loaded.
 * @gva: guest-linear address.
 * @buf: destination.
 * @len: bytes; may cross pages.
 *
 * Called in the exit path, preemption disabled (hv_vcpu_read_gpa()).
 * RAM the guest never touched reads as zeros.
 *
 * Return: the number of bytes copied (less than @len when a page is not
 * mapped or not RAM), or -EFAULT when not even the first byte is.
 */
int vmx_read_guest_virt(struct hv_vcpu *vcpu, u64 gva, void *buf,
			unsigned int len)
{
	unsigned int done = 0;
	u64 gpa;

	while (done < len) {
		unsigned int n = min_t(unsigned int, len - done,
				       PAGE_SIZE - offset_in_page(gva + done));

		if (vmx_gva_to_gpa(vcpu, gva + done, &gpa) ||
		    vmx_read_gpa(vcpu, gpa, buf + done, n))
			break;
		done += n;
	}
	return done ? done : -EFAULT;
}

/**
 * vmx_guest_virt_gfn() - the guest frame behind a linear address.
 * @vcpu: the vCPU, VMCS loaded.
 * @gva: guest-linear address.
 * @gfn: receives the frame.
 *
 * Return: 0, or -EFAULT when the guest's paging does not map @gva.
 */
int vmx_guest_virt_gfn(struct hv_vcpu *vcpu, u64 gva, u64 *gfn)
{
	u64 gpa;

	if (vmx_gva_to_gpa(vcpu, gva, &gpa))
		return -EFAULT;
	*gfn = gpa >> PAGE_SHIFT;
	return 0;
}

/**
 * vmx_write_guest_virt() - copy into guest memory at a linear address.
 * @vcpu: the vCPU, VMCS loaded.
 * @gva: guest-linear address.
 * @buf: source.
 * @len: bytes, within one page.
 *
 * Return: 0, or -EFAULT when the page is not mapped RAM.
 */
int vmx_write_guest_virt(struct hv_vcpu *vcpu, u64 gva, const void *buf,
			 unsigned int len)
{
	struct page *page;
	u32 flags;
	u64 gpa;

	if (vmx_gva_to_gpa(vcpu, gva, &gpa))
		return -EFAULT;
	page = hv_vcpu_gfn_page(vcpu, gpa >> PAGE_SHIFT, &flags);
	if (IS_ERR_OR_NULL(page) || (flags & HV_MEM_READONLY))
		return -EFAULT;
	memcpy_to_page(page, offset_in_page(gpa), buf, len);
	return 0;
}
