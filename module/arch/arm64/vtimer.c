// SPDX-License-Identifier: GPL-2.0
/*
 * The EL1 virtual timer of an irqchip VM (ARM ARM D11.2, "The AArch64 view
 * of the Generic Timer"). The guest owns CNTV_CTL_EL0 and CNTV_CVAL_EL0
 * while it runs, its counter offset in CNTVOFF_EL2 (el2_run.c switches
 * them). Its output is the level of PPI INTID 27 in the vGIC:
 *
 * - while the guest runs, the expiry raises the host's vtimer PPI, which
 *   exits (vgic_hw.c); before every entry vgic_flush() samples the level
 *   here and delivers INTID 27 through a hardware list register, the
 *   host's PPI kept active (masked) until the guest deactivates it;
 * - while the vCPU sleeps in WFI, an hrtimer at CNTV_CVAL wakes it.
 *
 * The EL1 physical timer (CNTP_*) is trapped and emulated: ptimer.c.
 */
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <asm/arch_timer.h>

#include "hv_core.h"
#include "vgic.h"

/* CNTV_CTL_EL0 (ARM ARM D19.11.17) */
#define VTIMER_ENABLE		BIT(0)
#define VTIMER_IMASK		BIT(1)

/* Beyond this many ticks ahead (decades) the hrtimer is not armed. */
#define VTIMER_MAX_TICKS	BIT_ULL(58)

/* The guest's virtual count now. */
static u64 vtimer_count(const struct hv_vcpu *vcpu)
{
	return arch_timer_read_counter() - vcpu->arch.sys.cntvoff;
}

/**
 * vtimer_level() - the timer's output: enabled, not masked, condition met
 * (CNTVCT_EL0 >= CNTV_CVAL_EL0, an unsigned comparison).
 * @vcpu: the vCPU, not in the guest (its CNTV_* saved in arch.sys).
 * @now: the host's counter (arch_timer_read_counter()), read once for
 * both timers.
 *
 * Return: the level of INTID 27.
 */
bool vtimer_level(struct hv_vcpu *vcpu, u64 now)
{
	const struct el2_sysregs *s = &vcpu->arch.sys;

	if ((s->cntv_ctl & (VTIMER_ENABLE | VTIMER_IMASK)) != VTIMER_ENABLE)
		return false;
	return now - s->cntvoff >= s->cntv_cval;
}

/**
 * vtimer_ns_until() - how long until a count reaches a compare value.
 * @now: the count now.
 * @cval: the compare value.
 *
 * Return: 0 when @now >= @cval (the condition is met); else the host
 * nanoseconds until then, rounded up so that a timer at that time never
 * fires before the condition holds; U64_MAX when that is decades ahead
 * (no hrtimer is armed then).
 */
u64 vtimer_ns_until(u64 now, u64 cval)
{
	u64 ticks = cval - now;

	if (now >= cval)
		return 0;
	if (ticks >= VTIMER_MAX_TICKS)
		return U64_MAX;
	return mul_u64_u32_div(ticks, NSEC_PER_SEC, arch_timer_get_cntfrq()) + 1;
}

/*
 * The hrtimer of a vCPU in WFI (its CNTV_* stay as saved meanwhile): the
 * host's monotonic clock is not the counter, so an early expiry waits
 * for the rest instead of waking the vCPU to nothing and never again.
 */
static enum hrtimer_restart vtimer_wake(struct hrtimer *t)
{
	struct hv_vcpu *vcpu = container_of(t, struct hv_vcpu,
					    arch.vgic.timer);
	u64 ns = vtimer_ns_until(vtimer_count(vcpu),
				 READ_ONCE(vcpu->arch.sys.cntv_cval));

	if (ns && ns != U64_MAX) {
		hrtimer_forward_now(t, ns_to_ktime(ns));
		return HRTIMER_RESTART;
	}
	hv_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

/**
 * vtimer_halt() - WFI of an irqchip vCPU: sleep in hv_vcpu_halt(), with an
 * hrtimer at the guest's CNTV_CVAL when its timer would fire.
 * @vcpu: the vCPU, in HV_RUN (vcpu->lock held, may sleep).
 *
 * Return: what hv_vcpu_halt() returns.
 */
int vtimer_halt(struct hv_vcpu *vcpu)
{
	const struct el2_sysregs *s = &vcpu->arch.sys;
	struct vgic_cpu *c = &vcpu->arch.vgic;
	int ret;

	c->wfi = false;
	if ((s->cntv_ctl & (VTIMER_ENABLE | VTIMER_IMASK)) == VTIMER_ENABLE) {
		u64 ns = vtimer_ns_until(vtimer_count(vcpu), s->cntv_cval);

		if (ns != U64_MAX)
			hrtimer_start(&c->timer, ns_to_ktime(ns),
				      HRTIMER_MODE_REL);
	}
	ret = hv_vcpu_halt(vcpu);
	hrtimer_cancel(&c->timer);
	return ret;
}

void vtimer_vcpu_init(struct hv_vcpu *vcpu)
{
	hrtimer_init(&vcpu->arch.vgic.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vcpu->arch.vgic.timer.function = vtimer_wake;
	ptimer_vcpu_init(vcpu);
}

void vtimer_vcpu_destroy(struct hv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->arch.vgic.timer);
	ptimer_vcpu_destroy(vcpu);
}
