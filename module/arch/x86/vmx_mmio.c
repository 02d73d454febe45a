// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations: a first touch of RAM maps a page; anything else (no RAM
 * there, or a write to ROM) is MMIO, emulated by decoding the instruction
 * and handing the access to user space.
 */
#include <linux/mm.h>
#include <asm/vmx.h>

#include "hv_core.h"
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
	struct hv_exit_mmio *mmio = &vcpu->run->mmio;

	if (vmx_mmio_decode(vcpu))
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);

	vcpu->run->exit_reason = HV_EXIT_MMIO;
	mmio->phys_addr = gpa;
	mmio->len = insn->access_size;
	mmio->is_write = insn->is_write;
	memset(mmio->data, 0, sizeof(mmio->data));
	if (insn->is_write) {
		u64 value = hv_insn_mmio_write_value(insn, arch->gpr);

		memcpy(mmio->data, &value, insn->access_size);
	} else {
		arch->pending = VMX_PENDING_MMIO_READ;
	}
	/* EPT violations report no instruction length: the decoder's. */
	arch->exit.instr_len = insn->len;
	vmx_skip_instruction(vcpu);
	return 0;
}

int vmx_handle_ept_violation(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	u64 qual = arch->exit.qualification;
	bool write = qual & EPT_VIOLATION_ACC_WRITE;
	unsigned long generation;
	struct page *page;
	u32 flags;

	/* the interrupt controller's pages hide what is behind them */
	if (vcpu->vm->irqchip && !(qual & EPT_VIOLATION_ACC_INSTR)) {
		int ret = vmx_lapic_mmio(vcpu, gpa);

		if (ret != -ENOENT)
			return ret;
	}
	generation = READ_ONCE(vcpu->vm->mem_generation);
	smp_rmb();	/* the slot lookup is not older than the generation */
	page = hv_vcpu_gfn_page(vcpu, gpa >> PAGE_SHIFT, &flags);
	if (IS_ERR(page) || (write && (flags & HV_MEM_READONLY))) {
		if (qual & EPT_VIOLATION_ACC_INSTR)
			return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
		return vmx_emulate_mmio(vcpu, gpa);
	}
	if (hv_table_cache_short(&vcpu->table_cache))
		return -EAGAIN;
	if (!page)
		page = hv_vcpu_first_touch(vcpu, gpa >> PAGE_SHIFT);
	if (!page)
		return -EAGAIN;
	return ept_map(vcpu, gpa >> PAGE_SHIFT, page,
		       !(flags & HV_MEM_READONLY), generation) ?: 1;
}
