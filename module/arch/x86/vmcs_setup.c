// SPDX-License-Identifier: GPL-2.0
/*
 * A new vCPU's VMCS: the controls hv runs every guest with, the host state
 * that never changes, and the guest in its power-on state (SDM Vol. 3A,
 * 10.1.1 "Processor State After Reset").
 */
#include <linux/mm.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "hv_core.h"
#include "vmx.h"
#include "vmx_cpu.h"
#include "vmx_ops.h"

/* Host state that is the same in every CPU and for the VM's lifetime. */
static void vmx_setup_host_state(void)
{
	struct desc_ptr idt;
	u64 msr;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CR3, __read_cr3());
	vmcs_writel(HOST_CR4, cr4_read_shadow());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	/*
	 * DS, ES, FS and GS come back as 0; vmx_run restores the selectors the
	 * task had and the FS/GS bases before returning to user space.
	 */
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)vmx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, msr);
	vmcs_write64(HOST_IA32_EFER, msr);
	rdmsrl(MSR_IA32_CR_PAT, msr);
	vmcs_write64(HOST_IA32_PAT, msr);
}

static void vmx_setup_controls(struct hv_vcpu *vcpu)
{
	const struct vmx_config *c = &vmx_config;

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, c->primary);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, c->secondary);
	vmcs_write32(VM_EXIT_CONTROLS, c->exit);
	vmcs_write32(VM_ENTRY_CONTROLS, c->entry);
	vmcs_write64(EPT_POINTER, vcpu->vm->arch.eptp);
	vmcs_write16(VIRTUAL_PROCESSOR_ID, vcpu->arch.vpid);
	/* SDM Vol. 3C, 27.3.1.5: the link pointer must be all ones. */
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write32(EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	/* The guest's TSC starts at 0 when the vCPU is created. */
	vmx_set_tsc_offset(vcpu, -rdtsc());
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, c->preemption_timer_value);
	/* CR bits the hardware forces are owned by hv; the guest sees shadows. */
	vmcs_writel(CR0_GUEST_HOST_MASK, vmx_cr0_host_owned());
	vmcs_writel(CR4_GUEST_HOST_MASK, vmx_cr4_host_owned());
}

static void vmx_setup_segment(enum vmx_seg seg, u16 selector, u64 base,
			      u32 limit, u32 ar)
{
	vmcs_write16(GUEST_ES_SELECTOR + 2 * seg, selector);
	vmcs_writel(GUEST_ES_BASE + 2 * seg, base);
	vmcs_write32(GUEST_ES_LIMIT + 2 * seg, limit);
	vmcs_write32(GUEST_ES_AR_BYTES + 2 * seg, ar);
}

/*
 * SDM Vol. 3A, Table 10-1 "IA-32 and Intel 64 Processor States Following
 * Power-up"; also the INIT state (vmx_lapic.c), which differs only in
 * what this does not touch.
 */
void vmx_setup_guest_reset_state(struct hv_vcpu *vcpu)
{
	enum vmx_seg seg;

	for (seg = VMX_SEG_ES; seg <= VMX_SEG_GS; seg++)
		vmx_setup_segment(seg, 0, 0, 0xffff, 0x93);
	vmx_setup_segment(VMX_SEG_CS, 0xf000, 0xffff0000, 0xffff, 0x9b);
	vmx_setup_segment(VMX_SEG_LDTR, 0, 0, 0xffff, 0x82);
	vmx_setup_segment(VMX_SEG_TR, 0, 0, 0xffff, 0x8b);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);

	vmx_set_cr0(vcpu, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	vmx_set_cr4(vcpu, 0);
	vmcs_writel(GUEST_CR3, 0);
	vmcs_write64(GUEST_IA32_EFER, 0);
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_DR7, 0x400);
	vcpu->arch.dr6 = VMX_DR6_INIT;
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	/* EDX after reset holds the processor signature (family 6). */
	vcpu->arch.gpr[HV_X86_RDX] = 0x600;
	vcpu->arch.guest_xcr0 = XFEATURE_MASK_FP;
}

/**
 * vmx_vmcs_setup() - fill a freshly cleared VMCS.
 * @vcpu: the vCPU, its VMCS current (vmx_vcpu_load()), preemption off.
 */
void vmx_vmcs_setup(struct hv_vcpu *vcpu)
{
	vmx_setup_controls(vcpu);
	vmx_setup_host_state();
	vmx_setup_guest_reset_state(vcpu);
}
