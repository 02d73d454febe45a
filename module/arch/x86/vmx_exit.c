// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch and the exits that need no more than a few lines.
 */
#include <linux/nospec.h>
#include <linux/ptrace.h>
#include <asm/mce.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

/* Advance RIP past the instruction that exited: the only place that does. */
void vmx_skip_instruction(struct hv_vcpu *vcpu)
{
	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) + vcpu->arch.exit.instr_len);
	/* An instruction that completes ends STI / MOV SS blocking. */
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
		     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		     ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/**
 * vmx_exit_internal() - report an exit hv cannot handle to user space.
 * @vcpu: the vCPU.
 * @suberror: HV_INTERNAL_*.
 *
 * Return: 0 (exit to user space).
 */
int vmx_exit_internal(struct hv_vcpu *vcpu, u32 suberror)
{
	struct hv_run *run = vcpu->run;
	struct vmx_exit_info *e = &vcpu->arch.exit;

	run->exit_reason = HV_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 4;
	run->internal.data[0] = e->full_reason;
	run->internal.data[1] = e->qualification;
	run->internal.data[2] = vmcs_readl(GUEST_RIP);
	run->internal.data[3] = e->idt_vectoring_info;
	return 0;
}

static void vmx_inject_exception(u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* real mode pushes no error code, and VM entry insists (27.2.1.3) */
	if (has_error && (vmx_get_cr0() & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* #UD for instructions a guest may not use (VMX, MONITOR/MWAIT, ...). */
int vmx_inject_ud(struct hv_vcpu *vcpu)
{
	vmx_inject_exception(X86_TRAP_UD, false, 0);
	return 1;
}

/* #GP(0), e.g. for a forbidden MSR or XCR0 value. */
int vmx_inject_gp(struct hv_vcpu *vcpu)
{
	vmx_inject_exception(X86_TRAP_GP, true, 0);
	return 1;
}

static int handle_unknown(struct hv_vcpu *vcpu)
{
	return vmx_exit_internal(vcpu, HV_INTERNAL_EXIT_UNHANDLED);
}

/* Host interrupts were taken when IRQs came back on; nothing left to do. */
static int handle_resume(struct hv_vcpu *vcpu)
{
	return 1;
}

/**
 * vmx_exit_is_mce() - did a machine check end the guest's stay?
 * @e: the exit.
 *
 * #MC is in the exception bitmap, so one taken in VMX non-root operation
 * exits (reason 0, vector 18) instead of reaching the guest's IDT; one
 * taken during VM entry makes the entry fail with reason 41 (SDM Vol. 3C,
 * 27.2 "Recording VM-Exit Information", 27.8 "VM-Entry Failures During
 * or After Loading Guest State").
 */
bool vmx_exit_is_mce(const struct vmx_exit_info *e)
{
	if (e->reason == EXIT_REASON_MCE_DURING_VMENTRY)
		return true;
	return e->reason == EXIT_REASON_EXCEPTION_NMI &&
	       (e->intr_info & (INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK |
				INTR_INFO_VECTOR_MASK)) ==
	       (INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION | X86_TRAP_MC);
}

/**
 * vmx_host_machine_check() - give a machine check the guest's stay took
 * to the host's handler, as if it had hit the host itself.
 *
 * Called right after the exit, IRQs still off. The registers say user
 * mode with IRQs on: the error belongs to a guest of this task, not to
 * kernel code, so the handler may recover by signalling or killing the
 * VMM (memory_failure()) where a kernel-mode error would panic.
 */
void vmx_host_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/*
 * A #DB or #AC the guest took: deliver it to the guest as the CPU would
 * have. When it arose while an event was being delivered, that event is
 * already queued again (vmx_requeue_vectoring_event()) and delivering it
 * raises the exception again: a guest that loops so loops through exits,
 * where the host keeps its interrupts, signals and scheduling.
 */
static int vmx_reflect_exception(struct hv_vcpu *vcpu, u32 info)
{
	struct vmx_exit_info *e = &vcpu->arch.exit;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	if (e->idt_vectoring_info & VECTORING_INFO_VALID_MASK)
		return 1;
	if (vector == X86_TRAP_AC) {
		vmx_inject_exception(X86_TRAP_AC, true,
				     vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
		return 1;
	}
	/*
	 * #DB: the exit qualification holds what the CPU would have put in
	 * DR6 (B0-B3, BD, BS; SDM Vol. 3C, 28.2.1), DR6 keeps the rest.
	 */
	vcpu->arch.dr6 = (vcpu->arch.dr6 & ~0xe00fUL) |
			 (e->qualification & 0x600f);
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXCEPTION) {
		/* ICEBP (INT1) is delivered past the instruction */
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, X86_TRAP_DB |
			     INTR_TYPE_PRIV_SW_EXCEPTION | INTR_INFO_VALID_MASK);
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, e->instr_len);
		return 1;
	}
	vmx_inject_exception(X86_TRAP_DB, false, 0);
	return 1;
}

static int handle_exception_nmi(struct hv_vcpu *vcpu)
{
	u32 info = vcpu->arch.exit.intr_info;
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	/* NMIs and machine checks went to the host in vmx_enter_exit() */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR ||
	    vmx_exit_is_mce(&vcpu->arch.exit))
		return 1;
	if (vector == X86_TRAP_DB || vector == X86_TRAP_AC)
		return vmx_reflect_exception(vcpu, info);
	return handle_unknown(vcpu);
}

static int handle_triple_fault(struct hv_vcpu *vcpu)
{
	vcpu->run->exit_reason = HV_EXIT_SHUTDOWN;
	return 0;
}

static int handle_hlt(struct hv_vcpu *vcpu)
{
	vmx_skip_instruction(vcpu);
	/* with the interrupt controller HLT sleeps in the kernel */
	if (vcpu->vm->irqchip)
		return vmx_lapic_hlt(vcpu);
	/* An interrupt that can be delivered wakes the guest at once. */
	if (vcpu->arch.irq_pending &&
	    (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF))
		return 1;
	vcpu->run->exit_reason = HV_EXIT_HLT;
	return 0;
}

static int handle_vmcall(struct hv_vcpu *vcpu)
{
	struct hv_exit_hypercall *hc = &vcpu->run->hypercall;
	const u64 *gpr = vcpu->arch.gpr;

	vmx_skip_instruction(vcpu);
	vcpu->run->exit_reason = HV_EXIT_HYPERCALL;
	hc->nr = gpr[HV_X86_RAX];
	hc->args[0] = gpr[HV_X86_RBX];
	hc->args[1] = gpr[HV_X86_RCX];
	hc->args[2] = gpr[HV_X86_RDX];
	hc->args[3] = gpr[HV_X86_RSI];
	hc->args[4] = gpr[HV_X86_RDI];
	hc->args[5] = gpr[8];
	hc->ret = 0;
	vcpu->arch.pending = VMX_PENDING_HYPERCALL;
	return 0;
}

/* INVD and WBINVD: the guest has no cache of its own to write back. */
static int handle_skip(struct hv_vcpu *vcpu)
{
	vmx_skip_instruction(vcpu);
	return 1;
}

static int handle_interrupt_window(struct hv_vcpu *vcpu)
{
	vmx_set_irq_window(vcpu, false);
	/* vmx_inject_pending_irq() delivers a pending one on entry */
	if (vcpu->arch.irq_pending ||
	    !READ_ONCE(vcpu->run->request_interrupt_window))
		return 1;
	vcpu->run->exit_reason = HV_EXIT_IRQ_WINDOW;
	return 0;
}

/* irqchip VMs: the guest can take the NMI that waited (vmx_lapic.c) */
static int handle_nmi_window(struct hv_vcpu *vcpu)
{
	vmx_lapic_nmi_window(vcpu, false);
	return 1;
}

static int handle_invalid_state(struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason =
		vcpu->arch.exit.full_reason;
	run->fail_entry.qualification = vcpu->arch.exit.qualification;
	run->fail_entry.cpu = smp_processor_id();
	return 0;
}

#define VMX_MAX_EXIT_REASON	EXIT_REASON_TPAUSE

/*
 * Exit reason -> handler. Contract (see vmx.h): > 0 resume the guest, 0
 * exit to user space with vcpu->run filled in, < 0 -errno (-EAGAIN: do
 * sleeping work, then re-enter). Every slot has a handler.
 */
static const vmx_exit_fn vmx_exit_handlers[VMX_MAX_EXIT_REASON + 1] = {
	[0 ... VMX_MAX_EXIT_REASON] = handle_unknown,
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_resume,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_interrupt_window,
	[EXIT_REASON_NMI_WINDOW] = handle_nmi_window,
	/* the guest lowered CR8 below a waiting interrupt (vmx_lapic.c) */
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = handle_resume,
	/* virtual-interrupt delivery (vmx_vid.c) */
	[EXIT_REASON_EOI_INDUCED] = vmx_vid_eoi_induced,
	/* ... and the APIC-access page (vmx_apic_access.c) */
	[EXIT_REASON_APIC_WRITE] = vmx_apic_write_exit,
	[EXIT_REASON_APIC_ACCESS] = vmx_apic_access_exit,
	[EXIT_REASON_CPUID] = vmx_handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_skip,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_VMCLEAR] = vmx_inject_ud,
	[EXIT_REASON_VMLAUNCH] = vmx_inject_ud,
	[EXIT_REASON_VMPTRLD] = vmx_inject_ud,
	[EXIT_REASON_VMPTRST] = vmx_inject_ud,
	[EXIT_REASON_VMREAD] = vmx_inject_ud,
	[EXIT_REASON_VMRESUME] = vmx_inject_ud,
	[EXIT_REASON_VMWRITE] = vmx_inject_ud,
	[EXIT_REASON_VMOFF] = vmx_inject_ud,
	[EXIT_REASON_VMON] = vmx_inject_ud,
	[EXIT_REASON_INVEPT] = vmx_inject_ud,
	[EXIT_REASON_INVVPID] = vmx_inject_ud,
	[EXIT_REASON_VMFUNC] = vmx_inject_ud,
	[EXIT_REASON_CR_ACCESS] = vmx_handle_cr_access,
	[EXIT_REASON_DR_ACCESS] = vmx_handle_dr_access,
	[EXIT_REASON_IO_INSTRUCTION] = vmx_handle_io,
	[EXIT_REASON_MSR_READ] = vmx_handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = vmx_handle_wrmsr,
	[EXIT_REASON_INVALID_STATE] = handle_invalid_state,
	[EXIT_REASON_MSR_LOAD_FAIL] = handle_invalid_state,
	[EXIT_REASON_MWAIT_INSTRUCTION] = vmx_inject_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION] = vmx_inject_ud,
	[EXIT_REASON_RDPMC] = vmx_inject_gp,
	[EXIT_REASON_PAUSE_INSTRUCTION] = handle_skip,
	[EXIT_REASON_EPT_VIOLATION] = vmx_handle_ept_violation,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_resume,
	[EXIT_REASON_WBINVD] = handle_skip,
	[EXIT_REASON_XSETBV] = vmx_handle_xsetbv,
};

/*
 * Re-inject an event whose delivery the exit interrupted (SDM 28.2.4),
 * except an APIC interrupt that virtual-interrupt delivery was delivering:
 * vmx_vid_undo_delivery() gives it back to IRR for the CPU to deliver
 * again.
 */
static void vmx_requeue_vectoring_event(struct hv_vcpu *vcpu)
{
	struct vmx_exit_info *e = &vcpu->arch.exit;
	u32 info = e->idt_vectoring_info;
	bool vmm_irq = vcpu->arch.vmm_irq_entry;

	vcpu->arch.vmm_irq_entry = false;
	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	if (vcpu->arch.vid && !vmm_irq && vmx_vid_undo_delivery(vcpu))
		return;
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_EXT_INTR)
		vcpu->arch.vmm_irq_entry = vmm_irq;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_RESVD_BITS_MASK);
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     e->idt_vectoring_error_code);
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, e->instr_len);
}

int vmx_handle_exit(struct hv_vcpu *vcpu)
{
	struct vmx_exit_info *e = &vcpu->arch.exit;
	u32 reason = e->reason;

	if (unlikely(e->full_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		return handle_invalid_state(vcpu);
	vmx_requeue_vectoring_event(vcpu);
	if (reason > VMX_MAX_EXIT_REASON)
		return handle_unknown(vcpu);
	reason = array_index_nospec(reason, VMX_MAX_EXIT_REASON + 1);
	return vmx_exit_handlers[reason](vcpu);
}
