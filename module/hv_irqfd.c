// SPDX-License-Identifier: GPL-2.0
/*
 * irqfd (HV_IRQFD): signalling an eventfd raises a line of the VM's
 * in-kernel interrupt controller, so a device thread (or another kernel
 * user of eventfds) interrupts the guest without an ioctl.
 *
 * The eventfd's wake-up callback runs with the eventfd's wait-queue lock
 * held and interrupts off (in the signalling thread, or in hard IRQ for
 * another kernel user of the eventfd). It injects there, before write()
 * returns, through hv_arch_irq_inatomic(): both controllers only take a
 * lock with interrupts off, set bits and kick. When the arch says it
 * cannot (-EWOULDBLOCK), the irqfd's work item sets the line with
 * hv_arch_irq_line() in process context instead. Each signal reads the
 * eventfd's counter to 0 first, so signals from many threads are taken
 * one at a time under that lock, each one injection (or one queued work).
 *
 * A resampling irqfd keeps a level-triggered line asserted until the
 * guest ends the interrupt. The controller then calls hv_irqfd_resample()
 * (hv_arch.h), deasserts the line itself and the resample eventfd is
 * signalled from an irq_work, so that the hook takes no lock of ours and
 * can be called under the controller's (raw) lock: the irq_work runs in
 * hard IRQ context once interrupts are on again, so after the controller
 * dropped its lock (every holder keeps interrupts off), without the
 * thread switch of a work item. An eventfd may be signalled there; its
 * waiters, another irqfd among them, find no lock of ours held.
 *
 * Lifetime: vm->irqfds is changed under vm->eventfd_lock and read under
 * RCU by hv_irqfd_resample(). Closing the eventfd (EPOLLHUP) takes the
 * irqfd off the eventfd's wait queue at once and marks it dead; the next
 * HV_IRQFD, or the VM's end, frees it (that needs sleeping). The wake-up
 * (and so a direct injection) runs under the eventfd's wait-queue lock,
 * which eventfd_ctx_remove_wait_queue() takes before an irqfd is freed:
 * once it is off the queue, no injection of it runs or starts, and only
 * its work item can be left, which is cancelled next. Every irqfd is
 * freed this way before the VM's interrupt controller.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/irq_work.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "hv_arch.h"
#include "hv_compat.h"
#include "hv_core.h"
#include "hv_ioctl.h"

static_assert(sizeof(struct hv_irqfd) == 32);

struct hv_irqfd_state {
	struct list_head list;		/* vm->irqfds (RCU) */
	struct list_head reap;		/* on the way out, after list */
	struct hv_vm *vm;
	struct eventfd_ctx *ctx;
	struct eventfd_ctx *resample_ctx;	/* NULL: a pulse per signal */
	u32 irq;
	bool dead;			/* the eventfd was closed */
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct inject;
	struct irq_work resample;
};

static void hv_irqfd_inject(struct work_struct *work)
{
	struct hv_irqfd_state *irqfd = container_of(work, struct hv_irqfd_state, inject);

	/* a line the controller does not have is refused there: nothing */
	hv_arch_irq_line(irqfd->vm, irqfd->irq, true);
	if (!irqfd->resample_ctx)
		hv_arch_irq_line(irqfd->vm, irqfd->irq, false);
}

static void hv_irqfd_resample_work(struct irq_work *work)
{
	struct hv_irqfd_state *irqfd = container_of(work, struct hv_irqfd_state, resample);

	hv_eventfd_signal(irqfd->resample_ctx);
}

/* The eventfd's wake-up: its wait-queue lock held, interrupts off. */
static int hv_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			   int sync, void *key)
{
	struct hv_irqfd_state *irqfd = container_of(wait, struct hv_irqfd_state, wait);
	__poll_t flags = key_to_poll(key);
	u64 cnt;

	if (flags & EPOLLIN) {
		/* one injection however often it was signalled meanwhile */
		eventfd_ctx_do_read(irqfd->ctx, &cnt);
		if (hv_arch_irq_inatomic(irqfd->vm, irqfd->irq,
					 !irqfd->resample_ctx) == -EWOULDBLOCK)
			schedule_work(&irqfd->inject);
	}
	if (flags & EPOLLHUP) {
		/* eventfd_release(): off the queue now, freed later */
		list_del_init(&wait->entry);
		WRITE_ONCE(irqfd->dead, true);
	}
	return 0;
}

static void hv_irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				poll_table *pt)
{
	struct hv_irqfd_state *irqfd = container_of(pt, struct hv_irqfd_state, pt);

	add_wait_queue(wqh, &irqfd->wait);
}

/**
 * hv_irqfd_resample() - the guest ended a level-triggered interrupt on
 * @irq: hand the line back to the resampling irqfds bound to it.
 * @vm: the VM.
 * @irq: the line, numbered as in HV_IRQ_LINE.
 *
 * Any context, any lock of the controller held with interrupts off: it
 * takes no lock and does not call the controller; the resample eventfd is
 * signalled by an irq_work once interrupts are on. Cheap when the VM has
 * no resampling irqfd.
 *
 * Return: true when a resampling irqfd drives @irq: the caller deasserts
 * the line before it samples it again, and the VMM hears of the end of
 * the interrupt (it signals the irqfd again if its device still wants it).
 */
bool hv_irqfd_resample(struct hv_vm *vm, u32 irq)
{
	struct hv_irqfd_state *irqfd;
	bool owned = false;

	if (!READ_ONCE(vm->nr_resamplefds))
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(irqfd, &vm->irqfds, list) {
		if (irqfd->irq != irq || !irqfd->resample_ctx)
			continue;
		irq_work_queue(&irqfd->resample);
		owned = true;
	}
	rcu_read_unlock();
	return owned;
}

/* Off vm->irqfds onto @reap; called with vm->eventfd_lock held. */
static void hv_irqfd_unlink(struct hv_irqfd_state *irqfd, struct list_head *reap)
{
	struct hv_vm *vm = irqfd->vm;

	list_del_rcu(&irqfd->list);
	vm->nr_irqfds--;
	if (irqfd->resample_ctx)
		WRITE_ONCE(vm->nr_resamplefds, vm->nr_resamplefds - 1);
	list_add_tail(&irqfd->reap, reap);
}

static bool hv_irqfd_line_resampled(struct hv_vm *vm, u32 irq)
{
	struct hv_irqfd_state *irqfd;

	list_for_each_entry(irqfd, &vm->irqfds, list)
		if (irqfd->irq == irq && irqfd->resample_ctx)
			return true;
	return false;
}

/*
 * Free the irqfds on @reap, with vm->eventfd_lock held. @lower: the
 * controller stays; a line that no resampling irqfd holds any more is
 * deasserted (its last signal may have left it up).
 */
static void hv_irqfd_free_list(struct hv_vm *vm, struct list_head *reap,
			       bool lower)
{
	struct hv_irqfd_state *irqfd, *tmp;
	u64 cnt;

	if (list_empty(reap))
		return;
	/* hv_irqfd_resample() may still walk past them and queue an irq_work */
	synchronize_rcu();
	list_for_each_entry_safe(irqfd, tmp, reap, reap) {
		/* no wake-up runs or starts after this */
		eventfd_ctx_remove_wait_queue(irqfd->ctx, &irqfd->wait, &cnt);
		cancel_work_sync(&irqfd->inject);
		if (irqfd->resample_ctx) {
			irq_work_sync(&irqfd->resample);
			if (lower && !hv_irqfd_line_resampled(vm, irqfd->irq))
				hv_arch_irq_line(vm, irqfd->irq, false);
			eventfd_ctx_put(irqfd->resample_ctx);
		}
		eventfd_ctx_put(irqfd->ctx);
		kfree(irqfd);
	}
}

/* Free the irqfds whose eventfd was closed; vm->eventfd_lock held. */
static void hv_irqfd_reap(struct hv_vm *vm)
{
	struct hv_irqfd_state *irqfd, *tmp;
	LIST_HEAD(reap);

	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, list)
		if (READ_ONCE(irqfd->dead))
			hv_irqfd_unlink(irqfd, &reap);
	hv_irqfd_free_list(vm, &reap, true);
}

static struct hv_irqfd_state *hv_irqfd_find(struct hv_vm *vm,
					    struct eventfd_ctx *ctx)
{
	struct hv_irqfd_state *irqfd;

	list_for_each_entry(irqfd, &vm->irqfds, list)
		if (irqfd->ctx == ctx)
			return irqfd;
	return NULL;
}

/* Listen on the eventfd of @file; vm->eventfd_lock held. */
static int hv_irqfd_add(struct hv_vm *vm, struct hv_irqfd_state *irqfd,
			struct file *file)
{
	__poll_t events;

	if (hv_irqfd_find(vm, irqfd->ctx))
		return -EEXIST;
	if (vm->nr_irqfds >= HV_MAX_IRQFDS)
		return -ENOSPC;
	list_add_tail_rcu(&irqfd->list, &vm->irqfds);
	vm->nr_irqfds++;
	if (irqfd->resample_ctx)
		WRITE_ONCE(vm->nr_resamplefds, vm->nr_resamplefds + 1);
	/* signalled before it was registered: inject once now */
	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN)
		hv_irqfd_inject(&irqfd->inject);
	return 0;
}

static int hv_irqfd_assign(struct hv_vm *vm, const struct hv_irqfd *args)
{
	struct hv_irqfd_state *irqfd;
	struct file *file;
	int err;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->irq = args->irq;
	INIT_WORK(&irqfd->inject, hv_irqfd_inject);
	init_irq_work(&irqfd->resample, hv_irqfd_resample_work);
	init_waitqueue_func_entry(&irqfd->wait, hv_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, hv_irqfd_queue_proc);

	file = fget(args->fd);
	if (!file) {
		err = -EBADF;
		goto err_free;
	}
	irqfd->ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(irqfd->ctx)) {
		err = PTR_ERR(irqfd->ctx);
		goto err_fput;
	}
	if (args->flags & HV_IRQFD_RESAMPLE) {
		struct eventfd_ctx *r = eventfd_ctx_fdget(args->resamplefd);

		if (IS_ERR(r)) {
			err = PTR_ERR(r);
			goto err_put_ctx;
		}
		irqfd->resample_ctx = r;
		/* it would trigger itself on every end of interrupt */
		if (r == irqfd->ctx) {
			err = -EINVAL;
			goto err_put_resample;
		}
	}

	mutex_lock(&vm->eventfd_lock);
	hv_irqfd_reap(vm);
	err = hv_irqfd_add(vm, irqfd, file);
	mutex_unlock(&vm->eventfd_lock);
	if (err)
		goto err_put_resample;
	fput(file);
	return 0;

err_put_resample:
	if (irqfd->resample_ctx)
		eventfd_ctx_put(irqfd->resample_ctx);
err_put_ctx:
	eventfd_ctx_put(irqfd->ctx);
err_fput:
	fput(file);
err_free:
	kfree(irqfd);
	return err;
}

static int hv_irqfd_deassign(struct hv_vm *vm, const struct hv_irqfd *args)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fdget(args->fd);
	struct hv_irqfd_state *irqfd;
	LIST_HEAD(reap);
	int err = 0;

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mutex_lock(&vm->eventfd_lock);
	hv_irqfd_reap(vm);
	irqfd = hv_irqfd_find(vm, ctx);
	if (irqfd && irqfd->irq == args->irq)
		hv_irqfd_unlink(irqfd, &reap);
	else
		err = -ENOENT;
	hv_irqfd_free_list(vm, &reap, true);
	mutex_unlock(&vm->eventfd_lock);
	eventfd_ctx_put(ctx);
	return err;
}

/**
 * hv_vm_irqfd() - HV_IRQFD: bind an eventfd to an interrupt line, or undo.
 * @vm: the VM.
 * @args: the user's argument.
 *
 * Return: 0; -EINVAL for flags, reserved, a resamplefd without
 * HV_IRQFD_RESAMPLE (or equal to fd), or an fd that is no eventfd; -ENXIO
 * without HV_VM_IRQCHIP; -EBADF for a bad fd; -EEXIST when the eventfd
 * already drives a line of the VM; -ENOSPC beyond HV_MAX_IRQFDS; -ENOENT
 * to remove a binding that does not exist; -ENOMEM.
 */
long hv_vm_irqfd(struct hv_vm *vm, const struct hv_irqfd *args)
{
	u32 known = HV_IRQFD_DEASSIGN | HV_IRQFD_RESAMPLE;

	if ((args->flags & ~known) ||
	    !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;
	if (!(args->flags & HV_IRQFD_RESAMPLE) && args->resamplefd)
		return -EINVAL;
	if ((args->flags & HV_IRQFD_DEASSIGN) &&
	    (args->flags & HV_IRQFD_RESAMPLE))
		return -EINVAL;
	if (!vm->irqchip)
		return -ENXIO;
	if (args->flags & HV_IRQFD_DEASSIGN)
		return hv_irqfd_deassign(vm, args);
	return hv_irqfd_assign(vm, args);
}

/**
 * hv_irqfd_destroy() - free every irqfd of a VM that is going away,
 * before its interrupt controller: no vCPU and no file of it is left.
 * @vm: the VM.
 */
void hv_irqfd_destroy(struct hv_vm *vm)
{
	struct hv_irqfd_state *irqfd, *tmp;
	LIST_HEAD(reap);

	mutex_lock(&vm->eventfd_lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds, list)
		hv_irqfd_unlink(irqfd, &reap);
	hv_irqfd_free_list(vm, &reap, false);
	mutex_unlock(&vm->eventfd_lock);
}
