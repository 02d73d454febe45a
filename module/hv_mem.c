// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: regions (slots), pages allocated on first touch, and the
 * VMM's view of them through mmap of the VM file.
 *
 * A page is allocated the first time either the guest (through a stage-2
 * fault) or the VMM (through its mapping) touches it, with __GFP_ACCOUNT so
 * that it is charged to the memory cgroup of the task that touched it:
 * the VMM's vCPU thread or the VMM itself, never the host at large. Going
 * over the cgroup's limit (or running out of memory) fails the allocation
 * (__GFP_RETRY_MAYFAIL): the VMM gets SIGBUS or HV_RUN -ENOMEM, and no
 * task is OOM-killed for guest RAM, which appears in no task's RSS.
 *
 * Removal against allocation: a page is inserted into vm->pages only
 * under the xarray's lock and in an RCU section that sees its slot in the
 * current table. Removal publishes the new table and waits in
 * synchronize_rcu() before it frees the range, so a racing insertion is
 * either refused or done before the range is freed: no page outlives its
 * region.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "hv_arch.h"
#include "hv_compat.h"
#include "hv_core.h"
#include "hv_ioctl.h"
#include "hv_registry.h"

int hv_mem_init(struct hv_vm *vm)
{
	struct hv_memslots *slots;

	slots = kzalloc(sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!slots)
		return -ENOMEM;
	RCU_INIT_POINTER(vm->memslots, slots);
	xa_init(&vm->pages);
	return 0;
}

static void hv_mem_free_range(struct hv_vm *vm, u64 first, u64 last)
{
	struct page *page;
	unsigned long gfn;

	xa_for_each_range(&vm->pages, gfn, page, first, last) {
		xa_erase(&vm->pages, gfn);
		put_page(page);
		atomic_long_dec(&vm->nr_pages);
	}
}

/* Guest RAM allocations: see the top of this file. */
#define HV_MEM_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* Called when the VM goes: nothing can look at its memory any more. */
void hv_mem_destroy(struct hv_vm *vm)
{
	hv_mem_free_range(vm, 0, ULONG_MAX);
	xa_destroy(&vm->pages);
	kfree(rcu_dereference_protected(vm->memslots, true));
}

static const struct hv_memslot *hv_slot_find(const struct hv_memslots *slots,
					     u64 gfn)
{
	u32 i;

	for (i = 0; i < slots->nr_used; i++) {
		const struct hv_memslot *s = &slots->slot[slots->used[i]];

		if (gfn - s->gfn < s->npages)
			return s;
	}
	return NULL;
}

/* Rebuilds the list of used slots after a change. */
static void hv_slots_index(struct hv_memslots *slots)
{
	u32 i;

	slots->nr_used = 0;
	for (i = 0; i < HV_MAX_MEM_REGIONS; i++)
		if (slots->slot[i].npages)
			slots->used[slots->nr_used++] = i;
}

static bool hv_slot_overlaps(const struct hv_memslots *slots, u64 gfn,
			     u64 npages)
{
	int i;

	for (i = 0; i < HV_MAX_MEM_REGIONS; i++) {
		const struct hv_memslot *s = &slots->slot[i];

		if (s->npages && gfn < s->gfn + s->npages &&
		    s->gfn < gfn + npages)
			return true;
	}
	return false;
}

/* Pages of RAM in every region but @skip: the total the VM's size limits. */
static u64 hv_mem_total_pages(const struct hv_memslots *slots, u32 skip)
{
	u64 total = 0;
	int i;

	for (i = 0; i < HV_MAX_MEM_REGIONS; i++)
		if (i != skip)
			total += slots->slot[i].npages;
	return total;
}

static int hv_mem_check_region(const struct hv_vm *vm,
			       const struct hv_memslots *old,
			       const struct hv_mem_region *r)
{
	u64 mem_size = vm->reg ? vm->reg->mem_size : 0;
	u64 max_gpa = 1ULL << hv_arch_check_cap(HV_CAP_GPA_BITS);
	u32 slot;

	if (r->slot >= HV_MAX_MEM_REGIONS || r->flags & ~HV_MEM_READONLY ||
	    !hv_is_zero(r->reserved, sizeof(r->reserved)))
		return -EINVAL;
	/* the slot comes from user space: no speculation past the check */
	slot = array_index_nospec(r->slot, HV_MAX_MEM_REGIONS);
	if (!r->size)
		return old->slot[slot].npages ? 0 : -ENOENT;
	if (!PAGE_ALIGNED(r->guest_phys_addr) || !PAGE_ALIGNED(r->size) ||
	    r->size > max_gpa || r->guest_phys_addr > max_gpa - r->size)
		return -EINVAL;
	if (old->slot[slot].npages ||
	    hv_slot_overlaps(old, r->guest_phys_addr >> PAGE_SHIFT,
			     r->size >> PAGE_SHIFT))
		return -EEXIST;
	/* the definition's memory size bounds all regions together */
	if (mem_size && (r->size >> PAGE_SHIFT) >
	    (mem_size >> PAGE_SHIFT) - hv_mem_total_pages(old, slot))
		return -ENOSPC;
	return 0;
}

/**
 * hv_mem_set_region() - HV_SET_MEM_REGION: add or remove a RAM region.
 * @vm: the VM. Called with vm->lock held.
 * @r: the user's argument.
 *
 * Return: 0; -EINVAL for a bad slot, flag, reserved field, alignment or
 * range; -EEXIST when the slot is in use or the range overlaps another
 * region; -ENOSPC when the regions would exceed the VM's memory size;
 * -ENOENT when removing an unused slot; -ENOMEM.
 */
int hv_mem_set_region(struct hv_vm *vm, const struct hv_mem_region *r)
{
	struct hv_memslots *old, *new;
	struct hv_memslot removed;
	u32 slot;
	int err;

	lockdep_assert_held(&vm->lock);
	old = rcu_dereference_protected(vm->memslots,
					lockdep_is_held(&vm->lock));
	err = hv_mem_check_region(vm, old, r);
	if (err)
		return err;
	slot = array_index_nospec(r->slot, HV_MAX_MEM_REGIONS);

	new = kmemdup(old, sizeof(*old), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	removed = old->slot[slot];
	new->slot[slot] = (struct hv_memslot) {
		.gfn = r->guest_phys_addr >> PAGE_SHIFT,
		.npages = r->size >> PAGE_SHIFT,
		.flags = r->flags,
	};
	new->generation = old->generation + 1;
	hv_slots_index(new);
	rcu_assign_pointer(vm->memslots, new);
	kfree_rcu(old, rcu);
	if (r->size)
		return 0;

	/*
	 * Removal: once no reader can see the old table, take the pages out
	 * of stage-2 (which stops faults that raced with us from mapping
	 * them) and free them. A VMM mapping keeps its own page references.
	 * Nothing can insert a page into the range any more
	 * (hv_mem_alloc_page()).
	 */
	synchronize_rcu();
	hv_arch_mem_unmap(vm, removed.gfn, removed.npages);
	hv_mem_free_range(vm, removed.gfn, removed.gfn + removed.npages - 1);
	return 0;
}

/**
 * hv_mem_lookup() - the RAM page at @gfn if it is allocated. Does not sleep.
 * @vm: the VM.
 * @gfn: guest frame number.
 * @flags: set to the slot's HV_MEM_* flags when @gfn is RAM.
 *
 * The page takes no reference: the caller runs with preemption disabled
 * (an exit path), which keeps removal from freeing it meanwhile (removal
 * frees pages after synchronize_rcu()). Elsewhere use hv_mem_get_ref().
 *
 * Return: the page; NULL when @gfn is RAM without a page yet;
 * ERR_PTR(-ENOENT) when @gfn is not RAM (MMIO).
 */
struct page *hv_mem_lookup(struct hv_vm *vm, u64 gfn, u32 *flags)
{
	const struct hv_memslot *slot;
	struct page *page = ERR_PTR(-ENOENT);

	rcu_read_lock();
	slot = hv_slot_find(rcu_dereference(vm->memslots), gfn);
	if (slot) {
		*flags = slot->flags;
		page = xa_load(&vm->pages, gfn);
	}
	rcu_read_unlock();
	return page;
}

/*
 * The page at @gfn with a reference for the caller, when @gfn is RAM and
 * has one: slot, page and reference in one RCU section, so that removal,
 * which frees the page after synchronize_rcu(), cannot free it between
 * the lookup and the reference. NULL or ERR_PTR(-ENOENT) as
 * hv_mem_lookup().
 */
static struct page *hv_mem_get_ref(struct hv_vm *vm, u64 gfn)
{
	struct page *page = ERR_PTR(-ENOENT);

	rcu_read_lock();
	if (hv_slot_find(rcu_dereference(vm->memslots), gfn)) {
		page = xa_load(&vm->pages, gfn);
		/* a page going away belongs to a region going away */
		if (page && !folio_try_get(page_folio(page)))
			page = ERR_PTR(-ENOENT);
	}
	rcu_read_unlock();
	return page;
}

/**
 * hv_vcpu_gfn_page() - hv_mem_lookup() through the vCPU's cache.
 * @vcpu: the vCPU, in its exit path.
 * @gfn: guest frame number.
 * @flags: set to the slot's HV_MEM_* flags when @gfn is RAM.
 *
 * Called with preemption disabled, and the page may only be used until
 * preemption is enabled again: removing RAM publishes a new slot table
 * (a new generation, which empties every cache) and then waits in
 * synchronize_rcu() for sections like this one before it frees pages.
 *
 * Return: as hv_mem_lookup().
 */
struct page *hv_vcpu_gfn_page(struct hv_vcpu *vcpu, u64 gfn, u32 *flags)
{
	const struct hv_memslots *slots;
	struct hv_gfn_cache *c = &vcpu->gfn_cache;
	struct hv_gfn_cache_entry *e;
	struct page *page;

	lockdep_assert_preemption_disabled();
	slots = rcu_dereference_sched(vcpu->vm->memslots);
	if (unlikely(c->generation != slots->generation)) {
		memset(c->e, 0, sizeof(c->e));
		c->generation = slots->generation;
	}
	e = &c->e[gfn % HV_GFN_CACHE_SIZE];
	if (e->page && e->gfn == gfn) {
		*flags = e->flags;
		return e->page;
	}
	page = hv_mem_lookup(vcpu->vm, gfn, flags);
	/* only allocated RAM: a miss or MMIO must be looked up again */
	if (!IS_ERR_OR_NULL(page))
		*e = (struct hv_gfn_cache_entry){ gfn, page, *flags };
	return page;
}

/*
 * Inserts @page at @gfn unless the slot is gone or another page is there.
 * Returns @page, the page already there, or an ERR_PTR (-ENOENT: removed,
 * -ENOMEM), with a reference for the caller when @ref. See the top of the
 * file for why the slot is checked under the lock.
 */
static struct page *hv_mem_insert(struct hv_vm *vm, u64 gfn,
				  struct page *page, gfp_t gfp, bool ref)
{
	XA_STATE(xas, &vm->pages, gfn);
	struct page *cur;

	do {
		xas_lock(&xas);
		rcu_read_lock();
		if (hv_slot_find(rcu_dereference(vm->memslots), gfn)) {
			cur = xas_load(&xas);
			if (!cur)
				xas_store(&xas, page);
			if (!xas_error(&xas)) {
				cur = cur ?: page;
				if (ref)
					get_page(cur);
			}
		} else {
			cur = ERR_PTR(-ENOENT);
		}
		rcu_read_unlock();
		xas_unlock(&xas);
	} while (xas_nomem(&xas, gfp));
	if (xas_error(&xas))
		return ERR_PTR(xas_error(&xas));
	return cur;
}

/*
 * hv_mem_get_page() with the allocations' flags, and a reference for the
 * caller when @ref.
 */
static struct page *hv_mem_alloc_page(struct hv_vm *vm, u64 gfn, gfp_t gfp,
				      bool ref)
{
	u64 quota = vm->reg ? READ_ONCE(vm->reg->mem_quota) >> PAGE_SHIFT : 0;
	struct page *page, *cur;
	u32 flags;

	page = ref ? hv_mem_get_ref(vm, gfn) : hv_mem_lookup(vm, gfn, &flags);
	if (page)
		return page;

	if (atomic_long_inc_return(&vm->nr_pages) > quota && quota) {
		page = ERR_PTR(-EDQUOT);
		goto err_uncount;
	}
	page = alloc_page(gfp | __GFP_ZERO);
	if (!page) {
		page = ERR_PTR(-ENOMEM);
		goto err_uncount;
	}
	cur = hv_mem_insert(vm, gfn, page, gfp, ref);
	if (cur != page) {
		/* removed meanwhile, no memory, or another touch won */
		__free_page(page);
		page = cur;
		goto err_uncount;
	}
	return page;

err_uncount:
	atomic_long_dec(&vm->nr_pages);
	return page;
}

/**
 * hv_mem_get_page() - the RAM page at @gfn, allocated (zeroed) if needed.
 * @vm: the VM.
 * @gfn: guest frame number.
 *
 * May sleep. Two racing first touches agree on one page. A new page is
 * counted against the VM's memory quota before it is allocated, so the
 * VM never holds more than its quota, even for a moment.
 *
 * Return: the page (the VM holds its reference; the caller must not use it
 * after it may sleep); ERR_PTR(-ENOENT) when @gfn is not RAM,
 * ERR_PTR(-EDQUOT) when the memory quota is used up, ERR_PTR(-ENOMEM) (no
 * memory, or the memory cgroup's limit).
 */
struct page *hv_mem_get_page(struct hv_vm *vm, u64 gfn)
{
	return hv_mem_alloc_page(vm, gfn, HV_MEM_GFP, false);
}

/**
 * hv_vcpu_first_touch() - the page for a stage-2 fault on RAM that has
 * none yet, allocated right in the exit path when that needs no sleep.
 * @vcpu: the vCPU, in its exit path (preemption disabled).
 * @gfn: guest frame number.
 *
 * Saves the trip out of the inner loop and a second fault per page.
 *
 * Return: the page; NULL when the run loop must allocate it where sleeping
 * is allowed (or report the memory quota): hv_vcpu_need_page() is armed.
 */
struct page *hv_vcpu_first_touch(struct hv_vcpu *vcpu, u64 gfn)
{
	struct page *page = hv_mem_alloc_page(vcpu->vm, gfn,
					      GFP_NOWAIT | __GFP_ACCOUNT |
					      __GFP_NOWARN, false);

	if (!IS_ERR(page))
		return page;
	hv_vcpu_need_page(vcpu, gfn);
	return NULL;
}

/*
 * Copies guest RAM at @gpa without sleeping, through @vcpu's cache when
 * there is a vCPU. RAM never touched reads as zeros (which is what the
 * guest would see). 0, or -ENOENT when part of the range is not RAM.
 */
static int hv_mem_copy_from(struct hv_vm *vm, struct hv_vcpu *vcpu, u64 gpa,
			    void *buf, unsigned int len)
{
	while (len) {
		unsigned int off = offset_in_page(gpa);
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - off);
		u64 gfn = gpa >> PAGE_SHIFT;
		struct page *page;
		u32 flags;

		page = vcpu ? hv_vcpu_gfn_page(vcpu, gfn, &flags) :
			      hv_mem_lookup(vm, gfn, &flags);
		if (IS_ERR(page))
			return PTR_ERR(page);
		if (page)
			memcpy_from_page(buf, page, off, n);
		else
			memset(buf, 0, n);
		buf += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/**
 * hv_mem_read_atomic() - copy guest RAM at @gpa into @buf without sleeping.
 * @vm: the VM.
 * @gpa: guest-physical address.
 * @buf: destination.
 * @len: bytes, may cross pages.
 *
 * RAM never touched reads as zeros (which is what the guest would see).
 *
 * Return: 0, or -ENOENT when part of the range is not RAM.
 */
int hv_mem_read_atomic(struct hv_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return hv_mem_copy_from(vm, NULL, gpa, buf, len);
}

/**
 * hv_vcpu_read_gpa() - hv_mem_read_atomic() through the vCPU's cache.
 * @vcpu: the vCPU, in its exit path (preemption disabled).
 * @gpa: guest-physical address.
 * @buf: destination.
 * @len: bytes, may cross pages.
 *
 * Return: 0, or -ENOENT when part of the range is not RAM.
 */
int hv_vcpu_read_gpa(struct hv_vcpu *vcpu, u64 gpa, void *buf,
		     unsigned int len)
{
	return hv_mem_copy_from(vcpu->vm, vcpu, gpa, buf, len);
}

static vm_fault_t hv_mem_fault(struct vm_fault *vmf)
{
	struct hv_vm *vm = vmf->vma->vm_file->private_data;
	struct page *page;

	/*
	 * vm_pgoff is the guest frame: the mmap offset is a guest address.
	 * The page comes with the mapping's reference, taken where removal
	 * cannot free it first.
	 */
	page = hv_mem_alloc_page(vm, vmf->pgoff, HV_MEM_GFP, true);
	if (IS_ERR(page)) {
		if (PTR_ERR(page) == -EDQUOT && vm->reg)
			hv_registry_quota_hit(vm->reg, HV_QUOTA_MEMORY);
		/*
		 * Over the quota or the memory cgroup's limit, or removed RAM:
		 * SIGBUS. Not VM_FAULT_OOM: no OOM kill was tried
		 * (__GFP_RETRY_MAYFAIL), and the fault would be retried forever.
		 */
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct hv_mem_vm_ops = {
	.fault = hv_mem_fault,
};

/**
 * hv_mem_mmap() - map guest RAM into the VMM; the offset is the guest
 * address, and the range must lie inside one region.
 * @vm: the VM.
 * @vma: the new mapping.
 *
 * Return: 0; -EINVAL for a private mapping or a range that is not RAM.
 */
int hv_mem_mmap(struct hv_vm *vm, struct vm_area_struct *vma)
{
	u64 npages = vma_pages(vma);
	const struct hv_memslot *slot;
	bool inside;

	/* A private (copy-on-write) view would stop seeing guest writes. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	rcu_read_lock();
	slot = hv_slot_find(rcu_dereference(vm->memslots), vma->vm_pgoff);
	inside = slot && vma->vm_pgoff + npages <= slot->gfn + slot->npages;
	rcu_read_unlock();
	if (!inside)
		return -EINVAL;

	hv_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &hv_mem_vm_ops;
	return 0;
}
