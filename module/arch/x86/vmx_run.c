// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x run loop, in layers below the core's policy (hv_run.c):
 *   hv_arch_vcpu_enter() host state switch, pending user-space answers
 *                        (preemption off; the guest FPU state is the
 *                        task's for the whole HV_RUN, see
 *                        hv_arch_vcpu_run_begin());
 *   vmx_run_inner()      enter and handle exits the kernel owns, with the
 *                        VMCS loaded and the guest's MSRs in place
 *                        (preemption off);
 *   vmx_enter_exit()     one entry and exit with IRQs off;
 *   __vmx_vcpu_run       (vmenter.S) the GPR switch and VMLAUNCH/VMRESUME.
 */
#include <linux/sched/signal.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "ept.h"
#include "vmx.h"
#include "vmx_ops.h"
#include "vmx_run_flags.h"

/* Host state the VM exit does not restore, saved around vmx_run_inner(). */
struct vmx_host_state {
	u16 ds, es, fs, gs;
	unsigned long fs_base;
	unsigned long kernel_gs_base;
	u64 star, lstar, cstar, sfmask;
	u64 tsc_aux;
	u16 ldt;
};

static void vmx_switch_to_guest(struct hv_vcpu *vcpu,
				struct vmx_host_state *host)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	savesegment(ds, host->ds);
	savesegment(es, host->es);
	savesegment(fs, host->fs);
	savesegment(gs, host->gs);
	asm volatile("sldt %0" : "=rm" (host->ldt));
	/* a VM exit clears IA32_DEBUGCTL: vmx_enter_exit() restores it */
	arch->host_debugctl = get_debugctlmsr();
	rdmsrl(MSR_FS_BASE, host->fs_base);
	vmcs_writel(HOST_FS_BASE, host->fs_base);

	/*
	 * The guest's SWAPGS and SYSCALL use these MSRs directly, so they hold
	 * the guest's values while hv stays in this loop; nothing else runs
	 * on this CPU in between (preemption is off, interrupts do not use
	 * them).
	 */
	rdmsrl(MSR_KERNEL_GS_BASE, host->kernel_gs_base);
	rdmsrl(MSR_STAR, host->star);
	rdmsrl(MSR_LSTAR, host->lstar);
	rdmsrl(MSR_CSTAR, host->cstar);
	rdmsrl(MSR_SYSCALL_MASK, host->sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, arch->guest_kernel_gs_base);
	wrmsrl(MSR_STAR, arch->guest_star);
	wrmsrl(MSR_LSTAR, arch->guest_lstar);
	wrmsrl(MSR_CSTAR, arch->guest_cstar);
	wrmsrl(MSR_SYSCALL_MASK, arch->guest_sfmask);
	if (vmx_config.secondary & SECONDARY_EXEC_ENABLE_RDTSCP) {
		rdmsrl(MSR_TSC_AUX, host->tsc_aux);
		wrmsrl(MSR_TSC_AUX, arch->tsc_aux);
	}
	arch->guest_msrs_loaded = true;

	vmcs_writel(HOST_CR3, __read_cr3());
	vmcs_writel(HOST_CR4, cr4_read_shadow());
}

static void vmx_switch_to_host(struct hv_vcpu *vcpu,
			       struct vmx_host_state *host)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	rdmsrl(MSR_KERNEL_GS_BASE, arch->guest_kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, host->kernel_gs_base);
	wrmsrl(MSR_STAR, host->star);
	wrmsrl(MSR_LSTAR, host->lstar);
	wrmsrl(MSR_CSTAR, host->cstar);
	wrmsrl(MSR_SYSCALL_MASK, host->sfmask);
	if (vmx_config.secondary & SECONDARY_EXEC_ENABLE_RDTSCP)
		wrmsrl(MSR_TSC_AUX, host->tsc_aux);
	arch->guest_msrs_loaded = false;

	loadsegment(ds, host->ds);
	loadsegment(es, host->es);
	if (host->fs) {
		loadsegment(fs, host->fs);
		wrmsrl(MSR_FS_BASE, host->fs_base);
	}
	if (host->gs)
		load_gs_index(host->gs);
	/*
	 * VM exit sets the GDT limit to 0xffff and the TR limit to 0x67
	 * (SDM Vol. 3C, 28.5.2 "Loading Host Segment and Descriptor-Table
	 * Registers"): restore the first, let the kernel fix the second
	 * lazily, before any task can use them.
	 */
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
	/*
	 * VM exit leaves LDTR null (28.5.2); the kernel loads the LDT only
	 * when it switches address spaces, so a VMM's modify_ldt() segments
	 * would be gone until then.
	 */
	if (host->ldt)
		asm volatile("lldt %0" : : "rm" (host->ldt));
}

/* The guest's XCR0 is live only while it runs, with IRQs off. */
static bool vmx_use_guest_xcr0(struct hv_vcpu *vcpu, u64 host_xcr0)
{
	return boot_cpu_has(X86_FEATURE_OSXSAVE) &&
	       (vmcs_readl(GUEST_CR4) & X86_CR4_OSXSAVE) &&
	       vcpu->arch.guest_xcr0 != host_xcr0;
}

static void vmx_read_exit_info(struct hv_vcpu *vcpu)
{
	struct vmx_exit_info *e = &vcpu->arch.exit;

	e->full_reason = vmcs_read32(VM_EXIT_REASON);
	e->reason = e->full_reason & 0xffff;
	e->qualification = vmcs_readl(EXIT_QUALIFICATION);
	e->instr_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	e->intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
	e->idt_vectoring_info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	if (e->idt_vectoring_info & VECTORING_INFO_DELIVER_CODE_MASK)
		e->idt_vectoring_error_code =
			vmcs_read32(IDT_VECTORING_ERROR_CODE);
}

/* vmx_enter_exit(): an interrupt was posted after the injection */
#define VMX_ENTRY_CANCELLED	(-EAGAIN)

/*
 * One guest entry and exit. IRQs stay off so nothing runs in between.
 * Return: 0, nonzero when VMLAUNCH/VMRESUME failed, or
 * VMX_ENTRY_CANCELLED (irqchip VMs: inject again first).
 */
static int vmx_enter_exit(struct hv_vcpu *vcpu, u64 host_xcr0)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	bool irqchip = vcpu->vm->irqchip;
	unsigned int flags;
	bool guest_xcr0;
	int fail;

	local_irq_disable();
	/*
	 * From here an IPI, IRQ line or timer that posts an interrupt also
	 * kicks the CPU, which exits the guest at once; one posted before
	 * is seen now (hv_irq.c).
	 */
	if (irqchip) {
		hv_vcpu_guest_mode_enter(vcpu);
		if (hv_lapic_has_posted(&arch->lapic)) {
			hv_vcpu_guest_mode_exit(vcpu);
			local_irq_enable();
			return VMX_ENTRY_CANCELLED;
		}
	}
	/*
	 * The guest's registers are in the CPU only if nothing used the FPU
	 * since the last exit: a context switch (the vCPU thread slept or
	 * was preempted) or kernel_fpu_begin() in a softirq saved them to
	 * the guest's fpstate and left TIF_NEED_FPU_LOAD, with another
	 * task's or the kernel's values in the registers. Load them back
	 * here, where nothing can take the FPU again before the entry
	 * (the ownership rules of arch/x86/kernel/fpu/context.h).
	 */
	fpregs_assert_state_consistent();
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	guest_xcr0 = vmx_use_guest_xcr0(vcpu, host_xcr0);
	if (guest_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, arch->guest_xcr0);

	/* CR2 is not part of the VMCS: the guest's lives in the register. */
	if (native_read_cr2() != arch->cr2)
		native_write_cr2(arch->cr2);

	/* last: the L1D flush, then VERW in vmenter.S */
	flags = vmx_mitig_entry();
	if (arch->launched)
		flags |= VMX_RUN_VMRESUME;
	fail = __vmx_vcpu_run(arch->gpr, flags);
	if (irqchip)
		hv_vcpu_guest_mode_exit(vcpu);

	arch->cr2 = native_read_cr2();
	if (guest_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
	/*
	 * VM exit sets DR7 to 0x400 and clears IA32_DEBUGCTL (SDM Vol. 3C,
	 * 28.5.1 "Loading Host Control Registers, Debug Registers, MSRs"):
	 * arm the host's breakpoints (kernel and user watchpoints) and its
	 * debug controls again before anything else runs.
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (arch->host_debugctl)
		update_debugctlmsr(arch->host_debugctl);
	if (!fail) {
		vmx_read_exit_info(vcpu);
		/* a failed entry leaves the VMCS clear (SDM 27.8) */
		if (!(arch->exit.full_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			arch->launched = true;
		/* An NMI that made the guest exit belongs to the host. */
		if (arch->exit.reason == EXIT_REASON_EXCEPTION_NMI &&
		    (arch->exit.intr_info & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_NMI_INTR)
			vmx_host_nmi();
		/* So does a machine check, in the guest or during the entry. */
		if (unlikely(vmx_exit_is_mce(&arch->exit)))
			vmx_host_machine_check();
	}
	/* a host interrupt that made the guest exit is taken here */
	local_irq_enable();
	return fail;
}

static int vmx_entry_failed(struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason =
		HV_X86_FAIL_VMINSTR | vmcs_read32(VM_INSTRUCTION_ERROR);
	run->fail_entry.qualification = 0;
	run->fail_entry.cpu = smp_processor_id();
	return 0;
}

/* Enter until an exit needs user space, sleeping work, or a reschedule. */
static int vmx_run_inner(struct hv_vcpu *vcpu)
{
	u64 host_xcr0 = vmx_host_xcr0();
	bool leave = false;
	int ret;

	hv_vcpu_account_start(vcpu);
	do {
		ret = vcpu->vm->irqchip ? vmx_lapic_inject(vcpu) : 0;
		if (ret < 0)
			return ret;	/* an INIT: vmx_lapic_events() */
		if (!ret)
			vmx_inject_pending_irq(vcpu);
		ret = vmx_enter_exit(vcpu, host_xcr0);
		if (ret == VMX_ENTRY_CANCELLED) {
			ret = 1;
			continue;
		}
		if (ret)
			return vmx_entry_failed(vcpu);
		/* CPU quota and run control (the run loop acts) */
		leave = hv_vcpu_account(vcpu);
		ret = vmx_handle_exit(vcpu);
	} while (ret > 0 && !leave && !need_resched() &&
		 !signal_pending(current) && !vcpu->yield_to);
	return ret;
}

/*
 * The guest's FPU/XSAVE state becomes the vCPU task's for the whole of
 * HV_RUN: the kernel saves it to the guest's fpstate whenever it takes
 * the FPU (context switch, kernel_fpu_begin()), and vmx_enter_exit()
 * loads it again before each entry.
 */
void hv_arch_vcpu_run_begin(struct hv_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(vcpu->arch.fpu, true);
}

void hv_arch_vcpu_run_end(struct hv_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(vcpu->arch.fpu, false);
}

/* A halted vCPU or one waiting for SIPI (irqchip VMs) sleeps here. */
int hv_arch_vcpu_prepare(struct hv_vcpu *vcpu)
{
	return vcpu->vm->irqchip ? vmx_lapic_prepare(vcpu) : 1;
}

int hv_arch_vcpu_enter(struct hv_vcpu *vcpu)
{
	struct vmx_host_state host;
	int ret;

	preempt_disable();
	/*
	 * The host is rebooting: VMX may be off on this CPU already (the
	 * shutdown cannot run here while preemption is off).
	 */
	if (unlikely(vmx_cpus_down())) {
		preempt_enable();
		return -EIO;
	}
	vmx_vcpu_load(vcpu);
	/* INIT, SIPI, or a wake-up that another event took back */
	if (vcpu->vm->irqchip && !vmx_lapic_events(vcpu)) {
		preempt_enable();
		return -EAGAIN;
	}
	vmx_switch_to_guest(vcpu, &host);
	vmx_complete_pending(vcpu);
	ret = vmx_run_inner(vcpu);
	if (ret >= 0)
		vmx_fill_run_flags(vcpu);
	vmx_switch_to_host(vcpu, &host);
	preempt_enable();
	return ret;
}
