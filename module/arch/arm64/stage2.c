// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 translation (ARM ARM D8, "The AArch64 Virtual Memory System
 * Architecture"): 4 KiB tables map guest-physical pages to host pages, one
 * page at a time and only on demand. A guest access to an unmapped page is
 * a stage-2 fault that either maps a RAM page here or becomes an MMIO exit
 * (el2_mmio.c).
 *
 * RAM is mapped Normal write-back inner shareable. With FEAT_S2FWB stage 2
 * forces write-back whatever the guest's stage 1 says; without it a page is
 * cleaned to the point of coherency when mapped, so a guest running with
 * its MMU off (non-cacheable accesses) sees what the VMM wrote. MMIO is
 * never mapped, so every access exits. Table pages come from a small
 * per-vCPU cache filled where sleeping is allowed: faults are handled with
 * preemption disabled.
 *
 * Each VM has a VMID; VMIDs are not recycled while a VM lives, so at most
 * 2^vmid_bits - 1 VMs exist at once (HV_CREATE_VM fails with ENOSPC past
 * that). A VMID's TLB entries are invalidated when it is freed.
 */
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <asm/cacheflush.h>
#include <asm/kvm_arm.h>
#include <asm/memory.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_pgtable.h"
#include "el2.h"
#include "el2_sysreg.h"

/* Stage-2 descriptor bits (ARM ARM D8.3, "Translation table descriptor formats") */
#define S2_VALID		BIT_ULL(0)
#define S2_TABLE		BIT_ULL(1)	/* table (levels 0-2) or page (level 3) */
#define S2_MEMATTR_SHIFT	2
#define S2_AP_R			BIT_ULL(6)
#define S2_AP_W			BIT_ULL(7)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			BIT_ULL(10)
#define S2_ADDR_MASK		GENMASK_ULL(47, 12)

static const struct hv_pgtable_fmt s2_fmt = {
	.valid = S2_VALID,
	.table = S2_TABLE | S2_VALID,
	.addr_mask = S2_ADDR_MASK,
};

static DEFINE_IDA(el2_vmids);

/* Levels from the starting level down to level 3, the pages. */
static unsigned int s2_depth(void)
{
	return 4 - el2_config.start_level;
}

static u64 s2_ram_attrs(bool writable)
{
	u64 memattr = el2_config.fwb ? MT_S2_FWB_NORMAL : MT_S2_NORMAL;

	return S2_VALID | S2_TABLE | memattr << S2_MEMATTR_SHIFT | S2_AP_R |
	       (writable ? S2_AP_W : 0) | S2_SH_INNER | S2_AF;
}

int s2_init(struct hv_vm *vm)
{
	struct hv_arch_vm *avm = &vm->arch;
	int vmid;

	vmid = ida_alloc_range(&el2_vmids, 1, BIT(el2_config.vmid_bits) - 1,
			       GFP_KERNEL);
	if (vmid < 0)
		return vmid == -ENOSPC ? -ENOSPC : vmid;
	avm->s2_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!avm->s2_root) {
		ida_free(&el2_vmids, vmid);
		return -ENOMEM;
	}
	avm->vmid = vmid;
	spin_lock_init(&avm->s2_lock);
	/* ARM ARM D19.2.160 VTTBR_EL2: BADDR, VMID in bits 63:48 (or 55:48) */
	avm->vttbr = __pa(avm->s2_root) | (u64)vmid << 48;
	return 0;
}

/* Frees the tables and the VMID; guest pages belong to hv_mem. */
void s2_destroy(struct hv_vm *vm)
{
	struct hv_arch_vm *avm = &vm->arch;

	if (!avm->s2_root)
		return;
	/* the next VM with this VMID must not hit our translations */
	s2_flush_vmid(vm);
	hv_pgtable_free(avm->s2_root, s2_depth(), &s2_fmt);
	ida_free(&el2_vmids, avm->vmid);
	avm->s2_root = NULL;
}

/* Make a page the guest may fetch or read uncached hold what was written. */
static void s2_sync_page(struct page *page)
{
	void *va = page_address(page);

	if (!el2_config.fwb)
		el2_dcache_clean_inval_poc(va, PAGE_SIZE);
	caches_clean_inval_pou((unsigned long)va, (unsigned long)va + PAGE_SIZE);
}

/*
 * hv_arch_mem_map() (hv_arch.h): needs at most 3 cached pages. A new entry
 * replaces only an invalid one, so no TLB maintenance is needed (ARM ARM
 * D8.16.1, "Using break-before-make when updating translation table
 * entries").
 */
int hv_arch_mem_map(struct hv_vcpu *vcpu, u64 gfn, struct page *page,
		    bool writable, unsigned long generation)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	u64 *leaf;
	int ret = 0;

	s2_sync_page(page);
	spin_lock(&avm->s2_lock);
	if (READ_ONCE(vcpu->vm->mem_generation) != generation) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	leaf = hv_pgtable_leaf(avm->s2_root, s2_depth(), &s2_fmt, gfn,
			       &vcpu->table_cache);
	/* the new tables complete before the page is mapped */
	dsb(ishst);
	WRITE_ONCE(*leaf, page_to_phys(page) | s2_ram_attrs(writable));
	dsb(ishst);
out_unlock:
	spin_unlock(&avm->s2_lock);
	return ret;
}

/**
 * s2_flush_vmid() - invalidate every TLB entry of the VM on every CPU.
 * @vm: the VM.
 *
 * TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2 and on the EL1&0 regime,
 * which with VHE is in effect only while HCR_EL2.TGE is 0: both are set
 * for the duration, with IRQs off so that no host code runs in between.
 * VTCR_EL2 is ours too: with 16-bit VMIDs, VTCR_EL2.VS = 0 (a CPU that
 * has not run a guest yet may still have its boot value) would make the
 * TLBI use VMID[7:0] only (ARM ARM D19.2.160), invalidating another VM's
 * entries and leaving this one's.
 */
void s2_flush_vmid(struct hv_vm *vm)
{
	unsigned long flags;
	u64 hcr, vttbr, vtcr;

	local_irq_save(flags);
	hcr = read_sysreg(hcr_el2);
	vttbr = read_sysreg(vttbr_el2);
	vtcr = read_sysreg(vtcr_el2);
	write_sysreg(el2_config.vtcr, vtcr_el2);
	write_sysreg(vm->arch.vttbr, vttbr_el2);
	write_sysreg(hcr & ~HCR_TGE, hcr_el2);
	isb();
	el2_tlbi_vmalls12e1is();
	write_sysreg(hcr, hcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	write_sysreg(vtcr, vtcr_el2);
	isb();
	local_irq_restore(flags);
}

void hv_arch_mem_unmap(struct hv_vm *vm, u64 gfn, u64 npages)
{
	lockdep_assert_held(&vm->lock);
	spin_lock(&vm->arch.s2_lock);
	/* a fault that looked the frame up before now must not map it */
	WRITE_ONCE(vm->mem_generation, vm->mem_generation + 1);
	hv_pgtable_clear(vm->arch.s2_root, s2_depth(), &s2_fmt, gfn,
			 gfn + npages - 1);
	spin_unlock(&vm->arch.s2_lock);
	/* break before make: no CPU may use the old entries after this */
	s2_flush_vmid(vm);
}
