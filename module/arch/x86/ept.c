// SPDX-License-Identifier: GPL-2.0
/*
 * EPT (SDM Vol. 3C, 29.3 "The Extended Page Table Mechanism"): four levels
 * of 512-entry tables map guest frames to host pages, 4 KiB at a time, and
 * only on demand: a guest access to an unmapped frame is an EPT violation
 * that either maps a RAM page here or becomes an MMIO exit.
 *
 * Guest RAM is mapped write-back with "ignore PAT", so a guest cannot make
 * host memory uncacheable; MMIO is never mapped, so every access exits.
 * Table pages are taken from a small per-vCPU cache filled while sleeping
 * is allowed, because the violation is handled with preemption disabled.
 */
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <asm/mtrr.h>
#include <asm/vmx.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_pgtable.h"
#include "ept.h"
#include "vmx_ops.h"

#define EPT_LEVELS		4
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)
#define EPT_TABLE		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
				 VMX_EPT_EXECUTABLE_MASK)
#define EPT_RAM_MEMTYPE		((u64)MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT | \
				 VMX_EPT_IPAT_BIT)

/* Any of R, W, X makes an entry present (SDM Vol. 3C, 29.3.2). */
static const struct hv_pgtable_fmt ept_fmt = {
	.valid = EPT_TABLE,
	.table = EPT_TABLE,
	.addr_mask = EPT_ADDR_MASK,
};

int ept_init(struct hv_vm *vm)
{
	vm->arch.ept_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->arch.ept_root)
		return -ENOMEM;
	spin_lock_init(&vm->arch.ept_lock);
	/* SDM Vol. 3C, 25.6.11 "Extended-Page-Table Pointer (EPTP)" */
	vm->arch.eptp = __pa(vm->arch.ept_root) | VMX_EPTP_PWL_4 |
			MTRR_TYPE_WRBACK;
	return 0;
}

/* Frees the tables only: guest pages belong to hv_mem. */
void ept_destroy(struct hv_vm *vm)
{
	if (vm->arch.ept_root)
		hv_pgtable_free(vm->arch.ept_root, EPT_LEVELS, &ept_fmt);
}

/* The leaf entry of @gfn, made from @vcpu's page cache. ept_lock held. */
static u64 *ept_leaf(struct hv_vcpu *vcpu, u64 gfn)
{
	return hv_pgtable_leaf(vcpu->vm->arch.ept_root, EPT_LEVELS, &ept_fmt,
			       gfn, &vcpu->table_cache);
}

/*
 * hv_arch_mem_map() (hv_arch.h): needs at most EPT_LEVELS - 1 cached
 * pages. Write-back with "ignore PAT" (the top of the file).
 */
int hv_arch_mem_map(struct hv_vcpu *vcpu, u64 gfn, struct page *page,
		    bool writable, unsigned long generation)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	int ret = 0;

	spin_lock(&avm->ept_lock);
	if (READ_ONCE(vcpu->vm->mem_generation) != generation) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	WRITE_ONCE(*ept_leaf(vcpu, gfn),
		   page_to_phys(page) | EPT_RAM_MEMTYPE |
		   VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK |
		   (writable ? VMX_EPT_WRITABLE_MASK : 0));
out_unlock:
	spin_unlock(&avm->ept_lock);
	return ret;
}

static void ept_flush_ipi(void *eptp)
{
	vmx_invept(VMX_INVEPT_SINGLE, *(u64 *)eptp);
}

/**
 * ept_map_apic_access() - map the VM's APIC-access page at @gfn.
 * @vcpu: the vCPU that wants it (its page cache supplies new tables).
 * @gfn: guest frame: the xAPIC base.
 * @page: the APIC-access page.
 *
 * Readable, writable and executable, write-back: the CPU turns every
 * access through this translation into an APIC access (SDM Vol. 3C, 30.4:
 * a fetch, too, is an APIC-access exit rather than an EPT violation), so
 * the guest never reads or writes the page itself.
 * A RAM page mapped there before is hidden (as the xAPIC hides RAM on
 * hardware) until hv_arch_mem_unmap() of @gfn drops this entry; the
 * generation moves so that a fault which looked RAM up before cannot put
 * it back. Preemption disabled, interrupts on, the cache checked by the
 * caller (hv_table_cache_short()).
 */
void ept_map_apic_access(struct hv_vcpu *vcpu, u64 gfn, struct page *page)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_arch_vm *avm = &vm->arch;
	u64 *leaf, old;

	spin_lock(&avm->ept_lock);
	WRITE_ONCE(vm->mem_generation, vm->mem_generation + 1);
	leaf = ept_leaf(vcpu, gfn);
	old = *leaf;
	WRITE_ONCE(*leaf, page_to_phys(page) | EPT_RAM_MEMTYPE | EPT_TABLE);
	spin_unlock(&avm->ept_lock);
	/* another CPU may still hold the RAM page's translation */
	if (old & EPT_TABLE)
		on_each_cpu(ept_flush_ipi, &avm->eptp, 1);
}

/**
 * ept_invalidate() - drop what every CPU cached under the VM's EPTP.
 * @vm: the VM, about to free its EPT tables; VMX still on (vmx_get()).
 *
 * Guest-physical and combined mappings are tagged with the EPTP (SDM Vol.
 * 3C, 29.4.1 "Information That May Be Cached"), and a freed root page is
 * soon some new VM's root: without this, that VM could use the old VM's
 * translations, to pages that are no longer its own.
 */
void ept_invalidate(struct hv_vm *vm)
{
	/* no CPU half way through coming online (VMXON not done yet) */
	cpus_read_lock();
	on_each_cpu(ept_flush_ipi, &vm->arch.eptp, 1);
	cpus_read_unlock();
}

void hv_arch_mem_unmap(struct hv_vm *vm, u64 gfn, u64 npages)
{
	spin_lock(&vm->arch.ept_lock);
	/* a fault that looked the frame up before now must not map it */
	WRITE_ONCE(vm->mem_generation, vm->mem_generation + 1);
	hv_pgtable_clear(vm->arch.ept_root, EPT_LEVELS, &ept_fmt, gfn,
			 gfn + npages - 1);
	spin_unlock(&vm->arch.ept_lock);
	/* every CPU in VMX operation may cache the VM's translations */
	on_each_cpu(ept_flush_ipi, &vm->arch.eptp, 1);
}
