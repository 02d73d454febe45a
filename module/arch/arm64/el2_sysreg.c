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
 * a no-op (stage 2 maps RAM write-back and coherent).
 *
 * Self-hosted debug (MDCR_EL2.TDA, TDOSA, TDRA trap it all): the registers
 * an OS programs at boot are kept per vCPU (struct el2_debug_regs) and
 * read back as written, but never reach the CPU, so a guest's breakpoint,
 * watchpoint or single step does not fire and the host's debug state
 * (MDSCR_EL1 is shared with the host under VHE) stays the host's. Those
 * are MDSCR_EL1, MDCCINT_EL1, the OS lock (OSLAR_EL1, OSLSR_EL1),
 * OSDLR_EL1, DBGPRCR_EL1, MDRAR_EL1 (RAZ: no memory-mapped debug) and the
 * EL2_DBG_NR_BP breakpoints and EL2_DBG_NR_WP watchpoints that
 * ID_AA64DFR0_EL1 reports. Every other trapped access (PMU, whose
 * ID_AA64DFR0_EL1.PMUVer is 0, the debug comms channel, claim tags, LOR,
 * implementation-defined registers) makes the guest take an UNDEF.
 *
 * The EL1 physical timer's registers (CNTHCTL_EL2.EL1PTEN clear) are
 * emulated in ptimer.c.
 */
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

#include "hv_core.h"
#include "el2.h"
#include "vgic.h"

/* ID_AA64DFR0_EL1.BRPs and .WRPs (ARM ARM D19.2.55) */
#define EL2_DFR0_BRPS_SHIFT	12
#define EL2_DFR0_WRPS_SHIFT	20

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
		/*
		 * DebugVer 6 (ARMv8.0 debug), BRPs and WRPs (each the count
		 * minus one), one context-aware breakpoint (CTX_CMPs 0), no
		 * PMU (PMUVer 0), no SPE, no trace
		 */
		return 6 | (u64)(EL2_DBG_NR_BP - 1) << EL2_DFR0_BRPS_SHIFT |
		       (u64)(EL2_DBG_NR_WP - 1) << EL2_DFR0_WRPS_SHIFT;
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

/* The bits of the debug registers a guest can write (ARM ARM D19.3) */
#define EL2_MDSCR_RW	(BIT(0) | BIT(12) | BIT(13) | BIT(15) | BIT(21) | \
			 GENMASK(23, 22))	/* SS TDCC KDE MDE TDA INTdis */
#define EL2_MDCCINT_RW	(BIT(29) | BIT(30))	/* TX RX */
#define EL2_DBGBCR_RW	0x00ffe1e7ULL	/* BT LBN SSC HMC BAS PMC E */
#define EL2_DBGWCR_RW	0x1f1fffffULL	/* MASK WT LBN SSC HMC BAS LSC PAC E */
#define EL2_DBGXVR_RW	GENMASK_ULL(63, 2)	/* word-aligned addresses */
/* OSLSR_EL1.OSLM = 0b10 (OS lock implemented), bits 3 and 0 */
#define EL2_OSLSR_OSLM	BIT(3)
#define EL2_OSLSR_OSLK	BIT(1)

/*
 * DBGBVR<n>_EL1, DBGBCR<n>_EL1, DBGWVR<n>_EL1, DBGWCR<n>_EL1 (op0 2, op1 0,
 * CRn 0, CRm n, op2 4..7): the register of the guest's breakpoint or
 * watchpoint n, with *@mask its writable bits; NULL if n is beyond those
 * ID_AA64DFR0_EL1 reports (an UNDEF, as for unimplemented ones).
 */
static u64 *el2_dbg_bpwp(struct el2_debug_regs *d, u32 enc, u64 *mask)
{
	/* the encoding's CRm and op2 fields (sys_reg() in <asm/sysreg.h>) */
	unsigned int n = (enc >> 8) & 0xf;

	if ((enc & ~sys_reg(0, 0, 0, 0xf, 7)) != sys_reg(2, 0, 0, 0, 0))
		return NULL;
	switch ((enc >> 5) & 7) {
	case 4:
		*mask = EL2_DBGXVR_RW;
		return n < EL2_DBG_NR_BP ? &d->bvr[n] : NULL;
	case 5:
		*mask = EL2_DBGBCR_RW;
		return n < EL2_DBG_NR_BP ? &d->bcr[n] : NULL;
	case 6:
		*mask = EL2_DBGXVR_RW;
		return n < EL2_DBG_NR_WP ? &d->wvr[n] : NULL;
	case 7:
		*mask = EL2_DBGWCR_RW;
		return n < EL2_DBG_NR_WP ? &d->wcr[n] : NULL;
	}
	return NULL;
}

/*
 * A guest access to a self-hosted debug register (see the top): 1 done
 * (*@val read or written), 0 not one of them or the wrong direction (the
 * caller injects an UNDEF).
 */
static int el2_debug_reg(struct hv_vcpu *vcpu, u32 enc, bool read, u64 *val)
{
	struct el2_debug_regs *d = &vcpu->arch.dbg;
	u64 *reg, mask;

	switch (enc) {
	case SYS_MDSCR_EL1:
		reg = &d->mdscr;
		mask = EL2_MDSCR_RW;
		break;
	case SYS_MDCCINT_EL1:
		reg = &d->mdccint;
		mask = EL2_MDCCINT_RW;
		break;
	case SYS_OSLAR_EL1:		/* write-only */
		if (read)
			return 0;
		d->oslk = *val & OSLAR_EL1_OSLK;
		return 1;
	case SYS_OSLSR_EL1:		/* read-only */
		if (!read)
			return 0;
		*val = EL2_OSLSR_OSLM | (d->oslk ? EL2_OSLSR_OSLK : 0);
		return 1;
	case SYS_OSDLR_EL1:
		if (read)
			*val = d->dlk;
		else
			d->dlk = *val & 1;
		return 1;
	case SYS_DBGPRCR_EL1:
		if (read)
			*val = d->corenpdrq;
		else
			d->corenpdrq = *val & 1;
		return 1;
	case SYS_MDRAR_EL1:		/* read-only; RAZ: no memory-mapped debug */
		if (!read)
			return 0;
		*val = 0;
		return 1;
	default:
		reg = el2_dbg_bpwp(d, enc, &mask);
		if (!reg)
			return 0;
	}
	if (read)
		*val = *reg;
	else
		*reg = *val & mask;
	return 1;
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
	u64 val = read ? 0 : el2_get_reg(vcpu, rt);

	if (el2_debug_reg(vcpu, enc, read, &val) ||
	    ptimer_access(vcpu, enc, read, &val)) {
		if (read)
			el2_set_reg(vcpu, rt, val);
	} else if (el2_is_id_reg(enc)) {
		if (!read)
			return el2_inject_undef(vcpu);
		el2_set_reg(vcpu, rt, el2_id_reg(vcpu, enc));
	} else if (el2_is_sgi_reg(enc) && vcpu->vm->irqchip) {
		/* SGI generation traps with HCR_EL2.IMO/FMO (IHI 0069 12.1.9) */
		if (read)
			return el2_inject_undef(vcpu);
		vgic_sgi(vcpu, el2_get_reg(vcpu, rt), enc == SYS_ICC_SGI1R_EL1);
		/* a target waits for this CPU: leave, the run loop yields */
		if (vcpu->yield_to) {
			el2_skip_instruction(vcpu);
			return -EAGAIN;
		}
	} else if (enc == SYS_ACTLR_EL1) {
		if (read)
			el2_set_reg(vcpu, rt, 0);
	} else if (!el2_is_set_way_op(enc)) {
		return el2_inject_undef(vcpu);
	}
	el2_skip_instruction(vcpu);
	return 1;
}
