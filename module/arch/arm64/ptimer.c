// SPDX-License-Identifier: GPL-2.0
/*
 * The EL1 physical timer of a guest (ARM ARM D11.2, "The AArch64 view of
 * the Generic Timer": CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0),
 * emulated in the kernel.
 *
 * The Generic Timer is part of every AArch64 PE, so the EL1 physical
 * timer is not refused: CNTHCTL_EL2.EL1PTEN = 0 (el2_run.c) traps every
 * guest access to its registers (EC 0x18, el2_sysreg.c) and they are
 * emulated here on a per-vCPU copy (struct el2_sysregs). The guest reads
 * the physical counter itself (CNTHCTL_EL2.EL1PCTEN = 1): without
 * FEAT_ECV's CNTPOFF_EL2 the EL1 physical count is the host's, offset by
 * nothing (KVM's default too), while the virtual count is that minus the
 * vCPU's CNTVOFF_EL2, as the architecture relates them.
 *
 * Timer condition (D11.2.4): ENABLE and CNTPCT_EL0 >= CVAL, unsigned.
 * CTL.ISTATUS reads the condition, TVAL reads (CVAL - count)[31:0], and a
 * TVAL write sets CVAL = count + SignExtend(TVAL[31:0]).
 *
 * The output (condition met and not IMASK) is the level of PPI INTID 30
 * in an irqchip VM's vGIC, sampled before every entry (vgic_flush()) and
 * while the vCPU sleeps in WFI (hv_arch_vcpu_has_interrupt()). Nothing in
 * hardware watches CVAL for us, so an hrtimer at CVAL kicks the vCPU, out
 * of the guest or out of WFI, whenever the output is due to rise. Without
 * the in-kernel GIC the registers work the same but the output reaches no
 * interrupt controller (as with the virtual timer): the VMM drives the
 * vCPU's IRQ line.
 */
#include <linux/hrtimer.h>
#include <asm/arch_timer.h>
#include <asm/sysreg.h>

#include "hv_core.h"
#include "vgic.h"

/* CNTP_CTL_EL0 (ARM ARM D19.11.11) */
#define PTIMER_ENABLE		BIT(0)
#define PTIMER_IMASK		BIT(1)
#define PTIMER_ISTATUS		BIT(2)

/* The guest's EL1 physical count: the host's (no CNTPOFF_EL2). */
static u64 ptimer_count(void)
{
	return arch_timer_read_counter();
}

static bool ptimer_met(const struct el2_sysregs *s, u64 now)
{
	return (s->cntp_ctl & PTIMER_ENABLE) && now >= s->cntp_cval;
}

/**
 * ptimer_level() - the physical timer's output: condition met, not masked.
 * @vcpu: the vCPU (its own thread, or with its mutex held).
 * @now: the host's counter, the guest's physical count.
 *
 * Return: the level of INTID 30.
 */
bool ptimer_level(struct hv_vcpu *vcpu, u64 now)
{
	const struct el2_sysregs *s = &vcpu->arch.sys;

	return !(s->cntp_ctl & PTIMER_IMASK) && ptimer_met(s, now);
}

/*
 * The hrtimer: kick the vCPU once the count reached the CVAL it was armed
 * for (c->ptimer_cval, written only while the hrtimer is stopped). The
 * host's monotonic clock is not the counter: if it fires a little early,
 * wait for the rest.
 */
static enum hrtimer_restart ptimer_expired(struct hrtimer *t)
{
	struct hv_vcpu *vcpu = container_of(t, struct hv_vcpu,
					    arch.vgic.ptimer);
	u64 ns = vtimer_ns_until(ptimer_count(), vcpu->arch.vgic.ptimer_cval);

	if (ns) {
		hrtimer_forward_now(t, ns_to_ktime(ns));
		return HRTIMER_RESTART;
	}
	hv_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

static void ptimer_stop(struct hv_vcpu *vcpu)
{
	if (vcpu->vm->irqchip)
		hrtimer_cancel(&vcpu->arch.vgic.ptimer);
}

/*
 * Arm the hrtimer for a rising output in the future. An output already
 * high needs none: the caller is about to enter the guest (or HV_RUN is),
 * and the level is sampled then.
 */
static void ptimer_start(struct hv_vcpu *vcpu)
{
	const struct el2_sysregs *s = &vcpu->arch.sys;
	struct vgic_cpu *c = &vcpu->arch.vgic;
	u64 ns;

	if (!vcpu->vm->irqchip ||
	    (s->cntp_ctl & (PTIMER_ENABLE | PTIMER_IMASK)) != PTIMER_ENABLE)
		return;
	ns = vtimer_ns_until(ptimer_count(), s->cntp_cval);
	if (!ns || ns == U64_MAX)
		return;
	c->ptimer_cval = s->cntp_cval;
	hrtimer_start(&c->ptimer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

/**
 * ptimer_set() - give the timer a new CTL and CVAL (a VMM's restore).
 * @vcpu: the vCPU, its mutex held (not running).
 * @ctl: CNTP_CTL_EL0's ENABLE and IMASK.
 * @cval: CNTP_CVAL_EL0.
 */
void ptimer_set(struct hv_vcpu *vcpu, u64 ctl, u64 cval)
{
	ptimer_stop(vcpu);
	vcpu->arch.sys.cntp_ctl = ctl & (PTIMER_ENABLE | PTIMER_IMASK);
	vcpu->arch.sys.cntp_cval = cval;
	ptimer_start(vcpu);
}

/**
 * ptimer_access() - a trapped guest access to a physical timer register.
 * @vcpu: the vCPU, in its exit handler.
 * @enc: the register (sys_reg() encoding).
 * @read: MRS (else MSR).
 * @val: the value read, or the value to write.
 *
 * Return: true if @enc is one of CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0.
 */
bool ptimer_access(struct hv_vcpu *vcpu, u32 enc, bool read, u64 *val)
{
	struct el2_sysregs *s = &vcpu->arch.sys;
	u64 now = ptimer_count();

	switch (enc) {
	case SYS_CNTP_CTL_EL0:
		if (read) {
			*val = s->cntp_ctl |
			       (ptimer_met(s, now) ? PTIMER_ISTATUS : 0);
			return true;
		}
		ptimer_set(vcpu, *val, s->cntp_cval);
		return true;
	case SYS_CNTP_CVAL_EL0:
		if (read)
			*val = s->cntp_cval;
		else
			ptimer_set(vcpu, s->cntp_ctl, *val);
		return true;
	case SYS_CNTP_TVAL_EL0:
		/* a signed 32-bit distance to CVAL; bits [63:32] RES0 */
		if (read)
			*val = lower_32_bits(s->cntp_cval - now);
		else
			ptimer_set(vcpu, s->cntp_ctl,
				   now + (s64)(s32)lower_32_bits(*val));
		return true;
	}
	return false;
}

void ptimer_vcpu_init(struct hv_vcpu *vcpu)
{
	hrtimer_init(&vcpu->arch.vgic.ptimer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL);
	vcpu->arch.vgic.ptimer.function = ptimer_expired;
}

void ptimer_vcpu_destroy(struct hv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->arch.vgic.ptimer);
}
