// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC of a vCPU in software (SDM Vol. 3A, chapter 11
 * "Advanced Programmable Interrupt Controller (APIC)"): xAPIC and x2APIC
 * register access, priorities, EOI, IPIs, INIT/SIPI and the timer. No VMX
 * here; see lapic.h for who may touch what.
 */
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sysfs.h>
#include <asm/apicdef.h>
#include <asm/tsc.h>

#include "hv_core.h"
#include "hv_ioctl.h"
#include "lapic.h"

/*
 * reg[] is the xAPIC page (a register at its byte offset), so that the
 * backend can hand it to the CPU as its virtual-APIC page; R() indexes it.
 * The 256-bit registers (ISR, TMR, IRR) have their 32-bit words 16 bytes
 * apart: word i of the one at @base is RV(base, i). HV_GET_LAPIC's regs[]
 * has one word per 16 bytes: S() indexes it.
 */
#define R(off)		((off) >> 2)
#define RV(base, i)	(R(base) + 4 * (i))
#define S(off)		((off) >> 4)
#define LAPIC_VERSION	0x14	/* an integrated APIC (xAPIC) */
#define LAPIC_MAX_LVT	5	/* timer, thermal, perf, LINT0, LINT1, error */

/* ESR bits (SDM Vol. 3A, Figure 11-9) */
#define ESR_SEND_ILLEGAL	BIT(5)
#define ESR_RX_ILLEGAL		BIT(6)
#define ESR_ILLEGAL_REG		BIT(7)

#define LVT_MASKED		BIT(16)
#define LVT_TIMER_MODE		(3 << 17)
#define LVT_TIMER_PERIODIC	BIT(17)
#define LVT_TIMER_TSCDEADLINE	(2 << 17)

/* x2APIC ICR bits that must be 0 (WRMSR #GP), as KVM checks them */
#define X2APIC_ICR_RESERVED	(GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | \
				 BIT_ULL(13))

static bool lapic_test_vec(const struct hv_lapic *a, u32 base, int v)
{
	return a->reg[RV(base, v / 32)] & BIT(v % 32);
}

static void lapic_set_vec(struct hv_lapic *a, u32 base, int v, bool on)
{
	if (base == APIC_TMR)
		a->tmr_changed = true;
	else
		a->vregs_changed = true;
	if (on)
		a->reg[RV(base, v / 32)] |= BIT(v % 32);
	else
		a->reg[RV(base, v / 32)] &= ~BIT(v % 32);
}

/* The highest vector set in the 256-bit register at @base, or -1. */
static int lapic_highest(const struct hv_lapic *a, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (a->reg[RV(base, i)])
			return i * 32 + __fls(a->reg[RV(base, i)]);
	return -1;
}

/* SDM 11.8.3.1: PPR = TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4 */
static u32 lapic_ppr(const struct hv_lapic *a)
{
	u32 tpr = a->reg[R(APIC_TASKPRI)] & 0xff;
	int isrv = lapic_highest(a, APIC_ISR);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

static bool lapic_hw_enabled(const struct hv_lapic *a)
{
	return a->base & HV_APIC_BASE_EN;
}

/*
 * ID and version as a read returns them, also in the page: a backend whose
 * CPU answers xAPIC reads from the page itself (VMX APIC-register
 * virtualization) shows the guest reg[], never lapic_read_reg().
 */
static void lapic_page_id(struct hv_lapic *a)
{
	a->reg[R(APIC_ID)] = a->x2apic ? a->id : a->id << 24;
	a->reg[R(APIC_LVR)] = LAPIC_VERSION | (LAPIC_MAX_LVT << 16);
}

static void lapic_update_enabled(struct hv_lapic *a)
{
	a->vregs_changed = true;	/* IRR counts only when enabled */
	WRITE_ONCE(a->enabled, lapic_hw_enabled(a) &&
		   (a->reg[R(APIC_SPIV)] & APIC_SPIV_APIC_ENABLED));
	WRITE_ONCE(a->x2apic, lapic_hw_enabled(a) &&
		   (a->base & HV_APIC_BASE_EXTD));
	lapic_page_id(a);
}

/* x2APIC: the logical ID follows the ID (SDM 11.12.10.2). */
static u32 lapic_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | BIT(id & 0xf);
}

/* An error the APIC detected: latch it, raise the error LVT. */
static void lapic_error(struct hv_lapic *a, u32 esr)
{
	u32 lvt = a->reg[R(APIC_LVTERR)];

	a->esr_pending |= esr;
	if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
		lapic_set_vec(a, APIC_IRR, lvt & 0xff, true);
}

/* Set a vector in IRR from an LVT entry of this APIC (edge-triggered). */
static void lapic_raise_lvt(struct hv_lapic *a, u32 lvt_off)
{
	u32 lvt = a->reg[R(lvt_off)];

	if (lvt & LVT_MASKED || !a->enabled)
		return;
	if ((lvt & APIC_MODE_MASK) == APIC_DM_NMI) {
		a->nmi_pending = true;
		return;
	}
	if ((lvt & 0xff) < 16) {
		lapic_error(a, ESR_RX_ILLEGAL);
		return;
	}
	lapic_set_vec(a, APIC_TMR, lvt & 0xff, false);
	lapic_set_vec(a, APIC_IRR, lvt & 0xff, true);
}

/* ---- the timer ---- */

static u32 lapic_timer_mode(const struct hv_lapic *a)
{
	return a->reg[R(APIC_LVTT)] & LVT_TIMER_MODE;
}

/* TDCR bits 3, 1:0 -> divide by 2, 4, ..., 128, 1 (SDM Figure 11-10) */
static u32 lapic_divisor(const struct hv_lapic *a)
{
	u32 v = a->reg[R(APIC_TDCR)];

	v = (v & 3) | ((v & 8) >> 1);
	return 1U << ((v + 1) & 7);
}

static enum hrtimer_restart lapic_timer_fn(struct hrtimer *t)
{
	struct hv_lapic *a = container_of(t, struct hv_lapic, timer);

	set_bit(HV_LAPIC_EV_TIMER, &a->events);
	hv_vcpu_kick(a->vcpu);
	if (READ_ONCE(a->timer_periodic)) {
		hrtimer_forward_now(t, ns_to_ktime(a->period_ns));
		return HRTIMER_RESTART;
	}
	return HRTIMER_NORESTART;
}

static void lapic_timer_stop(struct hv_lapic *a)
{
	hrtimer_cancel(&a->timer);
	WRITE_ONCE(a->timer_periodic, false);
}

static u64 lapic_count_ns(const struct hv_lapic *a, u32 count)
{
	return (u64)count * lapic_divisor(a) * HV_LAPIC_BUS_NS;
}

/*
 * Start the one-shot or periodic count of TMICT, the first expiry after
 * @count ticks (TMICT, or what was left when the state was saved).
 */
static void lapic_timer_start_count(struct hv_lapic *a, u32 count)
{
	u64 ns;

	lapic_timer_stop(a);
	if (!count || lapic_timer_mode(a) == LVT_TIMER_TSCDEADLINE)
		return;
	ns = lapic_count_ns(a, count);
	if (lapic_timer_mode(a) == LVT_TIMER_PERIODIC) {
		a->period_ns = max_t(u64, lapic_count_ns(a, a->reg[R(APIC_TMICT)]),
				     HV_LAPIC_MIN_PERIOD_NS);
		ns = max_t(u64, ns, HV_LAPIC_MIN_PERIOD_NS);
		WRITE_ONCE(a->timer_periodic, true);
	}
	hrtimer_start(&a->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

static u32 lapic_current_count(struct hv_lapic *a)
{
	s64 left;
	u64 ticks;

	if (lapic_timer_mode(a) == LVT_TIMER_TSCDEADLINE ||
	    !hrtimer_active(&a->timer))
		return 0;
	left = ktime_to_ns(hrtimer_get_remaining(&a->timer));
	if (left <= 0)
		return 0;
	ticks = div_u64(left, lapic_divisor(a) * HV_LAPIC_BUS_NS);
	return min_t(u64, ticks, a->reg[R(APIC_TMICT)]);
}

u64 hv_lapic_get_tsc_deadline(struct hv_lapic *a)
{
	if (lapic_timer_mode(a) != LVT_TIMER_TSCDEADLINE)
		return 0;
	return a->tsc_deadline;
}

/**
 * hv_lapic_set_tsc_deadline() - WRMSR IA32_TSC_DEADLINE (SDM 11.5.4.1).
 * @a: the APIC.
 * @val: the deadline in guest TSC ticks; 0 disarms.
 * @guest_tsc: the guest's TSC now.
 * @tsc_khz: the TSC's rate.
 *
 * Ignored unless the timer is in TSC-deadline mode; a deadline in the past
 * fires at once.
 */
void hv_lapic_set_tsc_deadline(struct hv_lapic *a, u64 val, u64 guest_tsc,
			       u32 tsc_khz)
{
	u64 ns;

	if (lapic_timer_mode(a) != LVT_TIMER_TSCDEADLINE)
		return;
	lapic_timer_stop(a);
	a->tsc_deadline = val;
	if (!val)
		return;
	if (val <= guest_tsc || !tsc_khz) {
		a->tsc_deadline = 0;
		lapic_raise_lvt(a, APIC_LVTT);
		return;
	}
	ns = mul_u64_u32_div(val - guest_tsc, 1000000, tsc_khz);
	hrtimer_start(&a->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

/* The guest's TSC now, from the vCPU's thread (VMCS loaded or not). */
static u64 lapic_guest_tsc(const struct hv_lapic *a)
{
	return rdtsc() + a->tsc_offset;
}

/**
 * hv_lapic_set_tsc_offset() - the guest's TSC was set (a new vCPU, WRMSR
 * IA32_TSC): keep the offset, and arm an armed TSC deadline again, since
 * the deadline is a TSC value and the TSC moved (SDM 11.5.4.1).
 * @a: the APIC (initialised or not: only an armed deadline is looked at).
 * @offset: the VMCS's TSC offset.
 */
void hv_lapic_set_tsc_offset(struct hv_lapic *a, u64 offset)
{
	a->tsc_offset = offset;
	if (a->tsc_deadline && lapic_timer_mode(a) == LVT_TIMER_TSCDEADLINE)
		hv_lapic_set_tsc_deadline(a, a->tsc_deadline,
					  lapic_guest_tsc(a), tsc_khz);
}

/*
 * The vCPU saw the timer expire: raise the LVT and end a TSC deadline, or
 * arm again for what is left of a TSC deadline the guest's TSC has not
 * reached. The hrtimer counts the host's clock and the deadline was turned
 * into nanoseconds with tsc_khz; where the two drift apart (a clocksource
 * other than the TSC: Bochs with 2 CPUs runs Linux on its HPET, whose rate
 * against the TSC moves), the hrtimer ends early, and the interrupt must
 * come when the TSC reaches the deadline, not before (KVM spins the rest
 * away in __kvm_wait_lapic_expire(); hv lets the CPU go meanwhile).
 */
static void lapic_timer_expired(struct hv_lapic *a)
{
	if (lapic_timer_mode(a) == LVT_TIMER_TSCDEADLINE) {
		u64 now = lapic_guest_tsc(a);

		if (a->tsc_deadline && now < a->tsc_deadline) {
			hv_lapic_set_tsc_deadline(a, a->tsc_deadline, now,
						  tsc_khz);
			return;
		}
		a->tsc_deadline = 0;
	}
	lapic_raise_lvt(a, APIC_LVTT);
}

/* ---- IPIs ---- */

static bool lapic_match_logical(const struct hv_lapic *t, u32 dest,
				bool x2apic)
{
	u32 ldr = READ_ONCE(t->ldr);

	if (x2apic)
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	dest &= 0xff;
	ldr >>= 24;
	if ((READ_ONCE(t->dfr) >> 28) == 0xf)	/* flat model */
		return dest & ldr;
	/* cluster model: cluster in bits 7:4, members in 3:0 */
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static bool lapic_match(const struct hv_lapic *t, const struct hv_lapic *src,
			const struct hv_apic_irq *irq)
{
	bool x2apic = READ_ONCE(t->x2apic);

	switch (irq->shorthand) {
	case 1:
		return t == src;
	case 2:
		return true;
	case 3:
		return t != src;
	}
	if (irq->dest == irq->broadcast)
		return true;
	if (irq->logical)
		return lapic_match_logical(t, irq->dest, x2apic);
	if (x2apic)
		return irq->dest == READ_ONCE(t->id);
	return (irq->dest & 0xff) == (READ_ONCE(t->id) & 0xff);
}

/* Post @irq to @t (any thread) and kick its vCPU. */
static void lapic_accept(struct hv_lapic *t, const struct hv_apic_irq *irq)
{
	u8 v = irq->vector;

	if (!(READ_ONCE(t->base) & HV_APIC_BASE_EN))
		return;
	switch (irq->delivery) {
	case APIC_DM_FIXED >> 8:
	case APIC_DM_LOWEST >> 8:
		if (!READ_ONCE(t->enabled))
			return;
		if (v < 16) {
			set_bit(HV_LAPIC_EV_RX_ILLEGAL, &t->events);
			break;
		}
		/*
		 * an atomic only when the trigger mode changes; set or clear,
		 * not toggle: two senders may race here
		 */
		if (irq->level && !test_bit(v, t->pir_level))
			set_bit(v, t->pir_level);
		else if (!irq->level && test_bit(v, t->pir_level))
			clear_bit(v, t->pir_level);
		set_bit(v, t->pir);
		set_bit(HV_LAPIC_EV_PIR, &t->events);
		break;
	case APIC_DM_NMI >> 8:
		set_bit(HV_LAPIC_EV_NMI, &t->events);
		break;
	case APIC_DM_INIT >> 8:
		/* INIT level de-assert only syncs arbitration IDs: nothing */
		if (irq->level && !irq->assert)
			return;
		set_bit(HV_LAPIC_EV_INIT, &t->events);
		break;
	case APIC_DM_STARTUP >> 8:
		WRITE_ONCE(t->posted_sipi, v);
		smp_mb__before_atomic();	/* the vector before the event */
		set_bit(HV_LAPIC_EV_SIPI, &t->events);
		break;
	default:
		/* SMI, ExtINT (no 8259 here), reserved: dropped */
		return;
	}
	hv_vcpu_kick(t->vcpu);
}

/**
 * hv_apic_deliver() - send an interrupt message to the APICs it names.
 * @vm: the VM.
 * @irq: the message.
 * @src: the sending APIC (shorthands), NULL for the IOAPIC.
 *
 * Lowest-priority messages go to the lowest-numbered matching vCPU
 * (Linux sends fixed ones); any thread, no sleeping.
 */
void hv_apic_deliver(struct hv_vm *vm, const struct hv_apic_irq *irq,
		     struct hv_lapic *src)
{
	struct hv_vcpu *v;
	u32 i;

	/* a self IPI: no other APIC to look at */
	if (irq->shorthand == 1) {
		lapic_accept(src, irq);
		return;
	}
	rcu_read_lock();
	/*
	 * A physical destination that is not the broadcast names one APIC:
	 * APIC IDs are the vCPU ids (below 64), so only vCPU (dest & 0xff)
	 * can match, in either mode (lapic_match()). The IPI and IOAPIC hot
	 * paths go no further than this lookup.
	 */
	if (!irq->shorthand && !irq->logical && irq->dest != irq->broadcast) {
		v = hv_vm_vcpu_rcu(vm, irq->dest & 0xff);
		if (v && lapic_match(hv_x86_vcpu_lapic(v), src, irq)) {
			lapic_accept(hv_x86_vcpu_lapic(v), irq);
			if (src)
				hv_vcpu_note_ready_here(src->vcpu, v);
		}
		rcu_read_unlock();
		return;
	}
	for (i = 0; i < HV_MAX_VCPUS; i++) {
		struct hv_lapic *t;

		v = hv_vm_vcpu_rcu(vm, i);
		if (!v)
			continue;
		t = hv_x86_vcpu_lapic(v);
		if (!lapic_match(t, src, irq))
			continue;
		lapic_accept(t, irq);
		if (src)
			hv_vcpu_note_ready_here(src->vcpu, v);
		if (irq->delivery == APIC_DM_LOWEST >> 8)
			break;
	}
	rcu_read_unlock();
}

/**
 * hv_apic_nmi_line() - an edge on the machine's NMI line (the operator's
 * NMI button, netlink vm-nmi), which reaches LINT1 of every local APIC as
 * on a PC: each guest's LVT LINT1 decides what it is (Linux: an NMI on
 * the boot CPU, masked on the others, which the panicking CPU then asks
 * for their backtraces), and an APIC that IA32_APIC_BASE disabled passes
 * it to its CPU's NMI input (SDM 11.4.3). Any thread, no sleeping.
 * @vm: the VM.
 */
void hv_apic_nmi_line(struct hv_vm *vm)
{
	struct hv_vcpu *v;
	u32 i;

	rcu_read_lock();
	for (i = 0; i < HV_MAX_VCPUS; i++) {
		v = hv_vm_vcpu_rcu(vm, i);
		if (!v)
			continue;
		set_bit(HV_LAPIC_EV_LINT1, &hv_x86_vcpu_lapic(v)->events);
		hv_vcpu_kick(v);
	}
	rcu_read_unlock();
}

/* A write to ICR low (xAPIC) or to the x2APIC ICR: send the IPI. */
static void lapic_send_ipi(struct hv_lapic *a, u32 low, u32 dest)
{
	struct hv_apic_irq irq = {
		.dest = dest,
		.broadcast = a->x2apic ? 0xffffffff : 0xff,
		.vector = low & APIC_VECTOR_MASK,
		.delivery = (low & APIC_MODE_MASK) >> 8,
		.shorthand = (low >> 18) & 3,
		.logical = low & APIC_DEST_LOGICAL,
		.level = low & APIC_INT_LEVELTRIG,
		.assert = low & APIC_INT_ASSERT,
	};

	if ((irq.delivery == APIC_DM_FIXED >> 8 ||
	     irq.delivery == APIC_DM_LOWEST >> 8) && irq.vector < 16) {
		lapic_error(a, ESR_SEND_ILLEGAL);
		return;
	}
	hv_apic_deliver(a->vcpu->vm, &irq, a);
}

/* ---- EOI ---- */

/*
 * Every EOI that reaches hv (a write it emulates, or a VM exit the CPU's
 * EOI virtualization takes for a level-triggered vector), all VMs: with
 * virtual-interrupt delivery the EOI of an edge-triggered vector never
 * does, which lets a test tell the two paths apart. Read-only.
 */
static atomic_long_t lapic_eoi_exits;

static int lapic_eoi_exits_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&lapic_eoi_exits));
}

static const struct kernel_param_ops lapic_eoi_exits_ops = {
	.get = lapic_eoi_exits_get,
};

module_param_cb(apic_eoi_exits, &lapic_eoi_exits_ops, NULL, 0444);
MODULE_PARM_DESC(apic_eoi_exits, "guest APIC EOIs that hv handled (read-only)");

/* After the ISR bit of @v is clear: a level-triggered vector's IOAPIC EOI. */
static void lapic_eoi_done(struct hv_lapic *a, int v)
{
	atomic_long_inc(&lapic_eoi_exits);
	/* a level-triggered interrupt: the IOAPIC may send it again */
	if (lapic_test_vec(a, APIC_TMR, v)) {
		struct hv_ioapic *io = hv_x86_vm_ioapic(a->vcpu->vm);

		if (io)
			hv_ioapic_eoi(io, v);
	}
}

static void lapic_eoi(struct hv_lapic *a)
{
	int v = lapic_highest(a, APIC_ISR);

	if (v < 0) {
		atomic_long_inc(&lapic_eoi_exits);
		return;
	}
	lapic_set_vec(a, APIC_ISR, v, false);
	lapic_eoi_done(a, v);
}

/**
 * hv_lapic_eoi_vector() - the CPU performed the EOI of @vector itself
 * (its ISR bit is clear already) and exited for it.
 * @a: the APIC.
 * @vector: the vector the EOI ended.
 */
void hv_lapic_eoi_vector(struct hv_lapic *a, u8 vector)
{
	lapic_eoi_done(a, vector);
}

/* The highest vector requested (IRR) and in service (ISR), or -1. */
int hv_lapic_highest_irr(const struct hv_lapic *a)
{
	return a->enabled ? lapic_highest(a, APIC_IRR) : -1;
}

/*
 * ISR or IRR (@reg: APIC_ISR or APIC_IRR) as eight words, vectors 32 * i
 * to 32 * i + 31 in word i.
 */
void hv_lapic_get_vectors(const struct hv_lapic *a, u32 reg, u32 vec[8])
{
	int i;

	for (i = 0; i < 8; i++)
		vec[i] = a->reg[RV(reg, i)];
}

int hv_lapic_highest_isr(const struct hv_lapic *a)
{
	return lapic_highest(a, APIC_ISR);
}

/* TMR as four 64-bit words (vectors 0-63, ...). */
void hv_lapic_get_tmr(const struct hv_lapic *a, u64 tmr[4])
{
	int i;

	for (i = 0; i < 4; i++)
		tmr[i] = a->reg[RV(APIC_TMR, 2 * i)] |
			 (u64)a->reg[RV(APIC_TMR, 2 * i + 1)] << 32;
}

/**
 * hv_lapic_apic_write() - the CPU wrote a register into the page and
 * exited for hv to act on it (trap-like: the write is done, no #GP is
 * possible any more): an x2APIC WRMSR, or an xAPIC MMIO write that the
 * backend's CPU put in the page (VMX APIC-access page). The write goes
 * through the same code as an emulated one, which also puts back in the
 * page what a read must return (a masked LVT, ESR, the ID, ...).
 * @a: the APIC.
 * @off: the register's offset in the page.
 */
void hv_lapic_apic_write(struct hv_lapic *a, u32 off)
{
	if (off >= 0x400 || (off & 0xf))
		return;
	if (a->x2apic)
		hv_lapic_msr_write(a, HV_X2APIC_MSR_FIRST + (off >> 4),
				   a->reg[R(off)]);
	else if (lapic_hw_enabled(a))
		hv_lapic_mmio_write(a, off, a->reg[R(off)]);
}

/* ---- merging what other threads posted ---- */

/**
 * hv_lapic_sync() - move posted interrupts and events into the registers.
 * @a: the APIC; its vCPU's thread.
 */
void hv_lapic_sync(struct hv_lapic *a)
{
	int i;

	if (!READ_ONCE(a->events))
		return;
	if (test_and_clear_bit(HV_LAPIC_EV_PIR, &a->events)) {
		a->vregs_changed = true;
		for (i = 0; i < 4; i++) {
			unsigned long bits = xchg(&a->pir[i], 0);
			unsigned long lvl = READ_ONCE(a->pir_level[i]) & bits;

			u32 *irr = &a->reg[RV(APIC_IRR, 2 * i)];
			u32 *tmr = &a->reg[RV(APIC_TMR, 2 * i)];
			u32 t0 = (tmr[0] & ~(u32)bits) | (u32)lvl;
			u32 t1 = (tmr[4] & ~(u32)(bits >> 32)) | (u32)(lvl >> 32);

			irr[0] |= (u32)bits;
			irr[4] |= bits >> 32;
			/* the backend's EOI-exit bitmap follows TMR */
			if (t0 != tmr[0] || t1 != tmr[4])
				a->tmr_changed = true;
			tmr[0] = t0;
			tmr[4] = t1;
		}
	}
	if (test_and_clear_bit(HV_LAPIC_EV_TIMER, &a->events))
		lapic_timer_expired(a);
	if (test_and_clear_bit(HV_LAPIC_EV_RX_ILLEGAL, &a->events))
		lapic_error(a, ESR_RX_ILLEGAL);
	if (test_and_clear_bit(HV_LAPIC_EV_NMI, &a->events))
		a->nmi_pending = true;
	if (test_and_clear_bit(HV_LAPIC_EV_LINT1, &a->events)) {
		/* a disabled APIC's LINT1 is the CPU's NMI pin */
		if (a->base & HV_APIC_BASE_EN)
			lapic_raise_lvt(a, APIC_LVT1);
		else
			a->nmi_pending = true;
	}
	if (test_and_clear_bit(HV_LAPIC_EV_INIT, &a->events)) {
		a->init_pending = true;
		a->sipi_pending = false;
	}
	if (test_and_clear_bit(HV_LAPIC_EV_SIPI, &a->events)) {
		/* pairs with lapic_accept(): the vector after the event */
		smp_mb__after_atomic();
		/* a SIPI counts only in wait-for-SIPI (SDM 11.6.1) */
		if (a->init_pending || a->mp_state == HV_MP_STATE_WAIT_SIPI) {
			a->sipi_vector = READ_ONCE(a->posted_sipi);
			a->sipi_pending = true;
		}
	}
}

/**
 * hv_lapic_pending() - the vector to deliver next, and what the TPR holds
 * back, from one look at IRR and ISR (this runs before every entry).
 * @a: the APIC, synced.
 * @tpr_threshold: NULL, or set to the priority class (IRR vector >> 4) of
 * the highest requested interrupt when the TPR, not an interrupt in
 * service, keeps it waiting, else 0. For a backend whose CPU lets the
 * guest write the TPR without an exit (VMX TPR shadow): the guest must
 * exit when its TPR drops below this class.
 *
 * Return: the highest IRR vector whose priority class is above PPR's, or
 * -1 (SDM 11.8.3).
 */
int hv_lapic_pending(struct hv_lapic *a, u8 *tpr_threshold)
{
	u32 tpr = a->reg[R(APIC_TASKPRI)] & 0xf0;
	int irr, isr;

	if (tpr_threshold)
		*tpr_threshold = 0;
	if (!a->enabled)
		return -1;
	irr = lapic_highest(a, APIC_IRR);
	if (irr < 0)
		return -1;
	isr = lapic_highest(a, APIC_ISR);
	/* PPR's class is the higher of TPR's and ISRV's (lapic_ppr()) */
	if ((isr < 0 || (irr & 0xf0) > (isr & 0xf0)) && (irr & 0xf0) > tpr)
		return irr;
	if (tpr_threshold && (isr < 0 || (irr & 0xf0) > (isr & 0xf0)))
		*tpr_threshold = irr >> 4;
	return -1;
}

int hv_lapic_pending_vector(struct hv_lapic *a)
{
	return hv_lapic_pending(a, NULL);
}

/* The CPU took @vector: IRR -> ISR (SDM 11.8.4). */
void hv_lapic_ack(struct hv_lapic *a, int vector)
{
	lapic_set_vec(a, APIC_IRR, vector, false);
	lapic_set_vec(a, APIC_ISR, vector, true);
}

/* ... and did not take it after all: ISR -> IRR (vmx_lapic.c). */
void hv_lapic_unack(struct hv_lapic *a, int vector)
{
	lapic_set_vec(a, APIC_ISR, vector, false);
	lapic_set_vec(a, APIC_IRR, vector, true);
}

/**
 * hv_lapic_runnable() - may the vCPU run (or must hv look at it again)?
 * @a: the APIC, synced.
 *
 * Return: true when it runs, or has an INIT, a SIPI it waits for, an NMI,
 * or (halted with IF set) an interrupt to take.
 */
bool hv_lapic_runnable(struct hv_lapic *a)
{
	if (a->init_pending)
		return true;
	switch (a->mp_state) {
	case HV_MP_STATE_WAIT_SIPI:
		return a->sipi_pending;
	case HV_MP_STATE_HALTED:
		return a->nmi_pending ||
		       (a->halt_if && hv_lapic_pending_vector(a) >= 0);
	default:
		return true;
	}
}

/* ---- register access ---- */

static u32 lapic_read_reg(struct hv_lapic *a, u32 off)
{
	switch (off) {
	case APIC_ID:
		return a->x2apic ? a->id : a->id << 24;
	case APIC_LVR:
		return LAPIC_VERSION | (LAPIC_MAX_LVT << 16);
	case APIC_PROCPRI:
		return lapic_ppr(a);
	case APIC_LDR:
		return a->ldr;
	case APIC_TMCCT:
		return lapic_current_count(a);
	case APIC_ARBPRI:
	case APIC_EOI:
	case APIC_RRR:
		return 0;
	default:
		return a->reg[R(off)];
	}
}

/* Does @off name a register (16-byte aligned, in the page's 1 KiB)? */
static bool lapic_reg_exists(u32 off)
{
	switch (off) {
	case APIC_ID: case APIC_LVR: case APIC_TASKPRI: case APIC_ARBPRI:
	case APIC_PROCPRI: case APIC_EOI: case APIC_RRR: case APIC_LDR:
	case APIC_DFR: case APIC_SPIV: case APIC_ESR: case APIC_ICR:
	case APIC_ICR2: case APIC_LVTT: case APIC_LVTTHMR: case APIC_LVTPC:
	case APIC_LVT0: case APIC_LVT1: case APIC_LVTERR: case APIC_TMICT:
	case APIC_TMCCT: case APIC_TDCR:
		return true;
	default:
		return off >= APIC_ISR && off < APIC_ESR;
	}
}

static void lapic_set_svr(struct hv_lapic *a, u32 val)
{
	u32 off;

	/* focus checking (bit 9) and EOI suppression (12) not offered */
	a->reg[R(APIC_SPIV)] = val & 0x1ff;
	if (!(val & APIC_SPIV_APIC_ENABLED)) {
		/* software disable masks every LVT entry (SDM 11.4.7.2) */
		for (off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
			a->reg[R(off)] |= LVT_MASKED;
		lapic_timer_stop(a);
	}
	lapic_update_enabled(a);
}

static void lapic_set_lvt(struct hv_lapic *a, u32 off, u32 val)
{
	static const u32 valid[] = {
		[0] = 0xff | LVT_MASKED | LVT_TIMER_MODE,	/* LVTT */
		[1] = 0xff | APIC_MODE_MASK | LVT_MASKED,	/* thermal */
		[2] = 0xff | APIC_MODE_MASK | LVT_MASKED,	/* perf */
		[3] = 0xff | APIC_MODE_MASK | APIC_INPUT_POLARITY |
		      APIC_LVT_LEVEL_TRIGGER | LVT_MASKED,	/* LINT0 */
		[4] = 0xff | APIC_MODE_MASK | APIC_INPUT_POLARITY |
		      APIC_LVT_LEVEL_TRIGGER | LVT_MASKED,	/* LINT1 */
		[5] = 0xff | LVT_MASKED,			/* error */
	};
	u32 old = a->reg[R(off)];

	val &= valid[(off - APIC_LVTT) >> 4];
	if (!(a->reg[R(APIC_SPIV)] & APIC_SPIV_APIC_ENABLED))
		val |= LVT_MASKED;
	a->reg[R(off)] = val;
	/* a mode change disarms the timer (SDM 11.5.4.1) */
	if (off == APIC_LVTT && ((old ^ val) & LVT_TIMER_MODE)) {
		lapic_timer_stop(a);
		a->reg[R(APIC_TMICT)] = 0;
		a->tsc_deadline = 0;
	}
}

/*
 * A register write common to both modes; the caller checked what x2APIC
 * mode forbids. Returns -EINVAL for a register that cannot be written.
 */
static int lapic_write_reg(struct hv_lapic *a, u32 off, u32 val)
{
	switch (off) {
	case APIC_ID:
		if (a->x2apic)
			return -EINVAL;
		/* xAPIC IDs are writable; hv keeps them (lapic.h) */
		lapic_page_id(a);	/* the CPU may have written the page */
		return 0;
	case APIC_TASKPRI:
		a->reg[R(off)] = val & 0xff;
		return 0;
	case APIC_EOI:
		lapic_eoi(a);
		return 0;
	case APIC_LDR:
		if (a->x2apic)
			return -EINVAL;
		a->reg[R(off)] = val & APIC_LDR_MASK;
		WRITE_ONCE(a->ldr, a->reg[R(off)]);
		return 0;
	case APIC_DFR:
		if (a->x2apic)
			return -EINVAL;
		a->reg[R(off)] = val | 0x0fffffff;
		WRITE_ONCE(a->dfr, a->reg[R(off)]);
		return 0;
	case APIC_SPIV:
		lapic_set_svr(a, val);
		return 0;
	case APIC_ESR:
		if (a->x2apic && val)
			return -EINVAL;
		a->reg[R(off)] = a->esr_pending;
		a->esr_pending = 0;
		return 0;
	case APIC_ICR:
		a->reg[R(off)] = val & ~APIC_ICR_BUSY;
		lapic_send_ipi(a, val, a->reg[R(APIC_ICR2)] >> 24);
		return 0;
	case APIC_ICR2:
		if (a->x2apic)
			return -EINVAL;
		a->reg[R(off)] = val & 0xff000000;
		return 0;
	case APIC_LVTT: case APIC_LVTTHMR: case APIC_LVTPC:
	case APIC_LVT0: case APIC_LVT1: case APIC_LVTERR:
		lapic_set_lvt(a, off, val);
		return 0;
	case APIC_TMICT:
		/* ignored, and reads 0 (SDM 11.5.4.1), page or not */
		if (lapic_timer_mode(a) == LVT_TIMER_TSCDEADLINE) {
			a->reg[R(off)] = 0;
			return 0;
		}
		a->reg[R(off)] = val;
		lapic_timer_start_count(a, val);
		return 0;
	case APIC_TDCR:
		a->reg[R(off)] = val & 0xb;
		return 0;
	default:
		/* read-only or absent: xAPIC ignores, x2APIC #GP */
		return -EINVAL;
	}
}

/* Is @gpa in this vCPU's xAPIC page (enabled, not in x2APIC mode)? */
bool hv_lapic_mmio_page(const struct hv_lapic *a, u64 gpa)
{
	return lapic_hw_enabled(a) && !a->x2apic &&
	       (a->base & ~0xfffULL) == (gpa & ~0xfffULL);
}

/*
 * xAPIC MMIO: @off is the offset in the page of a 4-byte access aligned
 * to 4 (vmx_lapic.c gives other sizes 0 / ignores them). Registers are
 * the first dword of each 16 bytes; the rest reads 0.
 */
void hv_lapic_mmio_read(struct hv_lapic *a, u32 off, u32 *val)
{
	*val = 0;
	if ((off & 0xf) || off >= 0x400)
		return;
	if (!lapic_reg_exists(off)) {
		lapic_error(a, ESR_ILLEGAL_REG);
		return;
	}
	*val = lapic_read_reg(a, off);
}

void hv_lapic_mmio_write(struct hv_lapic *a, u32 off, u32 val)
{
	if ((off & 0xf) || off >= 0x400)
		return;
	if (!lapic_reg_exists(off)) {
		lapic_error(a, ESR_ILLEGAL_REG);
		return;
	}
	lapic_write_reg(a, off, val);
}

/* x2APIC MSRs that exist (SDM Table 11-6); others #GP */
static bool x2apic_msr_readable(u32 off)
{
	switch (off) {
	case APIC_EOI: case APIC_DFR: case APIC_ICR2: case APIC_ARBPRI:
	case APIC_RRR: case APIC_SELF_IPI:
		return false;
	default:
		return lapic_reg_exists(off);
	}
}

/**
 * hv_lapic_msr_read() - RDMSR of an x2APIC register (0x800-0x8ff).
 * @a: the APIC.
 * @msr: the MSR.
 * @val: the value read.
 *
 * Return: 0, or -EINVAL (#GP): not in x2APIC mode, or no such register.
 */
int hv_lapic_msr_read(struct hv_lapic *a, u32 msr, u64 *val)
{
	u32 off = (msr - HV_X2APIC_MSR_FIRST) << 4;

	if (!a->x2apic || !x2apic_msr_readable(off))
		return -EINVAL;
	*val = lapic_read_reg(a, off);
	if (off == APIC_ICR)
		*val |= (u64)a->reg[R(APIC_ICR2)] << 32;
	return 0;
}

/**
 * hv_lapic_msr_write() - WRMSR of an x2APIC register.
 * @a: the APIC.
 * @msr: the MSR.
 * @val: the value.
 *
 * Return: 0, or -EINVAL (#GP): not in x2APIC mode, a read-only or absent
 * register, reserved bits set (ICR, TPR, SELF IPI), EOI or ESR not 0.
 */
int hv_lapic_msr_write(struct hv_lapic *a, u32 msr, u64 val)
{
	u32 off = (msr - HV_X2APIC_MSR_FIRST) << 4;

	if (!a->x2apic)
		return -EINVAL;
	switch (off) {
	case APIC_ICR:
		if (val & X2APIC_ICR_RESERVED)
			return -EINVAL;
		a->reg[R(APIC_ICR2)] = val >> 32;
		a->reg[R(APIC_ICR)] = (u32)val;
		lapic_send_ipi(a, (u32)val, val >> 32);
		return 0;
	case APIC_SELF_IPI:
		if (val & ~0xffULL)
			return -EINVAL;
		lapic_send_ipi(a, (u32)val | APIC_DEST_SELF, 0);
		return 0;
	case APIC_EOI:
	case APIC_TASKPRI:
	case APIC_ESR:
		if (val & (off == APIC_TASKPRI ? ~0xffULL : ~0ULL))
			return -EINVAL;
		break;
	case APIC_ID: case APIC_LVR: case APIC_PROCPRI: case APIC_LDR:
	case APIC_TMCCT:
		return -EINVAL;
	default:
		if (val >> 32 || !lapic_reg_exists(off) ||
		    (off >= APIC_ISR && off < APIC_ESR))
			return -EINVAL;
	}
	return lapic_write_reg(a, off, (u32)val);
}

/* ---- IA32_APIC_BASE ---- */

static void lapic_set_mode_regs(struct hv_lapic *a)
{
	if (a->x2apic) {
		a->ldr = lapic_x2apic_ldr(a->id);
		a->reg[R(APIC_LDR)] = a->ldr;
	}
}

/**
 * hv_lapic_set_base() - write IA32_APIC_BASE (SDM 11.12.5, Figure 11-26).
 * @a: the APIC.
 * @val: the new value.
 * @host: from HV_SET_MSRS / HV_SET_LAPIC: the BSP bit may change.
 *
 * Return: 0, or -EINVAL (#GP): reserved bits (0-7, 9, above MAXPHYADDR),
 * EXTD without EN, or a transition SDM Table 11-7 forbids: x2APIC straight
 * to xAPIC, disabled straight to x2APIC.
 */
int hv_lapic_set_base(struct hv_lapic *a, u64 val, bool host)
{
	u64 reserved = ~(HV_APIC_BASE_BSP | HV_APIC_BASE_EXTD |
			 HV_APIC_BASE_EN |
			 GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 12));
	u64 old = a->base;
	bool was_x2 = (old & HV_APIC_BASE_EN) && (old & HV_APIC_BASE_EXTD);
	bool was_on = old & HV_APIC_BASE_EN;
	bool on = val & HV_APIC_BASE_EN, x2 = val & HV_APIC_BASE_EXTD;

	if (val & reserved)
		return -EINVAL;
	if (x2 && !on)
		return -EINVAL;
	if (!host) {
		if (was_x2 && on && !x2)
			return -EINVAL;
		if (!was_on && x2)
			return -EINVAL;
		val = (val & ~HV_APIC_BASE_BSP) | (old & HV_APIC_BASE_BSP);
	}
	WRITE_ONCE(a->base, val);
	if (was_on && !on) {
		/* disabling resets the APIC to its power-up state (11.4.3) */
		hv_lapic_reset(a, false);
		WRITE_ONCE(a->base, val);
	}
	lapic_update_enabled(a);
	if (!was_x2 && a->x2apic)
		lapic_set_mode_regs(a);
	if (was_x2 && !a->x2apic) {
		/* x2APIC -> disabled: the xAPIC LDR starts at 0 again */
		a->ldr = 0;
		a->reg[R(APIC_LDR)] = 0;
	}
	return 0;
}

/* ---- CR8 ---- */

void hv_lapic_set_cr8(struct hv_lapic *a, u64 cr8)
{
	a->reg[R(APIC_TASKPRI)] = (cr8 & 0xf) << 4;
}

u64 hv_lapic_get_cr8(struct hv_lapic *a)
{
	return (a->reg[R(APIC_TASKPRI)] >> 4) & 0xf;
}

/* ---- life cycle ---- */

/**
 * hv_lapic_reset() - the APIC's power-up or INIT state (SDM 11.4.7.1).
 * @a: the APIC.
 * @init: INIT: keep IA32_APIC_BASE (and the ID); otherwise reset it too.
 */
void hv_lapic_reset(struct hv_lapic *a, bool init)
{
	u32 off;

	lapic_timer_stop(a);
	memset(a->reg, 0, PAGE_SIZE);
	a->vregs_changed = true;
	a->tmr_changed = true;
	for (off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
		a->reg[R(off)] = LVT_MASKED;
	a->reg[R(APIC_SPIV)] = 0xff;
	a->reg[R(APIC_DFR)] = 0xffffffff;
	a->esr_pending = 0;
	a->tsc_deadline = 0;
	a->nmi_pending = false;
	a->ldr = 0;
	a->dfr = 0xffffffff;
	if (!init)
		WRITE_ONCE(a->base, HV_LAPIC_DEFAULT_BASE | HV_APIC_BASE_EN |
			   (a->id == 0 ? HV_APIC_BASE_BSP : 0));
	lapic_update_enabled(a);
	lapic_set_mode_regs(a);
}

/**
 * hv_lapic_init() - a vCPU's APIC in its power-up state.
 * @a: the APIC.
 * @vcpu: its vCPU.
 *
 * Return: 0 or -ENOMEM (the register page).
 */
int hv_lapic_init(struct hv_lapic *a, struct hv_vcpu *vcpu)
{
	a->reg = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!a->reg)
		return -ENOMEM;
	a->vcpu = vcpu;
	a->id = vcpu->id;
	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	a->timer.function = lapic_timer_fn;
	hv_lapic_reset(a, false);
	/* the VMM runs every vCPU thread; APs wait for INIT/SIPI (11.4.1) */
	a->mp_state = vcpu->id ? HV_MP_STATE_WAIT_SIPI : HV_MP_STATE_RUNNABLE;
	return 0;
}

void hv_lapic_destroy(struct hv_lapic *a)
{
	if (!a->reg)
		return;
	lapic_timer_stop(a);
	free_page((unsigned long)a->reg);
	a->reg = NULL;
}

/* ---- save and restore ---- */

void hv_lapic_get_state(struct hv_lapic *a, struct hv_lapic_state *s)
{
	u32 off;

	hv_lapic_sync(a);
	memset(s, 0, sizeof(*s));
	for (off = 0; off < 0x400; off += 0x10)
		s->regs[S(off)] = a->reg[R(off)];
	s->regs[S(APIC_ID)] = a->id << 24;
	s->regs[S(APIC_LVR)] = lapic_read_reg(a, APIC_LVR);
	s->regs[S(APIC_PROCPRI)] = lapic_ppr(a);
	s->regs[S(APIC_LDR)] = a->ldr;
	s->regs[S(APIC_TMCCT)] = lapic_current_count(a);
	s->apic_base = a->base;
	s->tsc_deadline = a->tsc_deadline;
	s->mp_state = a->mp_state;
	if (a->nmi_pending)
		s->flags |= HV_LAPIC_NMI_PENDING;
	if (a->sipi_pending) {
		s->flags |= HV_LAPIC_SIPI_PENDING;
		s->sipi_vector = a->sipi_vector;
	}
	s->esr_pending = a->esr_pending;
}

/**
 * hv_lapic_set_state() - HV_SET_LAPIC.
 * @a: the APIC (vCPU not running).
 * @s: the state; checked.
 * @guest_tsc: the guest's TSC now (a TSC deadline to re-arm).
 * @tsc_khz: the TSC's rate.
 *
 * The ID is the vCPU's and stays; the current count restarts the timer.
 *
 * Return: 0 or -EINVAL.
 */
int hv_lapic_set_state(struct hv_lapic *a, const struct hv_lapic_state *s,
		       u64 guest_tsc, u32 tsc_khz)
{
	u32 off;
	int err;

	if (!hv_is_zero(s->reserved, sizeof(s->reserved)) ||
	    s->mp_state > HV_MP_STATE_WAIT_SIPI || s->sipi_vector > 255 ||
	    s->flags & ~(HV_LAPIC_NMI_PENDING | HV_LAPIC_SIPI_PENDING))
		return -EINVAL;
	err = hv_lapic_set_base(a, s->apic_base, true);
	if (err)
		return err;
	lapic_timer_stop(a);
	/* the registers as stored; the derived ones follow */
	for (off = 0; off < 0x400; off += 0x10) {
		switch (off) {
		case APIC_ID: case APIC_LVR: case APIC_PROCPRI: case APIC_TMCCT:
		case APIC_ARBPRI: case APIC_EOI: case APIC_RRR:
			break;
		default:
			a->reg[R(off)] = s->regs[S(off)];
		}
	}
	a->vregs_changed = true;
	a->tmr_changed = true;
	a->reg[R(APIC_SPIV)] &= 0x1ff;
	a->reg[R(APIC_ICR)] &= ~APIC_ICR_BUSY;
	a->dfr = a->reg[R(APIC_DFR)] |= 0x0fffffff;
	a->ldr = a->reg[R(APIC_LDR)];
	lapic_update_enabled(a);
	lapic_set_mode_regs(a);
	a->esr_pending = s->esr_pending & 0xec;
	a->mp_state = s->mp_state;
	a->nmi_pending = s->flags & HV_LAPIC_NMI_PENDING;
	a->sipi_pending = s->flags & HV_LAPIC_SIPI_PENDING;
	a->sipi_vector = s->sipi_vector;
	a->init_pending = false;
	a->tsc_deadline = 0;
	if (lapic_timer_mode(a) == LVT_TIMER_TSCDEADLINE) {
		a->reg[R(APIC_TMICT)] = 0;
		hv_lapic_set_tsc_deadline(a, s->tsc_deadline, guest_tsc,
					  tsc_khz);
	} else if (a->reg[R(APIC_TMICT)]) {
		u32 left = s->regs[S(APIC_TMCCT)];

		lapic_timer_start_count(a, left);
	}
	return 0;
}
