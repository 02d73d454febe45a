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
#include "ept.h"
#include "vmx_ops.h"

#define EPT_LEVELS		4
#define EPT_ENTRIES		512
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)
#define EPT_TABLE		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
				 VMX_EPT_EXECUTABLE_MASK)
#define EPT_RAM_MEMTYPE		((u64)MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT | \
				 VMX_EPT_IPAT_BIT)

static unsigned int ept_index(u64 gfn, int level)
{
	return (gfn >> (9 * (level - 1))) & (EPT_ENTRIES - 1);
}

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

static void ept_free_table(u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < EPT_ENTRIES; i++)
			if (table[i] & EPT_TABLE)
				ept_free_table(__va(table[i] & EPT_ADDR_MASK),
					       level - 1);
	}
	free_page((unsigned long)table);
}

/* Frees the tables only: guest pages belong to hv_mem. */
void ept_destroy(struct hv_vm *vm)
{
	if (vm->arch.ept_root)
		ept_free_table(vm->arch.ept_root, EPT_LEVELS);
}

/*
 * The last-level table that maps @gfn, made from @vcpu's page cache where
 * missing (at most EPT_LEVELS - 1 pages). ept_lock held.
 */
static u64 *ept_leaf_table(struct hv_vcpu *vcpu, u64 gfn)
{
	u64 *table = vcpu->vm->arch.ept_root;
	int level;

	for (level = EPT_LEVELS; level > 1; level--) {
		u64 *entry = &table[ept_index(gfn, level)];

		if (!(*entry & EPT_TABLE)) {
			void *next = hv_table_cache_take(&vcpu->table_cache);

			WRITE_ONCE(*entry, __pa(next) | EPT_TABLE);
		}
		table = __va(*entry & EPT_ADDR_MASK);
	}
	return table;
}

/**
 * ept_map() - map one guest frame to a RAM page.
 * @vcpu: the faulting vCPU (its page cache supplies new tables).
 * @gfn: guest frame.
 * @page: the RAM page.
 * @writable: false for ROM.
 * @generation: vm->mem_generation when the frame was looked up.
 *
 * Called with preemption disabled. Needs at most EPT_LEVELS - 1 cached
 * pages, which the run loop guarantees before entry.
 *
 * Return: 0; -EAGAIN when RAM was removed since the lookup (fault again).
 */
int ept_map(struct hv_vcpu *vcpu, u64 gfn, struct page *page, bool writable,
	    unsigned long generation)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	u64 *table;
	int ret = 0;

	spin_lock(&avm->ept_lock);
	if (READ_ONCE(vcpu->vm->mem_generation) != generation) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	table = ept_leaf_table(vcpu, gfn);
	WRITE_ONCE(table[ept_index(gfn, 1)],
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
	u64 *table, old;

	spin_lock(&avm->ept_lock);
	WRITE_ONCE(vm->mem_generation, vm->mem_generation + 1);
	table = ept_leaf_table(vcpu, gfn);
	old = table[ept_index(gfn, 1)];
	WRITE_ONCE(table[ept_index(gfn, 1)],
		   page_to_phys(page) | EPT_RAM_MEMTYPE | EPT_TABLE);
	spin_unlock(&avm->ept_lock);
	/* another CPU may still hold the RAM page's translation */
	if (old & EPT_TABLE)
		on_each_cpu(ept_flush_ipi, &avm->eptp, 1);
}

static void ept_clear_range(u64 *table, int level, u64 base, u64 first,
			    u64 last)
{
	u64 span = 1ULL << (9 * (level - 1));
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 start = base + i * span, end = start + span - 1;

		if (end < first || start > last || !(table[i] & EPT_TABLE))
			continue;
		if (level == 1)
			WRITE_ONCE(table[i], 0);
		else
			ept_clear_range(__va(table[i] & EPT_ADDR_MASK),
					level - 1, start, first, last);
	}
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
	ept_clear_range(vm->arch.ept_root, EPT_LEVELS, 0, gfn,
			gfn + npages - 1);
	spin_unlock(&vm->arch.ept_lock);
	/* every CPU in VMX operation may cache the VM's translations */
	on_each_cpu(ept_flush_ipi, &vm->arch.eptp, 1);
}
