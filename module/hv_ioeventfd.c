// SPDX-License-Identifier: GPL-2.0
/*
 * ioeventfd (HV_IOEVENTFD): a guest write to a registered MMIO address or
 * x86 port signals an eventfd, and the vCPU goes back into the guest
 * without an exit to user space. A VMM's device thread sleeps on the
 * eventfd (a virtqueue notify) while the vCPU runs on.
 *
 * The lookup runs in the vCPU's exit path, where nothing may sleep or
 * allocate: each VM has an immutable table of registrations sorted by
 * (address, space, length, data match), published with RCU. A write costs
 * an rcu_dereference() when the VM has no ioeventfd, else up to three
 * binary searches (log2(HV_MAX_IOEVENTFDS) = 8 steps each) and, on a hit,
 * eventfd_signal(). Registration copies the table (at most 8 KiB), which
 * is rare: when the VMM sets a device up.
 *
 * At most one registration matches a write (the EEXIST rule below), so a
 * hit never depends on the order of registrations.
 */
#include <linux/eventfd.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "hv_arch.h"
#include "hv_compat.h"
#include "hv_core.h"
#include "hv_ioctl.h"

static_assert(sizeof(struct hv_ioeventfd) == 64);

struct hv_ioeventfd_entry {
	u64 addr;
	u64 datamatch;		/* when match */
	struct eventfd_ctx *ctx;
	u32 len;		/* 0: any length */
	u8 pio;			/* addr is an x86 port */
	u8 match;		/* HV_IOEVENTFD_DATAMATCH */
};

struct hv_ioeventfd_table {
	struct rcu_head rcu;
	u32 nr;
	struct hv_ioeventfd_entry e[];	/* sorted by hv_ioeventfd_cmp() */
};

/* The sort order; ctx is not part of the key. */
static int hv_ioeventfd_cmp(const struct hv_ioeventfd_entry *a,
			    const struct hv_ioeventfd_entry *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->pio != b->pio)
		return a->pio < b->pio ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->match != b->match)
		return a->match < b->match ? -1 : 1;
	if (a->match && a->datamatch != b->datamatch)
		return a->datamatch < b->datamatch ? -1 : 1;
	return 0;
}

/* The first entry of @t not below @key (t->nr when none). */
static u32 hv_ioeventfd_lower_bound(const struct hv_ioeventfd_table *t,
				    const struct hv_ioeventfd_entry *key)
{
	u32 lo = 0, hi = t->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (hv_ioeventfd_cmp(&t->e[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The registration a write of @len bytes of @value at @addr matches, in
 * the order the EEXIST rule makes unique: any length, then this length
 * without a data match, then this length with @value.
 */
static const struct hv_ioeventfd_entry *
hv_ioeventfd_find(const struct hv_ioeventfd_table *t, bool pio, u64 addr,
		  u32 len, u64 value)
{
	struct hv_ioeventfd_entry key = { .addr = addr, .pio = pio };
	const struct hv_ioeventfd_entry *e;
	u32 i;

	i = hv_ioeventfd_lower_bound(t, &key);
	if (i == t->nr || t->e[i].addr != addr || t->e[i].pio != pio)
		return NULL;
	if (!t->e[i].len)
		return &t->e[i];
	key.len = len;
	i = hv_ioeventfd_lower_bound(t, &key);
	if (i == t->nr)
		return NULL;
	e = &t->e[i];
	if (e->addr != addr || e->pio != pio || e->len != len)
		return NULL;
	if (!e->match)
		return e;
	key.match = 1;
	key.datamatch = value;
	i = hv_ioeventfd_lower_bound(t, &key);
	if (i < t->nr && !hv_ioeventfd_cmp(&t->e[i], &key))
		return &t->e[i];
	return NULL;
}

/*
 * Signal the eventfd registered for a write of @len bytes of @value (the
 * bytes as a little-endian number) at @addr. 1 when one was: the write is
 * done, the guest goes on; 0 to exit to user space.
 */
static int hv_ioeventfd_write(struct hv_vcpu *vcpu, bool pio, u64 addr,
			      u32 len, u64 value)
{
	const struct hv_ioeventfd_table *t;
	const struct hv_ioeventfd_entry *e;
	int hit = 0;

	/* most VMs have no ioeventfd: one load and no lock */
	if (!rcu_access_pointer(vcpu->vm->ioeventfds))
		return 0;
	/* the bytes written, whatever the register held above them */
	if (len < 8)
		value &= BIT_ULL(len * 8) - 1;
	rcu_read_lock();
	t = rcu_dereference(vcpu->vm->ioeventfds);
	e = t ? hv_ioeventfd_find(t, pio, addr, len, value) : NULL;
	if (e) {
		/* the ctx lives until a grace period after its removal */
		hv_eventfd_signal(e->ctx);
		hit = 1;
	}
	rcu_read_unlock();
	return hit;
}

/**
 * hv_ioeventfd_mmio() - an MMIO write is about to exit to user space: give
 * it to the ioeventfd registered for it instead (hv_vcpu_exit_mmio()).
 * @vcpu: the vCPU, in its exit path (preemption off, must not sleep).
 * @gpa: the guest-physical address written.
 * @len: 1, 2, 4 or 8 bytes.
 * @value: the data, the instruction already skipped.
 *
 * Return: 1 when an eventfd was signalled (resume the guest), 0 to exit.
 */
int hv_ioeventfd_mmio(struct hv_vcpu *vcpu, u64 gpa, u32 len, u64 value)
{
	return hv_ioeventfd_write(vcpu, false, gpa, len, value);
}

/**
 * hv_ioeventfd_pio() - an OUT is about to exit to user space: give it to
 * the ioeventfd registered for it instead (x86).
 * @vcpu: the vCPU, in its exit path (preemption off, must not sleep).
 * @port: the I/O port.
 * @size: 1, 2 or 4 bytes.
 * @value: the data (AL/AX/EAX), the instruction already skipped.
 *
 * Return: 1 when an eventfd was signalled (resume the guest), 0 to exit.
 */
int hv_ioeventfd_pio(struct hv_vcpu *vcpu, u16 port, u32 size, u64 value)
{
	return hv_ioeventfd_write(vcpu, true, port, size, value);
}

/* Can @a and @b both match one write? Then the second is EEXIST. */
static bool hv_ioeventfd_collide(const struct hv_ioeventfd_entry *a,
				 const struct hv_ioeventfd_entry *b)
{
	if (a->addr != b->addr || a->pio != b->pio)
		return false;
	if (!a->len || !b->len)
		return true;
	return a->len == b->len &&
	       (!a->match || !b->match || a->datamatch == b->datamatch);
}

static struct hv_ioeventfd_table *hv_ioeventfd_alloc(u32 nr)
{
	struct hv_ioeventfd_table *t;

	t = kmalloc(struct_size(t, e, nr), GFP_KERNEL_ACCOUNT);
	if (t)
		t->nr = nr;
	return t;
}

/* Called with vm->eventfd_lock held. Takes @new->ctx's reference. */
static int hv_ioeventfd_assign(struct hv_vm *vm,
			       const struct hv_ioeventfd_entry *new)
{
	struct hv_ioeventfd_table *old, *t;
	u32 nr, i;

	old = rcu_dereference_protected(vm->ioeventfds,
					lockdep_is_held(&vm->eventfd_lock));
	nr = old ? old->nr : 0;
	for (i = 0; i < nr; i++)
		if (hv_ioeventfd_collide(&old->e[i], new))
			return -EEXIST;
	if (nr >= HV_MAX_IOEVENTFDS)
		return -ENOSPC;
	t = hv_ioeventfd_alloc(nr + 1);
	if (!t)
		return -ENOMEM;
	i = old ? hv_ioeventfd_lower_bound(old, new) : 0;
	if (i)
		memcpy(t->e, old->e, i * sizeof(t->e[0]));
	t->e[i] = *new;
	if (i < nr)
		memcpy(&t->e[i + 1], &old->e[i], (nr - i) * sizeof(t->e[0]));
	rcu_assign_pointer(vm->ioeventfds, t);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* Called with vm->eventfd_lock held. */
static int hv_ioeventfd_deassign(struct hv_vm *vm,
				 const struct hv_ioeventfd_entry *key)
{
	struct hv_ioeventfd_table *old, *t = NULL;
	struct eventfd_ctx *ctx;
	u32 i;

	old = rcu_dereference_protected(vm->ioeventfds,
					lockdep_is_held(&vm->eventfd_lock));
	if (!old)
		return -ENOENT;
	i = hv_ioeventfd_lower_bound(old, key);
	if (i == old->nr || hv_ioeventfd_cmp(&old->e[i], key) ||
	    old->e[i].ctx != key->ctx)
		return -ENOENT;
	if (old->nr > 1) {
		t = hv_ioeventfd_alloc(old->nr - 1);
		if (!t)
			return -ENOMEM;
		memcpy(t->e, old->e, i * sizeof(t->e[0]));
		memcpy(&t->e[i], &old->e[i + 1],
		       (old->nr - i - 1) * sizeof(t->e[0]));
	}
	ctx = old->e[i].ctx;
	rcu_assign_pointer(vm->ioeventfds, t);
	/* a vCPU may still signal ctx from the old table */
	synchronize_rcu();
	eventfd_ctx_put(ctx);
	kfree(old);
	return 0;
}

/* The arguments as a table entry (ctx not set); -EINVAL when invalid. */
static int hv_ioeventfd_parse(const struct hv_ioeventfd *args,
			      struct hv_ioeventfd_entry *e)
{
	u32 known = HV_IOEVENTFD_DATAMATCH | HV_IOEVENTFD_PIO |
		    HV_IOEVENTFD_DEASSIGN;
	u64 span, limit;

	if ((args->flags & ~known) ||
	    !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;
	*e = (struct hv_ioeventfd_entry) {
		.addr = args->addr,
		.len = args->len,
		.pio = !!(args->flags & HV_IOEVENTFD_PIO),
		.match = !!(args->flags & HV_IOEVENTFD_DATAMATCH),
		.datamatch = args->datamatch,
	};
	switch (e->len) {
	case 0:
		/* any length: no data to match */
		if (e->match)
			return -EINVAL;
		break;
	case 1:
	case 2:
	case 4:
	case 8:
		/* a value no write of len bytes can have never matches */
		if (e->match && e->len < 8 && (e->datamatch >> (e->len * 8)))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!e->match)
		e->datamatch = 0;
	span = e->len ?: 1;
	if (e->pio) {
		if (hv_arch_check_cap(HV_CAP_ARCH) != HV_ARCH_X86_64 ||
		    e->len == 8)
			return -EINVAL;
		limit = 0x10000;
	} else {
		limit = BIT_ULL(hv_arch_check_cap(HV_CAP_GPA_BITS));
	}
	if (e->addr >= limit || span > limit - e->addr)
		return -EINVAL;
	return 0;
}

/**
 * hv_vm_ioeventfd() - HV_IOEVENTFD: register or remove an ioeventfd.
 * @vm: the VM.
 * @args: the user's argument.
 *
 * Return: 0; -EINVAL for flags, reserved, len, a data match with len 0 or
 * wider than len, a port range (or PIO on arm64) or address outside the
 * guest-physical space, or an fd that is no eventfd; -EBADF for a bad fd;
 * -EEXIST when a registration would match the same writes; -ENOSPC beyond
 * HV_MAX_IOEVENTFDS; -ENOENT to remove one that does not exist; -ENOMEM.
 */
long hv_vm_ioeventfd(struct hv_vm *vm, const struct hv_ioeventfd *args)
{
	struct hv_ioeventfd_entry e;
	int err;

	err = hv_ioeventfd_parse(args, &e);
	if (err)
		return err;
	e.ctx = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(e.ctx))
		return PTR_ERR(e.ctx);

	mutex_lock(&vm->eventfd_lock);
	if (args->flags & HV_IOEVENTFD_DEASSIGN)
		err = hv_ioeventfd_deassign(vm, &e);
	else
		err = hv_ioeventfd_assign(vm, &e);
	mutex_unlock(&vm->eventfd_lock);
	/* assign keeps the reference on success; deassign dropped its own */
	if (err || (args->flags & HV_IOEVENTFD_DEASSIGN))
		eventfd_ctx_put(e.ctx);
	return err;
}

/**
 * hv_ioeventfd_destroy() - drop every registration of a VM that is going
 * away: no vCPU and no file of it exists any more.
 * @vm: the VM.
 */
void hv_ioeventfd_destroy(struct hv_vm *vm)
{
	struct hv_ioeventfd_table *t;
	u32 i;

	/* no reader is left: nothing runs the VM's vCPUs */
	t = rcu_dereference_protected(vm->ioeventfds, 1);
	RCU_INIT_POINTER(vm->ioeventfds, NULL);
	if (!t)
		return;
	for (i = 0; i < t->nr; i++)
		eventfd_ctx_put(t->e[i].ctx);
	kfree(t);
}
