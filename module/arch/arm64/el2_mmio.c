// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 aborts: a first touch of RAM maps a page; anything else (no RAM
 * there, or a write to ROM) is MMIO, described to user space from the
 * syndrome the CPU gives (ARM ARM D19.2.45, ISS encoding for a Data Abort:
 * ISV, SAS, SSE, SRT, SF, WnR). hv does not decode instructions: an access
 * without a valid syndrome (ISV = 0: load/store pair, writeback, SIMD...)
 * is reported as HV_INTERNAL_EMULATION, not guessed. hv_run.mmio.data is in
 * memory byte order whatever the guest's endianness.
 */
#include <linux/mm.h>
#include <linux/swab.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "hv_core.h"
#include "hv_fault.h"
#include "el2.h"
#include "vgic.h"

static u64 el2_fault_gpa(const struct el2_exit_info *e)
{
	return ((e->hpfar & HPFAR_MASK) << 8) | (e->far & ~PAGE_MASK);
}

/*
 * Is the guest's data access big-endian? SCTLR_EL1.E0E at EL0, SCTLR_EL1.EE
 * at EL1 (ARM ARM D19.2.118); instruction fetches are always little-endian.
 * Called from the exit path, with the guest's SCTLR_EL1 live in the CPU.
 */
static bool el2_guest_data_be(struct hv_vcpu *vcpu)
{
	u64 sctlr = read_sysreg_s(SYS_SCTLR_EL12);

	if ((vcpu->arch.pstate & PSR_MODE_MASK) == PSR_MODE_EL0t)
		return sctlr & SCTLR_EL1_E0E;
	return sctlr & SCTLR_ELx_EE;
}

/* Reverse the @len low bytes of @v (a big-endian guest's register). */
static u64 el2_mmio_swab(u64 v, unsigned int len)
{
	switch (len) {
	case 2:
		return swab16(v);
	case 4:
		return swab32(v);
	case 8:
		return swab64(v);
	default:
		return v;
	}
}

/*
 * Put @value, the @len bytes of a read in memory order as a little-endian
 * number, into the target register: swapped for a big-endian guest,
 * sign-extended from the access size when the load was a signed one
 * (SSE), to 32 bits for a W register (SF = 0).
 */
static void el2_mmio_set_read(struct hv_vcpu *vcpu, u64 value)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	unsigned int bits = arch->mmio_len * 8;

	if (arch->mmio_be)
		value = el2_mmio_swab(value, arch->mmio_len);
	if (bits < 64 && arch->mmio_sign_extend)
		value = (u64)sign_extend64(value, bits - 1);
	if (!arch->mmio_64bit)
		value = (u32)value;
	el2_set_reg(vcpu, arch->mmio_rt, value);
}

/**
 * el2_complete_mmio_read() - put the data user space supplied for an MMIO
 * read into the target register (el2_mmio_set_read()).
 * @vcpu: the vCPU, not running.
 */
void el2_complete_mmio_read(struct hv_vcpu *vcpu)
{
	__le64 data = 0;

	memcpy(&data, vcpu->run->mmio.data, vcpu->arch.mmio_len);
	el2_mmio_set_read(vcpu, le64_to_cpu(data));
}

/*
 * An access to the in-kernel GIC's registers (vgic_mmio.c), completed
 * here: the same syndrome rules as an MMIO exit, no trip to user space.
 */
static int el2_emulate_gic(struct hv_vcpu *vcpu, u64 gpa)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u64 esr = arch->exit.esr;
	unsigned int len, rt;
	u64 value;

	if (!(esr & ESR_ELx_ISV) || (esr & ESR_ELx_S1PTW))
		return el2_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);
	rt = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	if (esr & ESR_ELx_WNR) {
		value = el2_get_reg(vcpu, rt);
		if (el2_guest_data_be(vcpu))
			value = el2_mmio_swab(value, len);
		if (len < 8)
			value &= BIT_ULL(len * 8) - 1;
		vgic_mmio_write(vcpu, gpa, len, value);
	} else {
		arch->mmio_rt = rt;
		arch->mmio_len = len;
		arch->mmio_sign_extend = !!(esr & ESR_ELx_SSE);
		arch->mmio_64bit = !!(esr & ESR_ELx_SF);
		arch->mmio_be = el2_guest_data_be(vcpu);
		el2_mmio_set_read(vcpu, vgic_mmio_read(vcpu, gpa, len));
	}
	el2_skip_instruction(vcpu);
	return 1;
}

static int el2_emulate_mmio(struct hv_vcpu *vcpu, u64 gpa)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u64 esr = arch->exit.esr, value = 0;
	bool write = esr & ESR_ELx_WNR;
	unsigned int len, rt;

	if (!(esr & ESR_ELx_ISV) || (esr & ESR_ELx_S1PTW))
		return el2_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);
	rt = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	/*
	 * The data goes in memory order (hv_vcpu_exit_mmio()): the
	 * register's low bytes little-endian, swapped first when the
	 * guest's data accesses are big-endian.
	 */
	if (write) {
		value = el2_get_reg(vcpu, rt);
		if (el2_guest_data_be(vcpu))
			value = el2_mmio_swab(value, len);
	} else {
		arch->pending = EL2_PENDING_MMIO_READ;
		arch->mmio_rt = rt;
		arch->mmio_len = len;
		arch->mmio_sign_extend = !!(esr & ESR_ELx_SSE);
		arch->mmio_64bit = !!(esr & ESR_ELx_SF);
		arch->mmio_be = el2_guest_data_be(vcpu);
	}
	el2_skip_instruction(vcpu);
	return hv_vcpu_exit_mmio(vcpu, gpa, len, write, value);
}

/**
 * el2_handle_abort() - a stage-2 instruction or data abort.
 * @vcpu: the vCPU.
 *
 * Return: see el2_exit_fn: 1 after mapping RAM, 0 for an MMIO or internal
 * error exit, -EAGAIN when a page or table pages must be allocated first.
 */
int el2_handle_abort(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	const struct el2_exit_info *e = &arch->exit;
	bool instr = ESR_ELx_EC(e->esr) == ESR_ELx_EC_IABT_LOW;
	bool write = !instr && (e->esr & ESR_ELx_WNR) &&
		     !(e->esr & ESR_ELx_S1PTW);
	u64 gpa = el2_fault_gpa(e);
	int ret;

	/* an external abort, alignment or TLB conflict: not ours to fix */
	switch (e->esr & ESR_ELx_FSC_TYPE) {
	case ESR_ELx_FSC_FAULT:
	case ESR_ELx_FSC_ACCESS:
	case ESR_ELx_FSC_PERM:
		break;
	default:
		return el2_exit_internal(vcpu, HV_INTERNAL_EXIT_UNHANDLED);
	}
	ret = hv_vcpu_map_fault(vcpu, gpa >> PAGE_SHIFT, write);
	if (ret)
		return ret;
	if (instr)
		return el2_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	if (vcpu->vm->irqchip && vgic_mmio_is_gic(vcpu->vm, gpa))
		return el2_emulate_gic(vcpu, gpa);
	return el2_emulate_mmio(vcpu, gpa);
}
