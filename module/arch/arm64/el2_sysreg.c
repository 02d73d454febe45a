// SPDX-License-Identifier: GPL-2.0
/*
 * Trapped system register accesses and system instructions (EC 0x18).
 *
 * ID registers (HCR_EL2.TID3) read as the kernel's sanitised values (what
 * every CPU agrees on) minus what hv does not give a guest: SVE, SME, the
 * GIC system registers (offered to irqchip VMs), pointer authentication, MTE, AMU, MPAM, RAS, EL2
 * and EL3, AArch32 (EL0 and EL1 are AArch64-only), TME, and the IPA size
 * is ours. AArch32 ID registers and unallocated ID space read as zero.
 * ACTLR_EL1 reads as zero and ignores writes; set/way cache maintenance is
 * a no-op (stage 2 maps RAM write-back and coherent). Every other trapped
 * access (PMU, debug, LOR, timers, implementation-defined registers)
 * makes the guest take an UNDEF.
 */
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "hv_core.h"
#include "el2.h"
#include "vgic.h"

/* The value a guest reads from ID register @enc (op0 3, op1 0, CRn 0). */
static u64 el2_id_reg(struct hv_vcpu *vcpu, u32 enc)
{
	u64 v;

	switch (enc) {
	case SYS_ID_AA64PFR0_EL1:
		v = read_sanitised_ftr_reg(enc);
		v &= ~(ID_AA64PFR0_EL1_SVE_MASK | ID_AA64PFR0_EL1_GIC_MASK |
		       ID_AA64PFR0_EL1_AMU_MASK | ID_AA64PFR0_EL1_MPAM_MASK |
		       ID_AA64PFR0_EL1_RAS_MASK | ID_AA64PFR0_EL1_SEL2_MASK |
		       ID_AA64PFR0_EL1_RME_MASK | ID_AA64PFR0_EL1_EL3_MASK |
		       ID_AA64PFR0_EL1_EL2_MASK | ID_AA64PFR0_EL1_EL1_MASK |
		       ID_AA64PFR0_EL1_EL0_MASK);
		/* an irqchip VM's GIC: the GICv3 system registers (1) */
		if (vcpu->vm->irqchip)
			v |= 1ULL << ID_AA64PFR0_EL1_GIC_SHIFT;
		/* EL0 and EL1: AArch64 only (value 1) */
		return v | 1ULL << ID_AA64PFR0_EL1_EL1_SHIFT |
		       1ULL << ID_AA64PFR0_EL1_EL0_SHIFT;
	case SYS_ID_AA64PFR1_EL1:
		return read_sanitised_ftr_reg(enc) &
		       (ID_AA64PFR1_EL1_BT_MASK | ID_AA64PFR1_EL1_SSBS_MASK |
			ID_AA64PFR1_EL1_CSV2_frac_MASK);
	case SYS_ID_AA64ISAR0_EL1:
		return read_sanitised_ftr_reg(enc) & ~ID_AA64ISAR0_EL1_TME_MASK;
	case SYS_ID_AA64ISAR1_EL1:
		return read_sanitised_ftr_reg(enc) &
		       ~(ID_AA64ISAR1_EL1_APA_MASK | ID_AA64ISAR1_EL1_API_MASK |
			 ID_AA64ISAR1_EL1_GPA_MASK | ID_AA64ISAR1_EL1_GPI_MASK |
			 ID_AA64ISAR1_EL1_LS64_MASK);
	case SYS_ID_AA64ISAR2_EL1:
		return read_sanitised_ftr_reg(enc) &
		       ~(ID_AA64ISAR2_EL1_APA3_MASK | ID_AA64ISAR2_EL1_GPA3_MASK);
	case SYS_ID_AA64MMFR0_EL1:
		v = read_sanitised_ftr_reg(enc);
		v &= ~(ID_AA64MMFR0_EL1_PARANGE_MASK | ID_AA64MMFR0_EL1_ECV_MASK |
		       ID_AA64MMFR0_EL1_FGT_MASK);
		/* VTCR_EL2.PS, the IPA size we configured */
		return v | ((el2_config.vtcr & VTCR_EL2_PS_MASK) >>
			    VTCR_EL2_PS_SHIFT);
	case SYS_ID_AA64MMFR1_EL1:
		return read_sanitised_ftr_reg(enc) &
		       ~(ID_AA64MMFR1_EL1_VH_MASK | ID_AA64MMFR1_EL1_LO_MASK |
			 ID_AA64MMFR1_EL1_HCX_MASK | ID_AA64MMFR1_EL1_TWED_MASK);
	case SYS_ID_AA64MMFR2_EL1:
		return read_sanitised_ftr_reg(enc) &
		       ~(ID_AA64MMFR2_EL1_NV_MASK | ID_AA64MMFR2_EL1_FWB_MASK |
			 ID_AA64MMFR2_EL1_EVT_MASK);
	case SYS_ID_AA64DFR0_EL1:
		/* ARMv8.0 debug architecture, no PMU: the registers trap */
		return 6;
	default:
		/* SVE, SME, AFR, DFR1, MMFR3/4, AArch32 IDs, unallocated */
		return 0;
	}
}

/* op0 3, op1 0, CRn 0, CRm 1..7: the ID register space (TID3) */
static bool el2_is_id_reg(u32 enc)
{
	return (enc & sys_reg(3, 7, 15, 8, 0)) == sys_reg(3, 0, 0, 0, 0) &&
	       (enc & sys_reg(0, 0, 0, 7, 0));
}

/* ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1: write-only */
static bool el2_is_sgi_reg(u32 enc)
{
	return enc == SYS_ICC_SGI1R_EL1 || enc == SYS_ICC_ASGI1R_EL1 ||
	       enc == SYS_ICC_SGI0R_EL1;
}

/* DC ISW, DC CSW, DC CISW */
static bool el2_is_set_way_op(u32 enc)
{
	return enc == sys_reg(1, 0, 7, 6, 2) || enc == sys_reg(1, 0, 7, 10, 2) ||
	       enc == sys_reg(1, 0, 7, 14, 2);
}

int el2_handle_sys64(struct hv_vcpu *vcpu)
{
	u64 esr = vcpu->arch.exit.esr;
	u32 enc = esr_sys64_to_sysreg(esr);
	unsigned int rt = (esr & ESR_ELx_SYS64_ISS_RT_MASK) >>
			  ESR_ELx_SYS64_ISS_RT_SHIFT;
	bool read = (esr & ESR_ELx_SYS64_ISS_DIR_MASK) ==
		    ESR_ELx_SYS64_ISS_DIR_READ;

	if (el2_is_id_reg(enc)) {
		if (!read)
			return el2_inject_undef(vcpu);
		el2_set_reg(vcpu, rt, el2_id_reg(vcpu, enc));
	} else if (el2_is_sgi_reg(enc) && vcpu->vm->irqchip) {
		/* SGI generation traps with HCR_EL2.IMO/FMO (IHI 0069 12.1.9) */
		if (read)
			return el2_inject_undef(vcpu);
		vgic_sgi(vcpu, el2_get_reg(vcpu, rt), enc == SYS_ICC_SGI1R_EL1);
	} else if (enc == SYS_ACTLR_EL1) {
		if (read)
			el2_set_reg(vcpu, rt, 0);
	} else if (!el2_is_set_way_op(enc)) {
		return el2_inject_undef(vcpu);
	}
	el2_skip_instruction(vcpu);
	return 1;
}
