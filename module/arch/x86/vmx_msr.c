// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs: every RDMSR and WRMSR of the guest exits (no MSR bitmap), and only
 * the MSRs of the allow-list below exist for it; any other raises #GP, as
 * an absent MSR does on hardware. HV_GET_MSRS / HV_SET_MSRS use the same
 * list, so a VMM can save and restore exactly what a guest can change.
 */
#include <asm/msr.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static bool vmx_canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

/* SDM Vol. 3A, 13.12.2: each PAT entry is 0, 1, 4, 5, 6 or 7. */
static bool vmx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (8 * i);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* The syscall MSRs are live in hardware only inside the run loop. */
static u64 *vmx_swapped_msr(struct hv_vcpu *vcpu, u32 index)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	switch (index) {
	case MSR_STAR:
		return &arch->guest_star;
	case MSR_LSTAR:
		return &arch->guest_lstar;
	case MSR_CSTAR:
		return &arch->guest_cstar;
	case MSR_SYSCALL_MASK:
		return &arch->guest_sfmask;
	case MSR_KERNEL_GS_BASE:
		return &arch->guest_kernel_gs_base;
	case MSR_TSC_AUX:
		return &arch->tsc_aux;
	default:
		return NULL;
	}
}

/**
 * vmx_get_msr() - read an allow-listed guest MSR.
 * @vcpu: the vCPU, VMCS loaded.
 * @index: the MSR.
 * @val: receives the value.
 *
 * Return: 0, or -ENOENT when the MSR is not in the allow-list.
 */
int vmx_get_msr(struct hv_vcpu *vcpu, u32 index, u64 *val)
{
	u64 *swapped = vmx_swapped_msr(vcpu, index);

	/* APIC base, TSC deadline, x2APIC: the interrupt controller's */
	if (vcpu->vm->irqchip) {
		int ret = vmx_lapic_get_msr(vcpu, index, val);

		if (ret != -ENOENT)
			return ret;
	}
	if (swapped) {
		if (vcpu->arch.guest_msrs_loaded && index == MSR_KERNEL_GS_BASE)
			rdmsrl(index, *swapped);
		*val = *swapped;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*val = vmcs_read64(GUEST_IA32_EFER);
		break;
	case MSR_FS_BASE:
		*val = vmcs_readl(GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*val = vmcs_readl(GUEST_GS_BASE);
		break;
	case MSR_IA32_SYSENTER_CS:
		*val = vmcs_read32(GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*val = vmcs_readl(GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*val = vmcs_readl(GUEST_SYSENTER_EIP);
		break;
	case MSR_IA32_CR_PAT:
		*val = vmcs_read64(GUEST_IA32_PAT);
		break;
	case MSR_IA32_TSC:
		*val = rdtsc() + vmcs_read64(TSC_OFFSET);
		break;
	case MSR_IA32_MISC_ENABLE:
		/* fast strings on; no BTS, no PEBS */
		*val = MSR_IA32_MISC_ENABLE_FAST_STRING |
		       MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
		       MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL;
		break;
	case MSR_IA32_APICBASE:
		*val = vcpu->arch.apic_base;
		break;
	case MSR_MTRRdefType:
		*val = vcpu->arch.mtrr_def_type;
		break;
	case MSR_MTRRcap:
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_MCG_STATUS:
	case MSR_IA32_UCODE_REV:
		*val = 0;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

static int vmx_set_swapped_msr(struct hv_vcpu *vcpu, u32 index, u64 *slot,
			       u64 val)
{
	if (index != MSR_TSC_AUX && index != MSR_STAR &&
	    index != MSR_SYSCALL_MASK && !vmx_canonical(val))
		return -EINVAL;
	/* TSC_AUX and SFMASK have bits 63:32 reserved (WRMSR: #GP) */
	if ((index == MSR_TSC_AUX || index == MSR_SYSCALL_MASK) && val >> 32)
		return -EINVAL;
	*slot = val;
	if (vcpu->arch.guest_msrs_loaded)
		wrmsrl(index, val);
	return 0;
}

/*
 * The read-only views (APIC base, MISC_ENABLE, MTRRcap, MCG_CAP,
 * MCG_STATUS, the microcode revision): a write of exactly the value the
 * MSR reads is accepted, so a VMM can save and restore every MSR; any
 * other value is refused (HV_SET_MSRS stops there, a guest's WRMSR gets
 * #GP).
 */
static int vmx_set_read_only_msr(struct hv_vcpu *vcpu, u32 index, u64 val)
{
	u64 cur;
	int err = vmx_get_msr(vcpu, index, &cur);

	if (err)
		return err;
	return val == cur ? 0 : -EINVAL;
}

/**
 * vmx_set_msr() - write an allow-listed guest MSR.
 * @vcpu: the vCPU, VMCS loaded.
 * @index: the MSR.
 * @val: the value.
 *
 * Return: 0; -ENOENT when the MSR is not in the allow-list; -EINVAL for a
 * value the MSR does not take (a guest gets #GP for either).
 */
int vmx_set_msr(struct hv_vcpu *vcpu, u32 index, u64 val)
{
	u64 *swapped = vmx_swapped_msr(vcpu, index);

	if (vcpu->vm->irqchip) {
		int ret = vmx_lapic_set_msr(vcpu, index, val);

		if (ret != -ENOENT)
			return ret;
	}
	if (swapped)
		return vmx_set_swapped_msr(vcpu, index, swapped, val);
	switch (index) {
	case MSR_EFER: {
		u64 old = vmcs_read64(GUEST_IA32_EFER);

		if ((val & ~EFER_GUEST_BITS) ||
		    ((vmcs_readl(GUEST_CR0) & X86_CR0_PG) &&
		     (val ^ old) & EFER_LME))
			return -EINVAL;
		/* LMA is the CPU's to set: keep it as it is */
		vmx_set_efer(vcpu, (val & ~EFER_LMA) | (old & EFER_LMA));
		break;
	}
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!vmx_canonical(val))
			return -EINVAL;
		if (index == MSR_FS_BASE)
			vmcs_writel(GUEST_FS_BASE, val);
		else if (index == MSR_GS_BASE)
			vmcs_writel(GUEST_GS_BASE, val);
		else if (index == MSR_IA32_SYSENTER_ESP)
			vmcs_writel(GUEST_SYSENTER_ESP, val);
		else
			vmcs_writel(GUEST_SYSENTER_EIP, val);
		break;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, val);
		break;
	case MSR_IA32_CR_PAT:
		if (!vmx_pat_valid(val))
			return -EINVAL;
		vmcs_write64(GUEST_IA32_PAT, val);
		break;
	case MSR_IA32_TSC:
		vmx_set_tsc_offset(vcpu, val - rdtsc());
		break;
	case MSR_MTRRdefType:
		if (val & ~0xcffULL)
			return -EINVAL;
		vcpu->arch.mtrr_def_type = val;
		break;
	default:
		return vmx_set_read_only_msr(vcpu, index, val);
	}
	return 0;
}

int vmx_handle_rdmsr(struct hv_vcpu *vcpu)
{
	u64 *gpr = vcpu->arch.gpr, val;

	if (vmx_get_msr(vcpu, (u32)gpr[HV_X86_RCX], &val))
		return vmx_inject_gp(vcpu);
	gpr[HV_X86_RAX] = (u32)val;
	gpr[HV_X86_RDX] = val >> 32;
	vmx_skip_instruction(vcpu);
	return 1;
}

int vmx_handle_wrmsr(struct hv_vcpu *vcpu)
{
	u64 *gpr = vcpu->arch.gpr;
	u64 val = (gpr[HV_X86_RDX] << 32) | (u32)gpr[HV_X86_RAX];

	if (vmx_set_msr(vcpu, (u32)gpr[HV_X86_RCX], val))
		return vmx_inject_gp(vcpu);
	vmx_skip_instruction(vcpu);
	return 1;
}
