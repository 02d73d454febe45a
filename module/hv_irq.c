// SPDX-License-Identifier: GPL-2.0
/*
 * What every in-kernel interrupt controller builds on, whatever the arch:
 * HV_IRQ_LINE, waking a vCPU that must see a new interrupt (a sleeper in
 * HLT/WFI, or a guest that runs on another CPU), and the sleep itself.
 *
 * A kick races with the target's entry. The target sets in_guest (with
 * interrupts off) and then looks for pending interrupts; the kicker makes
 * its interrupt pending and then reads in_guest. With a full barrier on
 * both sides, either the target sees the interrupt before entering or the
 * kicker sees in_guest and sends a reschedule IPI, which the CPU holds
 * until the entry and which then makes the guest exit at once.
 */
#include <linux/nospec.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

#include "hv_arch.h"
#include "hv_compat.h"
#include "hv_core.h"
#include "hv_ioctl.h"

static_assert(sizeof(struct hv_irq_level) == 32);

/**
 * hv_vm_irq_line() - HV_IRQ_LINE: assert or deassert an interrupt line.
 * @vm: the VM.
 * @args: the user's argument.
 *
 * Return: 0; -EINVAL for level, reserved or a line the controller does not
 * have; -ENXIO when the VM has no in-kernel interrupt controller.
 */
long hv_vm_irq_line(struct hv_vm *vm, const struct hv_irq_level *args)
{
	if (args->level > 1 ||
	    !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;
	if (!vm->irqchip)
		return -ENXIO;
	return hv_arch_irq_line(vm, args->irq, args->level);
}

/**
 * hv_vcpu_run_irq_lines() - HV_RUN, first: set the interrupt lines the VMM
 * left in the run structure (hv_run.irq_lines[], irq_line_count of them),
 * as that many HV_IRQ_LINE calls would, and mark them done.
 * @vcpu: the vCPU whose HV_RUN this is; run->irq_line_count is not 0.
 *
 * All or nothing: every entry is checked before the first is set. The
 * entries are copied once from the shared page, so user space changing
 * them meanwhile changes nothing but which lines it asked for.
 *
 * Return: 0; -EINVAL for a count above HV_RUN_IRQ_LINES, a level above
 * 1 or a line the controller does not have; -ENXIO without an in-kernel
 * interrupt controller.
 */
int hv_vcpu_run_irq_lines(struct hv_vcpu *vcpu)
{
	struct hv_run_irq_line lines[HV_RUN_IRQ_LINES];
	struct hv_run *run = vcpu->run;
	struct hv_vm *vm = vcpu->vm;
	u32 n = READ_ONCE(run->irq_line_count), i;
	int err;

	if (n > HV_RUN_IRQ_LINES)
		return -EINVAL;
	if (!vm->irqchip)
		return -ENXIO;
	memcpy(lines, run->irq_lines, n * sizeof(*lines));
	for (i = 0; i < n; i++)
		if (lines[i].level > 1 ||
		    !hv_arch_irq_line_valid(vm, lines[i].irq))
			return -EINVAL;
	for (i = 0; i < n; i++) {
		err = hv_arch_irq_line(vm, lines[i].irq, lines[i].level);
		if (WARN_ON_ONCE(err))	/* checked above */
			return err;
	}
	WRITE_ONCE(run->irq_line_count, 0);
	return 0;
}

/**
 * hv_vm_vcpu_rcu() - the vCPU @id of @vm, for an interrupt controller.
 * @vm: the VM; vm->irqchip.
 * @id: the vCPU id; any value.
 *
 * Called under rcu_read_lock(): the vCPU stays valid until the read side
 * ends, because hv_vcpu_release() waits for a grace period between
 * clearing the slot and freeing an irqchip VM's vCPU.
 *
 * Return: the vCPU, or NULL when @id is out of range or not created.
 */
struct hv_vcpu *hv_vm_vcpu_rcu(struct hv_vm *vm, u32 id)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "vCPU lookup outside RCU");
	if (id >= HV_MAX_VCPUS)
		return NULL;
	return READ_ONCE(vm->vcpus[array_index_nospec(id, HV_MAX_VCPUS)]);
}

/**
 * hv_vcpu_kick() - make @vcpu look at its interrupts again.
 * @vcpu: the vCPU; the caller made an interrupt (or a stop) pending first.
 *
 * Wakes it from hv_vcpu_halt(), or sends an IPI to the CPU it runs the
 * guest on. Any context; the caller keeps @vcpu valid (RCU or a
 * reference).
 */
void hv_vcpu_kick(struct hv_vcpu *vcpu)
{
	struct task_struct *task;

	/* orders the caller's pending interrupt before both reads below */
	smp_mb();
	/*
	 * A sleeper in hv_vcpu_halt() adds itself to halt_wq, sets its state
	 * (a full barrier) and then looks at its interrupts: either it sees
	 * the interrupt or this sees it on the list (the waitqueue_active()
	 * rule of <linux/wait.h>). Most kicks find no sleeper, take no lock.
	 */
	if (waitqueue_active(&vcpu->halt_wq))
		wake_up_interruptible(&vcpu->halt_wq);
	/* pairs with hv_vcpu_guest_mode_enter(): see the top of the file */
	if (!READ_ONCE(vcpu->in_guest))
		return;
	/*
	 * kick_process() is the exported way to a reschedule IPI; the task
	 * is freed only after a grace period, and in_guest was set by it
	 * inside HV_RUN.
	 */
	rcu_read_lock();
	task = READ_ONCE(vcpu->task);
	if (task)
		kick_process(task);
	rcu_read_unlock();
}

/**
 * hv_vcpu_note_ready_here() - after an IPI or SGI of @from woke @to: when
 * @to's thread is ready to run on this CPU, it can take the interrupt only
 * once @from's thread stops, and a sender of an IPI mostly waits for its
 * effect (the answer, the function call done). Keep the thread in
 * @from->yield_to: @from's inner loop then leaves and the run loop makes a
 * directed yield to it (yield_to(), KVM's for a spinning vCPU), as a free
 * CPU would run it. Left alone, the sender enters again only to reach its
 * HLT or WFI, sleeps, and the answer must wake it (Documentation/
 * performance.rst, "Third pass"). Only the scheduler's choice changes.
 * @from: the sending vCPU; its thread.
 * @to: the vCPU the interrupt went to.
 */
void hv_vcpu_note_ready_here(struct hv_vcpu *from, struct hv_vcpu *to)
{
	struct task_struct *task;

	/* only inside HV_RUN, which consumes it (not an ioctl's MSR write) */
	if (from->yield_to || from == to || from->task != current)
		return;
	rcu_read_lock();
	task = READ_ONCE(to->task);
	/*
	 * A try: the thread may have left HV_RUN and exited on another CPU
	 * since it was read; RCU keeps its memory, not its last reference.
	 * A stale answer costs one yield too many or too few, nothing the
	 * guest sees but timing.
	 */
	if (task && task != current &&
	    task_cpu(task) == raw_smp_processor_id() && task_is_running(task))
		from->yield_to = hv_tryget_task(task);
	rcu_read_unlock();
}

/**
 * hv_vm_kick_all() - kick every vCPU of an irqchip VM (a stop request or
 * a forced stop); nothing for other VMs, whose vCPUs never sleep in hv.
 * @vm: the VM. Any context.
 */
void hv_vm_kick_all(struct hv_vm *vm)
{
	u32 i;

	if (!vm->irqchip)
		return;
	rcu_read_lock();
	for (i = 0; i < HV_MAX_VCPUS; i++) {
		struct hv_vcpu *v = hv_vm_vcpu_rcu(vm, i);

		if (v)
			hv_vcpu_kick(v);
	}
	rcu_read_unlock();
}

/**
 * hv_vcpu_halt() - HLT/WFI in the kernel: sleep until the vCPU can take an
 * interrupt, the VM is asked to stop or pause, or a signal comes.
 * @vcpu: the vCPU, in HV_RUN (vcpu->lock held, preemption enabled).
 *
 * Return: 1 when an interrupt can be delivered (enter the guest); -EAGAIN
 * when the VM's run state changed (the run loop looks at it); -EINTR with
 * HV_EXIT_INTR on a signal.
 */
int hv_vcpu_halt(struct hv_vcpu *vcpu)
{
	if (wait_event_interruptible(vcpu->halt_wq,
				     hv_arch_vcpu_has_interrupt(vcpu) ||
				     READ_ONCE(vcpu->vm->run_flags))) {
		vcpu->run->exit_reason = HV_EXIT_INTR;
		return -EINTR;
	}
	return hv_arch_vcpu_has_interrupt(vcpu) ? 1 : -EAGAIN;
}
