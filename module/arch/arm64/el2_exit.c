// SPDX-License-Identifier: GPL-2.0
/*
 * Exit dispatch by exception class (ESR_EL2.EC) and the exits that need no
 * more than a few lines: HVC, WFI/WFE, SMC, SVE/SME, SError, interrupts,
 * and the first FP/SIMD use of an entry (lazy FP/SIMD switching).
 *
 * Called in el2_run_inner() with preemption off and the guest's EL1
 * registers live in the CPU (so UNDEF injection writes them directly).
 */
#include <linux/nospec.h>
#include <asm/esr.h>
#include <asm/neon.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "hv_core.h"
#include "el2.h"

/* Advance the PC past the 32-bit instruction that trapped. */
void el2_skip_instruction(struct hv_vcpu *vcpu)
{
	vcpu->arch.pc += 4;
}

/* X<rt> as an instruction sees it: register 31 is XZR here. */
u64 el2_get_reg(struct hv_vcpu *vcpu, unsigned int rt)
{
	return rt < 31 ? vcpu->arch.gprs.x[rt] : 0;
}

void el2_set_reg(struct hv_vcpu *vcpu, unsigned int rt, u64 val)
{
	if (rt < 31)
		vcpu->arch.gprs.x[rt] = val;
}

/**
 * el2_exit_internal() - report an exit hv cannot handle to user space.
 * @vcpu: the vCPU.
 * @suberror: HV_INTERNAL_*.
 *
 * Return: 0 (exit to user space).
 */
int el2_exit_internal(struct hv_vcpu *vcpu, u32 suberror)
{
	struct hv_run *run = vcpu->run;
	const struct el2_exit_info *e = &vcpu->arch.exit;

	run->exit_reason = HV_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 4;
	run->internal.data[0] = e->esr;
	run->internal.data[1] = e->far;
	run->internal.data[2] = vcpu->arch.pc;
	run->internal.data[3] = (e->hpfar & HPFAR_MASK) << 8;
	return 0;
}

/*
 * Deliver an Undefined Instruction exception to the guest's EL1, as the
 * CPU would (ARM ARM D1.3.2, "Exception entry"): ESR_EL1.EC = 0 with IL,
 * ELR_EL1 = the instruction, SPSR_EL1 = PSTATE, then EL1h with DAIF
 * masked at VBAR_EL1 + the offset for where the guest was.
 */
int el2_inject_undef(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u64 sctlr = read_sysreg_s(SYS_SCTLR_EL12);
	u64 mode = arch->pstate & PSR_MODE_MASK;
	u64 offset, pstate;

	if (mode == PSR_MODE_EL1h)
		offset = 0x200;		/* current EL with SP_EL1 */
	else if (mode == PSR_MODE_EL1t)
		offset = 0x000;		/* current EL with SP_EL0 */
	else
		offset = 0x400;		/* lower EL, AArch64 */

	write_sysreg_s(ESR_ELx_IL, SYS_ESR_EL12);
	write_sysreg_s(arch->pc, SYS_ELR_EL12);
	write_sysreg_s(arch->pstate, SYS_SPSR_EL12);

	pstate = PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
	if (!(sctlr & SCTLR_EL1_SPAN))
		pstate |= PSR_PAN_BIT;
	if (sctlr & SCTLR_ELx_DSSBS)
		pstate |= PSR_SSBS_BIT;
	arch->pstate = pstate;
	arch->pc = read_sysreg_s(SYS_VBAR_EL12) + offset;
	return 1;
}

static int handle_unknown(struct hv_vcpu *vcpu)
{
	return el2_exit_internal(vcpu, HV_INTERNAL_EXIT_UNHANDLED);
}

/* HVC: PSCI in the kernel, anything else is a hypercall for user space. */
static int handle_hvc64(struct hv_vcpu *vcpu)
{
	struct hv_exit_hypercall *hc = &vcpu->run->hypercall;
	const u64 *x = vcpu->arch.gprs.x;
	int i;

	/* ELR_EL2 already points after HVC (ARM ARM D1.3.3, preferred return) */
	if (el2_is_psci_call(x[0]))
		return el2_handle_psci(vcpu);
	vcpu->run->exit_reason = HV_EXIT_HYPERCALL;
	hc->nr = x[0];
	for (i = 0; i < ARRAY_SIZE(hc->args); i++)
		hc->args[i] = x[i + 1];
	hc->ret = 0;
	vcpu->arch.pending = EL2_PENDING_HYPERCALL;
	return 0;
}

/**
 * el2_wfi() - WFI, or a PSCI standby: an irqchip vCPU sleeps in HV_RUN
 * until an interrupt is pending for it (vtimer_halt(), before the next
 * entry); other VMs exit with HV_EXIT_HLT unless an interrupt line is
 * high (which wakes WFI whether PSTATE masks it or not).
 * @vcpu: the vCPU, its PC past the instruction.
 *
 * Return: see el2_exit_fn.
 */
int el2_wfi(struct hv_vcpu *vcpu)
{
	if (vcpu->vm->irqchip) {
		vcpu->arch.vgic.wfi = true;
		return -EAGAIN;
	}
	if (vcpu->arch.hcr & (HCR_VI | HCR_VF))
		return 1;
	vcpu->run->exit_reason = HV_EXIT_HLT;
	return 0;
}

/* WFI halts (el2_wfi()); WFE (and WFIT/WFET) just go on. */
static int handle_wfx(struct hv_vcpu *vcpu)
{
	u64 ti = vcpu->arch.exit.esr & ESR_ELx_WFx_ISS_TI;

	el2_skip_instruction(vcpu);
	if (ti != ESR_ELx_WFx_ISS_WFI)
		return 1;
	return el2_wfi(vcpu);
}

/**
 * el2_fpsimd_trap() - the guest's first FP/SIMD instruction since
 * hv_arch_vcpu_enter() (EC 0x07, CPTR_EL2.FPEN clear: el2_guest_cptr()):
 * take the FP/SIMD registers from the host and load the guest's.
 * @vcpu: the vCPU; preemption off, IRQs on (may_use_simd()).
 *
 * kernel_neon_begin() saves the VMM thread's user FP/SIMD (and SVE/SME)
 * state if it is still in the registers and tells the kernel that they
 * hold no task's state any more (TIF_FOREIGN_FPSTATE: the VMM's state is
 * loaded again on its return to user space); from then on a softirq's
 * kernel-mode NEON saves and restores the guest's values around its own
 * use (TIF_KERNEL_FPSTATE). el2_fpsimd_put() gives them back before
 * preemption comes on. The trapped instruction runs again (ELR_EL2 is
 * the instruction itself, ARM ARM D1.3.3) with FPEN set.
 *
 * Return: see el2_exit_fn.
 */
int el2_fpsimd_trap(struct hv_vcpu *vcpu)
{
	/*
	 * FPEN was set: not a trap hv made (none is architected), so not one
	 * to fix by loading again and looping; user space sees it.
	 */
	if (unlikely(vcpu->arch.fp_live))
		return handle_unknown(vcpu);
	kernel_neon_begin();
	__el2_fpsimd_load(&vcpu->arch.fp);
	vcpu->arch.fp_live = true;
	return 1;
}

/**
 * el2_fpsimd_put() - save the guest's FP/SIMD registers if it used them
 * in this entry, and give them back to the host.
 * @vcpu: the vCPU, leaving hv_arch_vcpu_enter() (preemption still off).
 */
void el2_fpsimd_put(struct hv_vcpu *vcpu)
{
	if (!vcpu->arch.fp_live)
		return;
	__el2_fpsimd_save(&vcpu->arch.fp);
	vcpu->arch.fp_live = false;
	kernel_neon_end();
}

/* ESR_ELx.EC is 6 bits (ARM ARM D19.2.45) */
#define EL2_NR_EC	64

/*
 * A host interrupt made the guest exit (it was taken when IRQs came on),
 * or the exit's fault address could not be read: run the guest again.
 */
static int handle_resume(struct hv_vcpu *vcpu)
{
	return 1;
}

/*
 * Exception class -> handler. Contract (see el2.h): > 0 resume the guest,
 * 0 exit to user space with vcpu->run filled in, < 0 -errno (-EAGAIN: do
 * sleeping work, then re-enter). Every slot has a handler. SMC traps with
 * the PC on the SMC (HCR_EL2.TSC), the others on the instruction: UNDEF.
 */
static const el2_exit_fn el2_exit_handlers[EL2_NR_EC] = {
	[0 ... EL2_NR_EC - 1] = handle_unknown,
	[ESR_ELx_EC_WFx] = handle_wfx,
	[ESR_ELx_EC_HVC64] = handle_hvc64,
	[ESR_ELx_EC_SMC64] = el2_inject_undef,
	[ESR_ELx_EC_SYS64] = el2_handle_sys64,
	[ESR_ELx_EC_FP_ASIMD] = el2_fpsimd_trap,
	[ESR_ELx_EC_SVE] = el2_inject_undef,
	[ESR_ELx_EC_SME] = el2_inject_undef,
	[ESR_ELx_EC_PAC] = el2_inject_undef,
	[ESR_ELx_EC_IABT_LOW] = el2_handle_abort,
	[ESR_ELx_EC_DABT_LOW] = el2_handle_abort,
};

int el2_handle_exit(struct hv_vcpu *vcpu)
{
	const struct el2_exit_info *e = &vcpu->arch.exit;
	u32 ec;

	switch (e->code) {
	case EL2_EXIT_IRQ:
	case EL2_EXIT_FIQ:
	case EL2_EXIT_RETRY:
		return handle_resume(vcpu);
	case EL2_EXIT_SYNC:
		break;
	default:
		/*
		 * An SError the guest caused, taken at its exit or found
		 * pending there (el2_sync_serror()): the VM stops, the VMM
		 * sees ESR (EC 0x2f, SError) in internal.data[0].
		 */
		return handle_unknown(vcpu);
	}
	ec = ESR_ELx_EC(e->esr);
	ec = array_index_nospec(ec, EL2_NR_EC);
	return el2_exit_handlers[ec](vcpu);
}
