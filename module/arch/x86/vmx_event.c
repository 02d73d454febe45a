// SPDX-License-Identifier: GPL-2.0
/*
 * Events: finishing what user space answered (IN data, MMIO read data,
 * hypercall results), and delivering external interrupts, NMIs and
 * exceptions the VMM injects (SDM Vol. 3C, 27.6 "Event Injection").
 */
#include <asm/irq_vectors.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "hv_ioctl.h"
#include "insn_decode.h"
#include "vmx.h"
#include "vmx_ops.h"

/**
 * vmx_complete_pending() - apply user space's answer to the last exit.
 * @vcpu: the vCPU, VMCS loaded (the answer may target RSP or memory).
 */
void vmx_complete_pending(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_run *run = vcpu->run;
	u64 data;

	switch (arch->pending) {
	case VMX_PENDING_NONE:
		return;
	case VMX_PENDING_IO_IN:
		vmx_complete_io_in(vcpu);
		break;
	case VMX_PENDING_IO_IN_STRING:
		vmx_complete_io_in_string(vcpu);
		break;
	case VMX_PENDING_MMIO_READ:
		memcpy(&data, run->mmio.data, sizeof(data));
		arch->gpr[HV_X86_RSP] = vmcs_readl(GUEST_RSP);
		hv_insn_mmio_complete_read(&arch->mmio_insn, arch->gpr, data);
		vmcs_writel(GUEST_RSP, arch->gpr[HV_X86_RSP]);
		break;
	case VMX_PENDING_HYPERCALL:
		arch->gpr[HV_X86_RAX] = READ_ONCE(run->hypercall.ret);
		break;
	}
	arch->pending = VMX_PENDING_NONE;
}

/* RFLAGS.IF set, no STI/MOV-SS shadow, nothing else being injected. */
static bool vmx_interrupt_allowed(void)
{
	return (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	       !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

void vmx_set_irq_window(struct hv_vcpu *vcpu, bool on)
{
	u32 ctl = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);

	vcpu->arch.irq_window_armed = on;

	if (on)
		ctl |= CPU_BASED_INTR_WINDOW_EXITING;
	else
		ctl &= ~CPU_BASED_INTR_WINDOW_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, ctl);
}

/**
 * vmx_inject_pending_irq() - before an entry: deliver the pending external
 * interrupt if the guest can take it, else ask for an interrupt-window
 * exit. Also arms that exit when user space asked for the window.
 * @vcpu: the vCPU, VMCS loaded.
 */
void vmx_inject_pending_irq(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	bool allowed;

	bool want_window = READ_ONCE(vcpu->run->request_interrupt_window);

	if (!arch->irq_pending && !want_window) {
		/* the VMM may have withdrawn its request */
		if (arch->irq_window_armed)
			vmx_set_irq_window(vcpu, false);
		return;
	}
	allowed = vmx_interrupt_allowed();
	if (arch->irq_pending && allowed) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, arch->irq_vector |
			     INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
		arch->irq_pending = false;
		arch->vmm_irq_entry = true;	/* not the APIC's */
		return;
	}
	if (!arch->irq_window_armed)
		vmx_set_irq_window(vcpu, true);
}

/* Fill the run structure's interrupt fields on every return to user. */
void vmx_fill_run_flags(struct hv_vcpu *vcpu)
{
	vcpu->run->if_flag = !!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF);
	vcpu->run->ready_for_interrupt = !vcpu->arch.irq_pending &&
					 vmx_interrupt_allowed();
}

/*
 * The exceptions that push an error code (SDM Vol. 3A, Table 7-1): VM entry
 * fails when the deliver-error-code bit disagrees, and when the code has
 * bits above 15 set (SDM Vol. 3C, 27.2.1.3).
 */
static bool vmx_exception_has_error_code(u32 vector)
{
	switch (vector) {
	case X86_TRAP_DF: case X86_TRAP_TS: case X86_TRAP_NP:
	case X86_TRAP_SS: case X86_TRAP_GP: case X86_TRAP_PF:
	case X86_TRAP_AC: case X86_TRAP_CP:
		return true;
	default:
		return false;
	}
}

/* HV_INJECT_EVENT */
long vmx_ioctl_inject_event(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_event *ev = arg;
	bool has_error = ev->flags & HV_EVENT_HAS_ERROR_CODE;
	u32 info;

	if (ev->flags & ~HV_EVENT_HAS_ERROR_CODE ||
	    !hv_is_zero(ev->reserved, sizeof(ev->reserved)) || ev->vector > 255)
		return -EINVAL;

	switch (ev->type) {
	case HV_EVENT_EXTINT:
		if (has_error || ev->vector < 32)
			return -EINVAL;
		if (vcpu->arch.irq_pending)
			return -EBUSY;
		vcpu->arch.irq_vector = ev->vector;
		vcpu->arch.irq_pending = true;
		return 0;
	case HV_EVENT_NMI:
		if (has_error || ev->vector != NMI_VECTOR)
			return -EINVAL;
		info = NMI_VECTOR | INTR_TYPE_NMI_INTR;
		break;
	case HV_EVENT_EXCEPTION:
		if (ev->vector >= 32 || ev->vector == NMI_VECTOR ||
		    has_error != vmx_exception_has_error_code(ev->vector) ||
		    ev->error_code > 0xffff)
			return -EINVAL;
		info = ev->vector | INTR_TYPE_HARD_EXCEPTION |
		       (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0);
		break;
	default:
		return -EINVAL;
	}

	/* NMIs and exceptions go in with the next entry, ahead of all else. */
	preempt_disable();
	vmx_vcpu_load(vcpu);
	if (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) {
		preempt_enable();
		return -EBUSY;
	}
	/* real mode pushes no error code, and VM entry insists (27.2.1.3) */
	if (has_error && !(vmx_get_cr0() & X86_CR0_PE))
		info &= ~INTR_INFO_DELIVER_CODE_MASK;
	if (has_error)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, ev->error_code);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info | INTR_INFO_VALID_MASK);
	preempt_enable();
	return 0;
}
