// SPDX-License-Identifier: GPL-2.0
/*
 * The EL2 run loop (VHE host), in layers below the core's policy
 * (hv_run.c):
 *   hv_arch_vcpu_prepare() power state (PSCI), user space's answers;
 *   hv_arch_vcpu_enter() EL1 state loaded (preemption off from here);
 *   el2_run_inner()      the guest's EL1/EL0 system registers live in the
 *                        CPU, its FP/SIMD registers from its first FP
 *                        instruction on (el2_fpsimd_trap()); enter and
 *                        handle the exits the kernel owns;
 *   el2_enter_exit()     one entry and exit with DAIF masked: EL2 traps,
 *                        vectors and timer switched, exit syndrome read;
 *   __el2_guest_enter    (entry.S) the GPR switch and ERET.
 *
 * The host kernel never uses the EL1 registers on a VHE system (its _EL1
 * accesses reach EL2), so the guest's stay loaded across exits handled in
 * the kernel, and so do stage 2 and CNTHCTL_EL2 (el2_load()). What the
 * host does use is switched on every entry and exit: HCR_EL2, VBAR_EL2,
 * CPTR_EL2, MDCR_EL2 (in C, IRQs masked) and SP_EL0, which holds the
 * kernel's `current` (in entry.S).
 */
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <asm/cpufeature.h>
#include <asm/daifflags.h>
#include <asm/exception.h>
#include <asm/kvm_arm.h>
#include <asm/neon.h>
#include <asm/sysreg.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "el2.h"
#include "el2_sysreg.h"
#include "vgic.h"

/*
 * MDCR_EL2 for a guest (ARM ARM D19.3.16): the guest's PMU, statistical
 * profiling, trace filter and debug register accesses trap (TPM, TPMCR,
 * TPMS, TTRF, TDA, TDOSA, TDRA); the profiling and trace buffers are EL2's
 * (E2PB = E2TB = 0: EL1 accesses trap); TDE clear. Of the host's value
 * only how its PMU counters are split and counted at EL2 stays (HPMN,
 * HPME, HPMD).
 */
#define EL2_MDCR_TRAPS	(MDCR_EL2_TPM | MDCR_EL2_TPMCR | MDCR_EL2_TPMS | \
			 MDCR_EL2_TTRF | MDCR_EL2_TDA | MDCR_EL2_TDOSA | \
			 MDCR_EL2_TDRA)
#define EL2_MDCR_HOST_KEEP (MDCR_EL2_HPMN_MASK | MDCR_EL2_HPME | MDCR_EL2_HPMD)

/* EL2 registers of the host while one of our guests runs on this CPU. */
struct el2_host_state {
	u64 hcr, vbar, cptr, mdcr, mdscr;
};

/*
 * Host registers el2_load() replaces for the whole of el2_run_inner():
 * the VMM's thread pointers, and CNTHCTL_EL2, whose guest value differs
 * from the host's only in EL1PCTEN and EL1PTEN, which govern EL1 and EL0
 * with HCR_EL2.TGE clear, i.e. the guest, never the host kernel (TGE
 * set), whose user space does not run before el2_put().
 */
struct el2_host_saved {
	u64 tpidr_el0, tpidrro_el0, cnthctl;
};

static DEFINE_PER_CPU(struct el2_host_state, el2_host);

void el2_unexpected_exception(u64 esr, u64 elr, u64 spsr)
{
	struct el2_host_state *host = this_cpu_ptr(&el2_host);

	write_sysreg(host->vbar, vbar_el2);
	write_sysreg(host->hcr, hcr_el2);
	isb();
	panic("hv: unexpected exception at EL2: ESR %#llx ELR %#llx SPSR %#llx\n",
	      esr, elr, spsr);
}

/*
 * CPTR_EL2 for the guest (VHE layout, ARM ARM D19.2.31): SVE and SME
 * trapped to EL2 (the guest does not have them), trace and activity
 * monitors trapped. FP/SIMD (FPEN) is free only once the CPU's FP/SIMD
 * registers hold the guest's (@fp_live); until then its first FP/SIMD
 * instruction, FPCR/FPSR access included, exits with EC 0x07 (FPEN 0b00
 * traps EL0 and EL1; EL2 too, but hv runs no FP code while this value is
 * in place) and el2_fpsimd_trap() loads them: lazy FP/SIMD switching.
 */
static u64 el2_guest_cptr(bool fp_live)
{
	return (fp_live ? CPACR_ELx_FPEN : 0) | CPACR_ELx_TTA | CPTR_EL2_TAM;
}

/*
 * Load the guest's EL1 and EL0 state, its timer controls and stage 2;
 * the CPU keeps them until el2_put() (preemption off: no other vCPU runs
 * here meanwhile, and the host kernel uses neither the EL1 registers nor
 * stage 2; s2_flush_vmid() puts VTTBR_EL2 and VTCR_EL2 back).
 */
static void el2_load(struct hv_vcpu *vcpu, struct el2_host_saved *host)
{
	const struct el2_sysregs *s = &vcpu->arch.sys;

	host->tpidr_el0 = read_sysreg(tpidr_el0);
	host->tpidrro_el0 = read_sysreg(tpidrro_el0);
	host->cnthctl = read_sysreg(cnthctl_el2);
	write_sysreg(s->tpidr_el0, tpidr_el0);
	write_sysreg(s->tpidrro_el0, tpidrro_el0);
	write_sysreg((host->cnthctl | EL2_CNTHCTL_EL1PCTEN) &
		     ~EL2_CNTHCTL_EL1PTEN, cnthctl_el2);
	write_sysreg(el2_config.vtcr, vtcr_el2);
	write_sysreg(vcpu->vm->arch.vttbr, vttbr_el2);

	write_sysreg(vcpu->arch.mpidr, vmpidr_el2);
	write_sysreg(read_cpuid_id(), vpidr_el2);
	write_sysreg_s(s->sctlr, SYS_SCTLR_EL12);
	write_sysreg_s(s->tcr, SYS_TCR_EL12);
	write_sysreg_s(s->cpacr, SYS_CPACR_EL12);
	write_sysreg_s(s->ttbr0, SYS_TTBR0_EL12);
	write_sysreg_s(s->ttbr1, SYS_TTBR1_EL12);
	write_sysreg_s(s->esr, SYS_ESR_EL12);
	write_sysreg_s(s->afsr0, SYS_AFSR0_EL12);
	write_sysreg_s(s->afsr1, SYS_AFSR1_EL12);
	write_sysreg_s(s->far, SYS_FAR_EL12);
	write_sysreg_s(s->mair, SYS_MAIR_EL12);
	write_sysreg_s(s->vbar, SYS_VBAR_EL12);
	write_sysreg_s(s->contextidr, SYS_CONTEXTIDR_EL12);
	write_sysreg_s(s->amair, SYS_AMAIR_EL12);
	write_sysreg_s(s->cntkctl, SYS_CNTKCTL_EL12);
	write_sysreg(s->par, par_el1);
	write_sysreg(s->tpidr_el1, tpidr_el1);
	write_sysreg(s->sp_el1, sp_el1);
	write_sysreg_s(s->elr_el1, SYS_ELR_EL12);
	write_sysreg_s(s->spsr_el1, SYS_SPSR_EL12);
	write_sysreg(s->cntvoff, cntvoff_el2);
	if (vcpu->vm->irqchip)
		vgic_load(vcpu);
}

static void el2_put(struct hv_vcpu *vcpu, const struct el2_host_saved *host)
{
	struct el2_sysregs *s = &vcpu->arch.sys;

	if (vcpu->vm->irqchip)
		vgic_put(vcpu);
	el2_fpsimd_put(vcpu);
	s->sctlr = read_sysreg_s(SYS_SCTLR_EL12);
	s->tcr = read_sysreg_s(SYS_TCR_EL12);
	s->cpacr = read_sysreg_s(SYS_CPACR_EL12);
	s->ttbr0 = read_sysreg_s(SYS_TTBR0_EL12);
	s->ttbr1 = read_sysreg_s(SYS_TTBR1_EL12);
	s->esr = read_sysreg_s(SYS_ESR_EL12);
	s->afsr0 = read_sysreg_s(SYS_AFSR0_EL12);
	s->afsr1 = read_sysreg_s(SYS_AFSR1_EL12);
	s->far = read_sysreg_s(SYS_FAR_EL12);
	s->mair = read_sysreg_s(SYS_MAIR_EL12);
	s->vbar = read_sysreg_s(SYS_VBAR_EL12);
	s->contextidr = read_sysreg_s(SYS_CONTEXTIDR_EL12);
	s->amair = read_sysreg_s(SYS_AMAIR_EL12);
	s->cntkctl = read_sysreg_s(SYS_CNTKCTL_EL12);
	s->par = read_sysreg_par();
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr_el1 = read_sysreg_s(SYS_ELR_EL12);
	s->spsr_el1 = read_sysreg_s(SYS_SPSR_EL12);

	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	write_sysreg(host->tpidr_el0, tpidr_el0);
	write_sysreg(host->tpidrro_el0, tpidrro_el0);
	write_sysreg(host->cnthctl, cnthctl_el2);
}

/* An abort from the guest (a stage-2 fault): HPFAR_EL2 may hold its IPA. */
static bool el2_is_guest_abort(u64 esr)
{
	u32 ec = ESR_ELx_EC(esr);

	return ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_IABT_LOW;
}

/*
 * A stage-2 permission fault may leave HPFAR_EL2 UNKNOWN (ARM ARM D19.2.51;
 * only faults on a stage-1 walk, translation and access-flag faults set it
 * for sure): such a fault needs FAR translated with the guest's stage 1.
 */
static bool el2_fault_needs_at(u64 esr)
{
	return el2_is_guest_abort(esr) && !(esr & ESR_ELx_S1PTW) &&
	       (esr & ESR_ELx_FSC_TYPE) == ESR_ELx_FSC_PERM;
}

/*
 * The IPA of a permission fault, in HPFAR_EL2's layout: AT S1E1R of FAR,
 * with the guest's registers, HCR_EL2 and our vectors still in place (the
 * AT is guarded: see __el2_at_s1e1r). PAR_EL1 is the guest's.
 *
 * Return: false when the guest's stage 1 no longer translates FAR (another
 * vCPU changed its tables, or the walk took an external abort): the guest
 * then runs the instruction again, and faults again if it must.
 */
static bool el2_fault_ipa_at(u64 far, u64 *hpfar)
{
	u64 par, guest_par;

	guest_par = read_sysreg_par();
	par = __el2_at_s1e1r(far);
	write_sysreg(guest_par, par_el1);
	if (par & SYS_PAR_EL1_F)
		return false;
	/* HPFAR_EL2.FIPA holds IPA[47:12] in bits 43:4 */
	*hpfar = (par & GENMASK_ULL(47, 12)) >> 8;
	return true;
}

/*
 * An SError the guest caused may still be pending when it exits: it must
 * be reported as the guest's, never be taken by the host (whose handler
 * panics) once SError is unmasked. With FEAT_RAS the ESB at our vector's
 * entry deferred it into DISR_EL1. Without, DSB SY lets in-flight accesses
 * complete, ISR_EL1.A shows a pending SError (ARM ARM D1.7), and
 * __el2_serror_flush takes it while our vectors are in place. Called with
 * DAIF masked, after ESR/ELR/SPSR/FAR were read (the flush overwrites
 * them).
 */
static void el2_sync_serror(struct el2_exit_info *e)
{
	u64 esr;

	if (cpus_have_final_cap(ARM64_HAS_RAS_EXTN)) {
		u64 disr = read_sysreg_s(SYS_DISR_EL1);

		if (likely(!disr))
			return;
		write_sysreg_s(0, SYS_DISR_EL1);
		esr = disr_to_esr(disr);
	} else {
		dsb(sy);
		isb();
		if (likely(!(read_sysreg(isr_el1) & ISR_EL1_A)) ||
		    !__el2_serror_flush())
			return;
		esr = read_sysreg(esr_el2);
	}
	e->code = EL2_EXIT_SERROR;
	e->esr = esr;
}

/*
 * One guest entry and exit. DAIF stays masked so nothing runs in between;
 * returns with IRQs still off (the caller ends guest mode first).
 */
static notrace void el2_enter_exit(struct hv_vcpu *vcpu)
{
	struct el2_host_state *host = this_cpu_ptr(&el2_host);
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct el2_exit_info *e = &arch->exit;

	local_daif_mask();
	host->hcr = read_sysreg(hcr_el2);
	host->vbar = read_sysreg(vbar_el2);
	host->cptr = read_sysreg(cpacr_el1);
	host->mdcr = read_sysreg(mdcr_el2);

	write_sysreg(el2_guest_cptr(arch->fp_live), cpacr_el1);
	write_sysreg((host->mdcr & EL2_MDCR_HOST_KEEP) | EL2_MDCR_TRAPS,
		     mdcr_el2);
	/*
	 * MDSCR_EL1 is not switched by E2H: the host's (MDE, KDE, SS, set
	 * for a perf or ptrace breakpoint of the VMM, or by kgdb) would arm
	 * the host's breakpoints and watchpoints on the guest's EL1&0 and
	 * route their exceptions to the guest's EL1 (MDCR_EL2.TDE is 0).
	 * The guest's own MDSCR_EL1 is el2_sysreg.c's copy (TDA traps its
	 * accesses): the CPU's is 0 while it runs.
	 */
	host->mdscr = read_sysreg(mdscr_el1);
	if (host->mdscr)
		write_sysreg(0, mdscr_el1);
	write_sysreg_s(arch->sys.cntv_cval, SYS_CNTV_CVAL_EL02);
	write_sysreg_s(arch->sys.cntv_ctl, SYS_CNTV_CTL_EL02);
	write_sysreg(arch->pc, elr_el2);
	write_sysreg(arch->pstate, spsr_el2);
	write_sysreg(el2_vectors, vbar_el2);
	write_sysreg(arch->hcr, hcr_el2);
	isb();

	e->code = __el2_guest_enter(&arch->gprs);

	/*
	 * Still the guest's HCR_EL2 and our vectors (entry.S set PAN): read
	 * the syndrome before anything can overwrite it, attribute a pending
	 * SError to the guest, translate a permission fault's address with
	 * the guest's stage 1. Only then the host's traps and vectors.
	 */
	arch->pc = read_sysreg(elr_el2);
	arch->pstate = read_sysreg(spsr_el2);
	e->esr = read_sysreg(esr_el2);
	e->far = read_sysreg(far_el2);
	e->hpfar = 0;
	if (e->code == EL2_EXIT_SYNC && el2_is_guest_abort(e->esr))
		e->hpfar = read_sysreg(hpfar_el2);
	el2_sync_serror(e);
	if (e->code == EL2_EXIT_SYNC && el2_fault_needs_at(e->esr) &&
	    !el2_fault_ipa_at(e->far, &e->hpfar))
		e->code = EL2_EXIT_RETRY;
	write_sysreg(host->hcr, hcr_el2);
	write_sysreg(host->vbar, vbar_el2);
	isb();
	/* the guest's timer must not interrupt the host: stop it */
	arch->sys.cntv_ctl = read_sysreg_s(SYS_CNTV_CTL_EL02);
	arch->sys.cntv_cval = read_sysreg_s(SYS_CNTV_CVAL_EL02);
	write_sysreg_s(0, SYS_CNTV_CTL_EL02);
	if (vcpu->vm->irqchip)
		vgic_save(vcpu);
	write_sysreg(host->mdcr, mdcr_el2);
	if (host->mdscr)
		write_sysreg(host->mdscr, mdscr_el1);
	write_sysreg(host->cptr, cpacr_el1);
	isb();

	/* SError and debug back on; the IRQ that made the guest exit next */
	local_daif_restore(DAIF_PROCCTX_NOIRQ);
}

/*
 * Does the handler of this exit read or write the GIC's model in a way
 * that depends on what the guest did with its list registers? Only an
 * access to the distributor or a redistributor (a data abort: it may
 * read the pending and active state, or clear it). The others leave the
 * model alone or only add to it, the way another vCPU or a device does
 * while the guest runs with its list registers live: a trapped SGI
 * write latches an SGI, a trapped physical timer access sets INTID 30's
 * line, and vgic_sync_locked() folds the list registers on top of that
 * (it never clears a latch an SGI set, and recomputes the ap bitmaps).
 * Exits that leave el2_run_inner() (WFI, user space) sync when leaving.
 */
static bool el2_exit_needs_vgic_sync(const struct el2_exit_info *e)
{
	return e->code == EL2_EXIT_SYNC &&
	       ESR_ELx_EC(e->esr) == ESR_ELx_EC_DABT_LOW;
}

/*
 * One entry of an irqchip VM: in guest mode, with IRQs off, from the
 * last look at pending interrupts (vgic_flush()) to the exit; then what
 * the guest did with its list registers goes back into the model: now,
 * when the exit's handler needs it (el2_exit_needs_vgic_sync()), else in
 * the next vgic_flush()'s own lock round, or when el2_run_inner() leaves.
 */
static void el2_enter_exit_irqchip(struct hv_vcpu *vcpu)
{
	local_irq_disable();
	hv_vcpu_guest_mode_enter(vcpu);
	vgic_flush(vcpu);
	el2_enter_exit(vcpu);
	hv_vcpu_guest_mode_exit(vcpu);
	local_irq_enable();
	if (el2_exit_needs_vgic_sync(&vcpu->arch.exit))
		vgic_sync(vcpu);
}

/* Enter until an exit needs user space, sleeping work, or the host. */
static int el2_run_inner(struct hv_vcpu *vcpu)
{
	bool leave;
	int ret;

	hv_vcpu_account_start(vcpu);
	do {
		if (vcpu->vm->irqchip) {
			el2_enter_exit_irqchip(vcpu);
		} else {
			el2_enter_exit(vcpu);
			local_irq_enable();
		}
		/* CPU quota and run control (the run loop acts) */
		leave = hv_vcpu_account(vcpu);
		ret = el2_handle_exit(vcpu);
		/*
		 * The host kernel, which just ran the exit handler, must
		 * run with PAN (set in entry.S): checked after every
		 * exit, whatever PSTATE.PAN the guest had.
		 */
		WARN_ON_ONCE(system_uses_hw_pan() &&
			     !(read_sysreg_s(SYS_PSTATE_PAN) & PSR_PAN_BIT));
	} while (ret > 0 && !leave && !need_resched() &&
		 !signal_pending(current) && !local_softirq_pending());
	if (vcpu->vm->irqchip)
		vgic_sync(vcpu);
	return ret;
}

void hv_arch_vcpu_run_begin(struct hv_vcpu *vcpu)
{
}

void hv_arch_vcpu_run_end(struct hv_vcpu *vcpu)
{
}

/*
 * A powered-off vCPU waits for CPU_ON; then the answer user space gave.
 * request_interrupt_window is refused: without an interrupt controller
 * hv has no exit for "PSTATE.I just cleared" (the guest unmasks IRQs
 * without trapping), so the request could not be honoured.
 */
int hv_arch_vcpu_prepare(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	int ret;

	if (READ_ONCE(vcpu->run->request_interrupt_window))
		return -EINVAL;
	ret = el2_power_wait(vcpu);
	if (ret)
		return ret;
	if (vcpu->vm->irqchip)
		vgic_start(vcpu->vm);
	/* WFI of an irqchip VM: sleep here, where sleeping is allowed */
	if (arch->vgic.wfi) {
		ret = vtimer_halt(vcpu);
		if (ret <= 0)
			return ret;
	}
	switch (arch->pending) {
	case EL2_PENDING_MMIO_READ:
		el2_complete_mmio_read(vcpu);
		break;
	case EL2_PENDING_HYPERCALL:
		arch->gprs.x[0] = vcpu->run->hypercall.ret;
		break;
	case EL2_PENDING_NONE:
		break;
	}
	arch->pending = EL2_PENDING_NONE;
	return 1;
}

static void el2_fill_run_flags(struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;
	bool irqs_on = !(vcpu->arch.pstate & PSR_I_BIT);

	run->if_flag = irqs_on;
	run->ready_for_interrupt = irqs_on && !(vcpu->arch.hcr & HCR_VI);
}

int hv_arch_vcpu_enter(struct hv_vcpu *vcpu)
{
	struct el2_host_saved host;
	int ret;

	/*
	 * Preemption stays off while the guest's state is in the CPU: its
	 * EL1 registers from here, its FP/SIMD registers from its first FP
	 * instruction (el2_fpsimd_trap()) to el2_put().
	 */
	preempt_disable();
	el2_load(vcpu, &host);
	ret = el2_run_inner(vcpu);
	el2_put(vcpu, &host);
	preempt_enable();
	if (ret >= 0)
		el2_fill_run_flags(vcpu);
	return ret;
}
