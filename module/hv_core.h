/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arch-neutral objects: a VM, its guest memory and its vCPUs.
 *
 * Lifetime: a VM is reference counted; its file holds one reference and
 * every vCPU (whose file holds the vCPU) holds one more, so the VM goes
 * away when its fd and all its vCPU fds are closed.
 */
#ifndef HV_CORE_H
#define HV_CORE_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/hv.h>

#include "arch_types.h"

struct hv_reg_vm;
struct hv_ioeventfd_table;

/* One RAM region, as set with HV_SET_MEM_REGION. */
struct hv_memslot {
	u64 gfn;		/* first guest frame */
	u64 npages;		/* 0: slot unused */
	u32 flags;		/* HV_MEM_* */
};

/*
 * The slot table is immutable once published: writers (under vm->lock)
 * publish a new copy with RCU, so the exit path looks slots up without
 * taking a lock.
 */
struct hv_memslots {
	struct rcu_head rcu;
	u64 generation;		/* one more than the table it replaced */
	u32 nr_used;		/* the slots in use: slot[used[0..nr_used)] */
	u8 used[HV_MAX_MEM_REGIONS];
	struct hv_memslot slot[HV_MAX_MEM_REGIONS];
};

/*
 * A vCPU's cache of guest frame -> RAM page for its exit handlers, which
 * read guest page tables and instructions: without it every byte they
 * read costs a slot search and an xarray walk. Filled from one slot
 * table (its generation); a new table empties it.
 */
#define HV_GFN_CACHE_SIZE	8

struct hv_gfn_cache {
	u64 generation;
	struct hv_gfn_cache_entry {
		u64 gfn;
		struct page *page;	/* NULL: empty */
		u32 flags;
	} e[HV_GFN_CACHE_SIZE];
};

/*
 * Stage-2 table pages for a vCPU's fault handler, which runs where nothing
 * may sleep; refilled before each entry (hv_run.c).
 */
#define HV_TABLE_CACHE_PAGES	4

struct hv_table_cache {
	void *page[HV_TABLE_CACHE_PAGES];
	int nr;
};

struct hv_vm {
	refcount_t refs;
	/*
	 * The registry entry: the definition the VMM attached to, or the
	 * anonymous one HV_CREATE_VM made. Set before user space sees the VM,
	 * held until it is freed; limits and quotas come from it.
	 */
	struct hv_reg_vm *reg;
	u32 max_vcpus;			/* vCPU ids are below it */
	bool irqchip;			/* HV_VM_IRQCHIP: set before arch init */
	unsigned long run_flags;	/* HV_VM_* of hv_registry.h */
	u32 stop_reason;		/* HV_STOP_* the VMM reported, or 0 */
	/* the creator's mm: VM and vCPU ioctls from another process get -EIO */
	struct mm_struct *mm;

	/* serializes HV_SET_MEM_REGION and HV_CREATE_VCPU */
	struct mutex lock;
	struct hv_memslots __rcu *memslots;
	/*
	 * gfn -> struct page * of allocated guest RAM. The pages are the
	 * module's: freed when the VM goes (the VMM's mappings hold their
	 * own references).
	 */
	struct xarray pages;
	atomic_long_t nr_pages;
	/*
	 * Bumped (under the arch's stage-2 lock) when RAM is removed, so that
	 * a fault that looked a slot up before the removal does not map it.
	 */
	unsigned long mem_generation;

	struct hv_vcpu *vcpus[HV_MAX_VCPUS];	/* under lock; NULL = free id */

	/*
	 * ioeventfds and irqfds (hv_ioeventfd.c, hv_irqfd.c): eventfd_lock
	 * serializes HV_IOEVENTFD and HV_IRQFD. The exit path reads the
	 * ioeventfd table under RCU; irqfds is an RCU list.
	 */
	struct mutex eventfd_lock;
	struct hv_ioeventfd_table __rcu *ioeventfds;
	struct list_head irqfds;
	u32 nr_irqfds;
	u32 nr_resamplefds;		/* read without the lock */

	struct hv_arch_vm arch;
};

struct hv_vcpu {
	struct hv_vm *vm;
	u32 id;
	/* serializes the vCPU's ioctls: HV_RUN against register access */
	struct mutex lock;
	struct hv_run *run;	/* one page, shared with user space */
	struct hv_gfn_cache gfn_cache;	/* used by the exit path only */
	struct hv_table_cache table_cache;
	/* a stage-2 fault on RAM without a page: allocated before the entry */
	u64 need_page_gfn;
	bool need_page;
	/* CPU time not yet charged to the VM (hv_run.c) */
	u64 account_stamp;		/* local_clock() at the last exit */
	u64 account_ns;
	u32 account_exits;
	/*
	 * The in-kernel interrupt controller (hv_irq.c): how another thread
	 * makes the vCPU notice a new interrupt. in_guest is set, with
	 * interrupts off, before the arch's last check for pending
	 * interrupts and the entry; task is the thread in HV_RUN.
	 */
	struct task_struct *task;
	bool in_guest;
	wait_queue_head_t halt_wq;	/* HLT/WFI sleeps here */
	/*
	 * The thread of a vCPU this one's IPI or SGI woke and that is ready
	 * to run on this CPU (hv_vcpu_note_ready_here()), referenced: the
	 * inner loop leaves and the run loop yields to it. vCPU thread only.
	 */
	struct task_struct *yield_to;
	struct hv_arch_vcpu arch;
};

/* hv_vm.c */
long hv_vm_create(const struct hv_vm_create *args);
long hv_vm_attach(const struct hv_vm_attach *args);
void hv_vm_put(struct hv_vm *vm);

/* hv_mem.c */
int hv_mem_init(struct hv_vm *vm);
void hv_mem_destroy(struct hv_vm *vm);
int hv_mem_set_region(struct hv_vm *vm, const struct hv_mem_region *region);
int hv_mem_mmap(struct hv_vm *vm, struct vm_area_struct *vma);
struct page *hv_mem_lookup(struct hv_vm *vm, u64 gfn, u32 *flags);
struct page *hv_mem_get_page(struct hv_vm *vm, u64 gfn);
struct page *hv_vcpu_first_touch(struct hv_vcpu *vcpu, u64 gfn);
int hv_mem_read_atomic(struct hv_vm *vm, u64 gpa, void *buf, unsigned int len);
struct page *hv_vcpu_gfn_page(struct hv_vcpu *vcpu, u64 gfn, u32 *flags);
int hv_vcpu_read_gpa(struct hv_vcpu *vcpu, u64 gpa, void *buf,
		     unsigned int len);

/* hv_vcpu.c */
long hv_vcpu_create(struct hv_vm *vm, const struct hv_vcpu_create *args);

/* hv_irq.c: what an in-kernel interrupt controller builds on */
long hv_vm_irq_line(struct hv_vm *vm, const struct hv_irq_level *args);
int hv_vcpu_run_irq_lines(struct hv_vcpu *vcpu);
void hv_vcpu_kick(struct hv_vcpu *vcpu);
void hv_vcpu_note_ready_here(struct hv_vcpu *from, struct hv_vcpu *to);
void hv_vm_kick_all(struct hv_vm *vm);
int hv_vcpu_halt(struct hv_vcpu *vcpu);
struct hv_vcpu *hv_vm_vcpu_rcu(struct hv_vm *vm, u32 id);

/*
 * The arch calls these around the entry: hv_vcpu_guest_mode_enter() with
 * interrupts off, before its last look at pending interrupts (a kick that
 * comes later sends an IPI, which makes the guest exit at once), and
 * hv_vcpu_guest_mode_exit() after the exit.
 */
static inline void hv_vcpu_guest_mode_enter(struct hv_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->in_guest, true);
	/* pairs with the barrier in hv_vcpu_kick() */
	smp_mb();
}

static inline void hv_vcpu_guest_mode_exit(struct hv_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->in_guest, false);
}

/*
 * hv_ioeventfd.c, hv_irqfd.c. hv_vcpu_exit_mmio() (hv_fault.h; MMIO
 * write) and the arch (hv_ioeventfd_pio(), OUT) call them where such an
 * exit would go to user space, the instruction already skipped: 1 resumes
 * the guest (an eventfd took the write), 0 exits as before.
 */
long hv_vm_ioeventfd(struct hv_vm *vm, const struct hv_ioeventfd *args);
int hv_ioeventfd_mmio(struct hv_vcpu *vcpu, u64 gpa, u32 len, u64 value);
int hv_ioeventfd_pio(struct hv_vcpu *vcpu, u16 port, u32 size, u64 value);
void hv_ioeventfd_destroy(struct hv_vm *vm);
long hv_vm_irqfd(struct hv_vm *vm, const struct hv_irqfd *args);
void hv_irqfd_destroy(struct hv_vm *vm);

/* hv_run.c: the run loop, and what the arch calls from its exit path */
int hv_vcpu_run_loop(struct hv_vcpu *vcpu);
void hv_vcpu_account_start(struct hv_vcpu *vcpu);
bool hv_vcpu_account(struct hv_vcpu *vcpu);
void hv_table_cache_free(struct hv_table_cache *c);

/* The fault handler took a table page (the run loop refills the cache). */
static inline void *hv_table_cache_take(struct hv_table_cache *c)
{
	return c->page[--c->nr];
}

/* Too few table pages for a fault that needs a whole new path? */
static inline bool hv_table_cache_short(const struct hv_table_cache *c)
{
	return c->nr < HV_TABLE_CACHE_PAGES - 1;
}

/*
 * A stage-2 fault on RAM that has no page yet: the run loop allocates it,
 * where sleeping is allowed, and the guest faults again.
 */
static inline int hv_vcpu_need_page(struct hv_vcpu *vcpu, u64 gfn)
{
	vcpu->need_page = true;
	vcpu->need_page_gfn = gfn;
	return -EAGAIN;
}

#endif /* HV_CORE_H */
