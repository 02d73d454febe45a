// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations: a first touch of RAM maps a page; anything else (no RAM
 * there, or a write to ROM) is MMIO, emulated by decoding the instruction
 * and handing the access to user space.
 */
#include <linux/mm.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "hv_fault.h"
#include "ept.h"
#include "insn_decode.h"
#include "vmx.h"
#include "vmx_ops.h"

/* The guest's code size (SDM Vol. 3A, 3.4.5 "Segment Descriptors": L, D). */
enum hv_cpu_mode vmx_cpu_mode(void)
{
	u32 cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);

	if ((vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) && (cs_ar & BIT(13)))
		return HV_CPU_MODE_64;
	return (cs_ar & BIT(14)) ? HV_CPU_MODE_32 : HV_CPU_MODE_16;
}

/**
 * vmx_mmio_decode() - decode the instruction at RIP into arch.mmio_insn,
 * with gpr[RSP] read from the VMCS for it.
 * @vcpu: the vCPU, VMCS loaded.
 *
 * Return: 0, or -EINVAL when it cannot be fetched or is no MMIO MOV.
 */
int vmx_mmio_decode(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	enum hv_cpu_mode mode = vmx_cpu_mode();
	u8 bytes[HV_INSN_MAX_LEN];
	u64 rip = vmcs_readl(GUEST_RIP);
	int n;

	if (mode != HV_CPU_MODE_64)
		rip = (u32)(vmcs_readl(GUEST_CS_BASE) + rip);
	n = vmx_read_guest_virt(vcpu, rip, bytes, sizeof(bytes));
	if (n < 0 || hv_insn_decode_mmio(bytes, n, mode, &arch->mmio_insn))
		return -EINVAL;
	arch->gpr[HV_X86_RSP] = vmcs_readl(GUEST_RSP);
	return 0;
}

static int vmx_emulate_mmio(struct hv_vcpu *vcpu, u64 gpa)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_mmio_insn *insn = &arch->mmio_insn;
	u64 value = 0;

	if (vmx_mmio_decode(vcpu))
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	if (insn->is_write)
		value = hv_insn_mmio_write_value(insn, arch->gpr);
	else
		arch->pending = VMX_PENDING_MMIO_READ;
	/* EPT violations report no instruction length: the decoder's. */
	arch->exit.instr_len = insn->len;
	vmx_skip_instruction(vcpu);
	return hv_vcpu_exit_mmio(vcpu, gpa, insn->access_size, insn->is_write,
				 value);
}

int vmx_handle_ept_violation(struct hv_vcpu *vcpu)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	u64 qual = vcpu->arch.exit.qualification;
	int ret;

	/* the interrupt controller's pages hide what is behind them */
	if (vcpu->vm->irqchip && !(qual & EPT_VIOLATION_ACC_INSTR)) {
		ret = vmx_lapic_mmio(vcpu, gpa);
		if (ret != -ENOENT)
			return ret;
	}
	ret = hv_vcpu_map_fault(vcpu, gpa >> PAGE_SHIFT,
				qual & EPT_VIOLATION_ACC_WRITE);
	if (ret)
		return ret;
	if (qual & EPT_VIOLATION_ACC_INSTR)
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	return vmx_emulate_mmio(vcpu, gpa);
}
