/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the arch-neutral core (the .c files in module/) and one
 * hardware backend (module/arch/<arch>/).
 *
 * Exactly one backend is linked into hv.ko (Kbuild picks it from
 * CONFIG_X86_64 or CONFIG_ARM64), so the contract is a set of functions
 * resolved at link time rather than a table of function pointers: the
 * exit path then makes direct calls, which cost nothing extra under
 * retpolines. Every function a backend implements is declared here and
 * nowhere else; the backend's per-VM and per-vCPU state is declared in its
 * own arch_types.h (struct hv_arch_vm, struct hv_arch_vcpu).
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <linux/types.h>

#include "hv_ioctl.h"

struct hv_vm;
struct hv_vcpu;

/**
 * hv_arch_probe() - check that this machine can run hv's backend.
 *
 * Called once from module init, before /dev/hv exists, in process context.
 * Logs one line saying why when the answer is no.
 *
 * Return: 0 when the hardware and the kernel let hv run; -ENODEV when the
 * CPU or the kernel offers no usable virtualization (no VMX, VMX disabled
 * by the firmware, not at EL2 with VHE); -EBUSY when another hypervisor
 * (KVM) already owns the hardware.
 */
int hv_arch_probe(void);

/**
 * hv_arch_exit() - undo what hv_arch_probe() set up.
 *
 * Called once at module unload, after the last VM is gone and /dev/hv is
 * no more, and when module init fails after hv_arch_probe() succeeded.
 */
void hv_arch_exit(void);

/**
 * hv_arch_name() - a short name of the backend for logs, e.g. "vmx".
 *
 * Return: a static string.
 */
const char *hv_arch_name(void);

/**
 * hv_arch_check_cap() - the backend's answer to HV_CHECK_CAP.
 * @cap: an HV_CAP_* the core does not answer itself.
 *
 * Return: the capability's value, 0 when absent.
 */
long hv_arch_check_cap(u32 cap);

/**
 * hv_arch_vm_init() - set up the backend's part of a new VM.
 * @vm: the VM, core fields initialised.
 *
 * The first VM turns virtualization on in every online CPU (and in CPUs
 * that come online later). Called without locks, may sleep.
 *
 * Return: 0, -ENOMEM, or -EBUSY when another hypervisor took the hardware.
 */
int hv_arch_vm_init(struct hv_vm *vm);

/**
 * hv_arch_vm_destroy() - free the backend's part of a VM; the last VM
 * turns virtualization off. Called when no vCPU of @vm exists any more.
 * @vm: the VM.
 */
void hv_arch_vm_destroy(struct hv_vm *vm);

/**
 * hv_arch_vcpu_init() - set up a vCPU in its reset state.
 * @vcpu: the vCPU, core fields initialised. Called with vm->lock held.
 *
 * Return: 0 or -ENOMEM.
 */
int hv_arch_vcpu_init(struct hv_vcpu *vcpu);

/**
 * hv_arch_vcpu_destroy() - free a vCPU's backend state. It is not running
 * and cannot run any more.
 * @vcpu: the vCPU.
 */
void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu);

/*
 * The run loop (hv_run.c) calls, with vcpu->lock held and preemption
 * enabled:
 *
 * hv_arch_vcpu_run_begin() and hv_arch_vcpu_run_end() around one HV_RUN
 * (x86 swaps the guest's FPU state in and out);
 *
 * hv_arch_vcpu_prepare() before each entry, where it may sleep (arm64 waits
 * while the vCPU is powered off). Return: 1 to enter; 0 to return to user
 * space with vcpu->run filled in; -EAGAIN to check the VM's state again
 * (a forced stop woke it); -EINTR with HV_EXIT_INTR; -errno.
 *
 * hv_arch_vcpu_enter() to run the guest, handling the exits the kernel
 * owns, until one needs user space, the host or sleeping work. It calls
 * hv_vcpu_account_start() before the first entry and hv_vcpu_account()
 * after every exit, and leaves when that returns true. Return: 0 with
 * vcpu->run filled in; 1 or -EAGAIN to run the loop again (sleeping work,
 * a signal, rescheduling, the quota); another -errno on failure.
 */
void hv_arch_vcpu_run_begin(struct hv_vcpu *vcpu);
void hv_arch_vcpu_run_end(struct hv_vcpu *vcpu);
int hv_arch_vcpu_prepare(struct hv_vcpu *vcpu);
int hv_arch_vcpu_enter(struct hv_vcpu *vcpu);

/**
 * hv_arch_vm_wake() - wake the VM's vCPUs that sleep in the arch (arm64:
 * powered off, waiting for PSCI CPU_ON) so that they see a forced stop.
 * @vm: the VM. Called under its registry entry's lock; must not sleep.
 */
void hv_arch_vm_wake(struct hv_vm *vm);

/**
 * hv_arch_vm_nmi() - the machine's NMI button (netlink vm-nmi): x86 raises
 * the NMI line, wired to every vCPU's LINT1; kicks each vCPU.
 * @vm: the VM (vm->irqchip). Called under its registry entry's lock; must
 * not sleep.
 *
 * Return: 0, or -EOPNOTSUPP where the arch has no NMI to give.
 */
int hv_arch_vm_nmi(struct hv_vm *vm);

/**
 * hv_arch_mem_map() - map one guest frame to a RAM page in the stage-2
 * tables (EPT on x86), for hv_vcpu_map_fault().
 * @vcpu: the faulting vCPU; its table cache has the pages a new path needs.
 * @gfn: guest frame.
 * @page: the RAM page.
 * @writable: false for ROM.
 * @generation: vm->mem_generation when the frame was looked up.
 *
 * Called with preemption disabled. Return: 0; -EAGAIN when RAM was removed
 * since the lookup (the guest faults again).
 */
int hv_arch_mem_map(struct hv_vcpu *vcpu, u64 gfn, struct page *page,
		    bool writable, unsigned long generation);

/**
 * hv_arch_mem_unmap() - remove guest RAM from the stage-2 tables and flush
 * every CPU's TLB for the VM.
 * @vm: the VM.
 * @gfn: first guest frame.
 * @npages: number of frames.
 *
 * Called with vm->lock held after the slot is gone from vm->memslots.
 */
void hv_arch_mem_unmap(struct hv_vm *vm, u64 gfn, u64 npages);

/**
 * hv_arch_irq_line() - HV_IRQ_LINE: set an input of the VM's in-kernel
 * interrupt controller (only called when vm->irqchip).
 * @vm: the VM.
 * @irq: x86: IOAPIC GSI; arm64: SPI INTID.
 * @level: true asserts, false deasserts.
 *
 * Called in process context from any thread, without hv's locks; must not
 * sleep for long (irqfd calls it too). Kicks the vCPU that takes the
 * interrupt (hv_vcpu_kick()).
 *
 * Return: 0, or -EINVAL for a line the controller does not have.
 */
int hv_arch_irq_line(struct hv_vm *vm, u32 irq, bool level);

/**
 * hv_arch_irq_line_valid() - does the in-kernel interrupt controller have
 * input @irq (what hv_arch_irq_line() would not refuse)?
 * @vm: the VM (vm->irqchip).
 * @irq: as in hv_arch_irq_line(); any value.
 */
bool hv_arch_irq_line_valid(struct hv_vm *vm, u32 irq);

/**
 * hv_arch_irq_inatomic() - an irqfd's signal, raised from the eventfd's
 * wake-up itself (hv_irqfd.c) instead of a work item.
 * @vm: the VM (vm->irqchip).
 * @irq: the line, numbered as in hv_arch_irq_line().
 * @pulse: true: assert and deassert (an irqfd without resample, an edge);
 *	   false: assert and leave asserted (a resampling irqfd).
 *
 * Called with the eventfd's wait-queue lock held and interrupts off, maybe
 * in hard IRQ context (another kernel user's eventfd_signal()): must not
 * sleep, must not signal an eventfd, and every lock it takes must be taken
 * with interrupts off everywhere. Kicks the vCPU that takes the interrupt.
 *
 * Return: 0 when done; -EINVAL for a line the controller does not have
 * (ignored); -EWOULDBLOCK when it cannot be done in this context: the core
 * then calls hv_arch_irq_line() from a work item.
 */
int hv_arch_irq_inatomic(struct hv_vm *vm, u32 irq, bool pulse);

/**
 * hv_irqfd_resample() - for the interrupt controller, implemented by the
 * core (hv_irqfd.c): the guest ended a level-triggered interrupt on @irq
 * (x86: an EOI that reaches the IOAPIC pin; arm64: deactivation of the
 * SPI). The controller calls it before it samples the line again.
 * @vm: the VM (vm->irqchip).
 * @irq: the line, numbered as in hv_arch_irq_line().
 *
 * Any context, with the controller's own locks held if it likes, as long
 * as every holder of those locks keeps interrupts off: the core takes no
 * lock, does not call back into the controller and does not sleep; it
 * queues the signal of the VMM's resample eventfd as an irq_work, which
 * runs once interrupts are on, and whose eventfd waiters (an irqfd) may
 * take the controller's locks. One load when the VM has no resampling
 * irqfd.
 *
 * Return: true when a resampling irqfd (HV_IRQFD_RESAMPLE) drives @irq:
 * the controller then deasserts the line itself, as HV_IRQ_LINE with
 * level 0 would, and the VMM signals the irqfd again if its device still
 * wants the interrupt.
 */
bool hv_irqfd_resample(struct hv_vm *vm, u32 irq);

/**
 * hv_arch_vcpu_has_interrupt() - may a halted vCPU wake up?
 * @vcpu: the vCPU, in hv_vcpu_halt() (its thread, vcpu->lock held).
 *
 * Return: true when an interrupt, NMI, INIT/SIPI (x86) or another wake-up
 * event is deliverable to @vcpu.
 */
bool hv_arch_vcpu_has_interrupt(struct hv_vcpu *vcpu);

/*
 * The backend's VM, vCPU and /dev/hv ioctls (register access, CPUID,
 * interrupt controller state...). A VM ioctl's handler gets the VM file:
 * filp->private_data is the struct hv_vm.
 */
extern const struct hv_ioctl_desc hv_arch_vm_ioctls[];
extern const size_t hv_arch_vm_nioctls;
extern const struct hv_ioctl_desc hv_arch_vcpu_ioctls[];
extern const size_t hv_arch_vcpu_nioctls;
extern const struct hv_ioctl_desc hv_arch_dev_ioctls[];
extern const size_t hv_arch_dev_nioctls;

#endif /* HV_ARCH_H */
