// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop's policy, the same for every arch: what happens between
 * HV_RUN and an entry (signals, pause, quotas, stop requests, sleeping
 * work, rescheduling) and after a stay in the guest (CPU accounting). The
 * arch enters the guest and handles exits (hv_arch.h).
 */
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_registry.h"

/*
 * hv_vcpu_check_entry() - may the vCPU enter the guest?
 *
 * Sleeps while the VM is paused or over its CPU quota. A stop request is
 * reported to the VMM once (HV_SYSTEM_EVENT_STOP_REQUEST); a forced stop
 * every time (HV_SYSTEM_EVENT_STOPPED). 1 to enter; 0 to return to user
 * space with vcpu->run filled; -EINTR with HV_EXIT_INTR on a signal.
 */
static int hv_vcpu_check_entry(struct hv_vcpu *vcpu)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_run *run = vcpu->run;
	u32 type;

	if (signal_pending(current) || hv_registry_cpu_wait(vm->reg, vm)) {
		run->exit_reason = HV_EXIT_INTR;
		return -EINTR;
	}
	if (test_bit(HV_VM_KILLED, &vm->run_flags))
		type = HV_SYSTEM_EVENT_STOPPED;
	else if (test_and_clear_bit(HV_VM_STOP_REQUEST, &vm->run_flags))
		type = HV_SYSTEM_EVENT_STOP_REQUEST;
	else
		return 1;
	run->exit_reason = HV_EXIT_SYSTEM_EVENT;
	memset(&run->system_event, 0, sizeof(run->system_event));
	run->system_event.type = type;
	return 0;
}

/* The guest touched RAM beyond the VM's memory quota: tell the VMM. */
static int hv_vcpu_exit_mem_quota(struct hv_vcpu *vcpu, u64 gfn)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_MEM_QUOTA;
	memset(&run->mem_quota, 0, sizeof(run->mem_quota));
	run->mem_quota.gpa = gfn << PAGE_SHIFT;
	run->mem_quota.quota = READ_ONCE(vm->reg->mem_quota);
	run->mem_quota.used = (u64)atomic_long_read(&vm->nr_pages) << PAGE_SHIFT;
	hv_registry_quota_hit(vm->reg, HV_QUOTA_MEMORY);
	return 0;
}

/*
 * Allocates the RAM page a stage-2 fault asked for (hv_vcpu_need_page()),
 * where sleeping is allowed. 1 to enter; 0 with HV_EXIT_MEM_QUOTA; -errno.
 */
static int hv_vcpu_fault_in(struct hv_vcpu *vcpu)
{
	struct page *page;

	if (!vcpu->need_page)
		return 1;
	page = hv_mem_get_page(vcpu->vm, vcpu->need_page_gfn);
	if (IS_ERR(page) && PTR_ERR(page) == -EDQUOT)
		return hv_vcpu_exit_mem_quota(vcpu, vcpu->need_page_gfn);
	/* -ENOENT: the RAM was removed meanwhile; the guest faults on MMIO */
	if (IS_ERR(page) && PTR_ERR(page) != -ENOENT)
		return PTR_ERR(page);
	vcpu->need_page = false;
	return 1;
}

/*
 * Stage-2 table pages for the fault handler, which cannot sleep: at most
 * one per level below the root, so a full cache maps any frame.
 */
static int hv_table_cache_refill(struct hv_table_cache *c)
{
	while (c->nr < HV_TABLE_CACHE_PAGES) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

		if (!page)
			return -ENOMEM;
		c->page[c->nr++] = page;
	}
	return 0;
}

void hv_table_cache_free(struct hv_table_cache *c)
{
	while (c->nr)
		free_page((unsigned long)c->page[--c->nr]);
}

/*
 * The vCPU's CPU time goes to the registry (shared, atomic, and locked
 * when the VM has a quota) in batches of this much, far below any quota's
 * burst, and whenever the vCPU leaves its inner loop.
 */
#define HV_ACCOUNT_BATCH_NS	(100 * NSEC_PER_USEC)

static bool hv_vcpu_account_flush(struct hv_vcpu *vcpu)
{
	bool over;

	if (!vcpu->account_exits)
		return false;
	over = hv_registry_charge_cpu(vcpu->vm->reg, vcpu->account_ns,
				      vcpu->account_exits);
	vcpu->account_ns = 0;
	vcpu->account_exits = 0;
	return over;
}

/**
 * hv_vcpu_account() - charge the time since the last call to the VM.
 * @vcpu: the vCPU. Called by the arch after every exit, preemption off.
 *
 * One clock read per exit, and no shared cache line touched: the time
 * charged is the guest's stay plus the handling of the previous exit,
 * which is CPU the VM consumed too.
 *
 * Return: true when the vCPU should leave its inner loop so that the
 * run loop can act: the VM is over its CPU quota, paused or asked to stop.
 */
bool hv_vcpu_account(struct hv_vcpu *vcpu)
{
	u64 now = local_clock();

	vcpu->account_ns += now - vcpu->account_stamp;
	vcpu->account_exits++;
	vcpu->account_stamp = now;
	if (vcpu->account_ns >= HV_ACCOUNT_BATCH_NS &&
	    hv_vcpu_account_flush(vcpu))
		return true;
	return READ_ONCE(vcpu->vm->run_flags);
}

/**
 * hv_vcpu_account_start() - start the clock of hv_vcpu_account().
 * @vcpu: the vCPU, about to enter (preemption off).
 */
void hv_vcpu_account_start(struct hv_vcpu *vcpu)
{
	vcpu->account_stamp = local_clock();
}

/* The directed yield hv_vcpu_note_ready_here() asked for. */
static void hv_vcpu_yield(struct hv_vcpu *vcpu)
{
	struct task_struct *task = vcpu->yield_to;

	vcpu->yield_to = NULL;
	yield_to(task, false);
	put_task_struct(task);
}

/**
 * hv_vcpu_run_loop() - HV_RUN: run the guest until an exit user space
 * must see.
 * @vcpu: the vCPU. Called with vcpu->lock held, preemption enabled.
 *
 * Exits the kernel handles cheaply stay inside hv_arch_vcpu_enter(); this
 * loop runs again only for work that may sleep or for the host.
 *
 * Return: 0 with vcpu->run filled in, -EINTR with exit_reason
 * HV_EXIT_INTR when a signal is pending, another -errno on failure.
 */
int hv_vcpu_run_loop(struct hv_vcpu *vcpu)
{
	int ret;

	WRITE_ONCE(vcpu->task, current);
	hv_arch_vcpu_run_begin(vcpu);
	for (;;) {
		ret = hv_vcpu_check_entry(vcpu);
		if (ret <= 0)
			break;
		ret = hv_table_cache_refill(&vcpu->table_cache);
		if (ret)
			break;
		ret = hv_vcpu_fault_in(vcpu);
		if (ret <= 0)
			break;
		ret = hv_arch_vcpu_prepare(vcpu);
		if (ret == -EAGAIN)
			continue;	/* the VM changed state: check again */
		if (ret <= 0)
			break;
		cond_resched();

		ret = hv_arch_vcpu_enter(vcpu);
		hv_vcpu_account_flush(vcpu);
		if (unlikely(vcpu->yield_to))
			hv_vcpu_yield(vcpu);
		if (ret <= 0 && ret != -EAGAIN)
			break;
	}
	hv_arch_vcpu_run_end(vcpu);
	WRITE_ONCE(vcpu->task, NULL);
	return ret;
}
