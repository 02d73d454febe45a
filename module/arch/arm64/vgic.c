// SPDX-License-Identifier: GPL-2.0
/*
 * The interrupt model of the in-kernel GICv3 (HV_VM_IRQCHIP) and how it
 * reaches the guest through the list registers of the GICv3 CPU interface's
 * virtualization extension (Arm IHI 0069, "GICv3 and GICv4 architecture
 * specification", chapter 6, "Virtual interrupt handling").
 *
 * The distributor's and redistributors' state is struct vgic_irq, one per
 * INTID, under the VM's vgic lock. The VM keeps, per vCPU id, a bitmap of
 * the INTIDs that are pending or active for it (ap), so that an entry with
 * nothing to deliver costs a bitmap test. The bitmaps are the VM's, not
 * the vCPUs', so that an SPI raised for a vCPU id before that vCPU is
 * visible (HV_CREATE_VCPU in progress) waits there for it. An SPI is in
 * the bitmap of its owner: its target (IROUTER), except while it is
 * active or in a list register. Then it stays with the vCPU that has it,
 * because only that vCPU's CPU interface can deactivate it (the guest's
 * EOI finds no list register elsewhere); a route changed meanwhile takes
 * effect at the deactivation, as in KVM. Before every entry (interrupts
 * off, after hv_vcpu_guest_mode_enter()) vgic_flush() writes the best
 * candidates into the list registers: active interrupts first, then
 * pending ones by priority and INTID; the state of an edge-triggered
 * interrupt moves into its list register. When more are deliverable than
 * there are list registers, ICH_HCR_EL2.UIE asks for a maintenance
 * interrupt once at most one entry is left, and the next entry refills
 * them in priority order. A level-triggered interrupt gets ICH_LR.EOI, so
 * its deactivation exits and the line is sampled again. After every exit
 * vgic_save() reads the list registers back and turns the virtual CPU
 * interface off (the maintenance interrupt is level-sensitive and must
 * be low before the host unmasks interrupts), and vgic_sync() folds what
 * the guest did (acknowledge, deactivate) into the model.
 *
 * The virtual timer's INTID 27 uses a hardware list register (ICH_LR.HW,
 * pINTID 27): while its line is high or it sits in a list register, the
 * host's vtimer PPI is kept active, so it cannot fire again until the
 * guest deactivates the virtual interrupt, which deactivates the physical
 * one too (IHI 0069 6.2.2, "Forwarding physical interrupts"). KVM does the
 * same. The physical timer's INTID 30 is emulated (ptimer.c): an ordinary
 * level-sensitive PPI whose line is sampled with the virtual timer's.
 */
#include <linux/bitmap.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/nospec.h>
#include <linux/rcupdate.h>
#include <asm/arch_timer.h>
#include <asm/sysreg.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "el2.h"
#include "vgic.h"

/* GICD_CTLR with one security state (DS = 1): the group enables */
#define VGIC_CTLR_GRP0		BIT(0)
#define VGIC_CTLR_GRP1		BIT(1)

/* ICH_VMCR_EL2 fields (IHI 0069 12.4.10) */
#define VGIC_VMCR_ENG0		BIT(0)
#define VGIC_VMCR_ENG1		BIT(1)
#define VGIC_VMCR_PMR_SHIFT	24

struct vgic_irq *vgic_get_irq(struct hv_vm *vm, struct hv_vcpu *vcpu,
			      u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return &vcpu->arch.vgic.priv[intid];
	return &vm->arch.vgic.spi[intid - VGIC_NR_PRIVATE];
}

bool vgic_pending(const struct vgic_irq *irq)
{
	return irq->latch || (!irq->edge && irq->line);
}

/* Pending, enabled, and its group enabled in the distributor. */
static bool vgic_deliverable(const struct hv_vm *vm, const struct vgic_irq *irq)
{
	u32 grp = irq->group1 ? VGIC_CTLR_GRP1 : VGIC_CTLR_GRP0;

	return vgic_pending(irq) && irq->enabled && (vm->arch.vgic.ctlr & grp);
}

/*
 * The vCPU an SPI routed with @irouter goes to: hv's vCPUs have MPIDR
 * Aff0 = their id and the other affinity levels 0. 1-of-N routing is not
 * implemented (GICD_TYPER.No1N), IRM reads as 0.
 */
u32 vgic_spi_target(u64 irouter)
{
	if (irouter & (GENMASK_ULL(39, 32) | GENMASK_ULL(23, 8)))
		return VGIC_NO_TARGET;
	if ((irouter & 0xff) >= HV_MAX_VCPUS)
		return VGIC_NO_TARGET;
	return irouter & 0xff;
}

/* The pending-or-active bitmap of vCPU id @id. */
static unsigned long *vgic_ap(struct hv_vm *vm, u32 id)
{
	return vm->arch.vgic.ap[id];
}

/**
 * vgic_changed_locked() - keep the ap bitmaps right after a change of
 * @intid's state or route.
 * @vm: the VM; its vgic lock held.
 * @vcpu: the vCPU of a private @intid (else unused).
 * @intid: the interrupt.
 *
 * Return: the vCPU id an SPI just moved to (it must be kicked once the
 * lock is dropped: vgic_kick_id()), else VGIC_NO_TARGET.
 */
u32 vgic_changed_locked(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 intid)
{
	struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
	bool busy = vgic_pending(irq) || irq->active;
	u32 old, owner;

	lockdep_assert_held(&vm->arch.vgic.lock);
	if (intid < VGIC_NR_PRIVATE) {
		__assign_bit(intid, vgic_ap(vm, vcpu->id), busy);
		return VGIC_NO_TARGET;
	}
	old = irq->owner;
	if (old != VGIC_NO_TARGET && (irq->active || irq->in_lr))
		owner = old;
	else
		owner = busy ? irq->target : VGIC_NO_TARGET;
	if (old != owner && old != VGIC_NO_TARGET)
		__clear_bit(intid, vgic_ap(vm, old));
	if (owner != VGIC_NO_TARGET)
		__assign_bit(intid, vgic_ap(vm, owner), busy);
	WRITE_ONCE(irq->owner, owner);
	return owner != old ? owner : VGIC_NO_TARGET;
}

/* Kick vCPU id @id if it exists (VGIC_NO_TARGET: nobody). Any context. */
void vgic_kick_id(struct hv_vm *vm, u32 id)
{
	struct hv_vcpu *v;

	if (id == VGIC_NO_TARGET)
		return;
	rcu_read_lock();
	v = hv_vm_vcpu_rcu(vm, id);
	if (v)
		hv_vcpu_kick(v);
	rcu_read_unlock();
}

/* Make the vCPU that has SPI @intid look at its interrupts. Any context. */
void vgic_kick_owner(struct hv_vm *vm, u32 intid)
{
	vgic_kick_id(vm, READ_ONCE(vgic_get_irq(vm, NULL, intid)->owner));
}

/* Set an input's level; a rising edge latches an edge-triggered one. */
void vgic_set_line_locked(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 intid,
			  bool level)
{
	struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);

	if (irq->line == level)
		return;
	irq->line = level;
	if (irq->edge && level)
		irq->latch = true;
	vgic_changed_locked(vm, vcpu, intid);
}

/*
 * No NMI button on arm64: the GICv3 model has no NMI (FEAT_GICv3_NMI) and
 * Linux's pseudo-NMIs are only interrupt priorities a guest chooses.
 */
int hv_arch_vm_nmi(struct hv_vm *vm)
{
	return -EOPNOTSUPP;
}

/* The VMM's lines are the SPIs. */
bool hv_arch_irq_line_valid(struct hv_vm *vm, u32 intid)
{
	return intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS;
}

int hv_arch_irq_line(struct hv_vm *vm, u32 intid, bool level)
{
	struct vgic_vm *d = &vm->arch.vgic;
	struct vgic_irq *irq;
	unsigned long flags;
	bool was;

	if (!hv_arch_irq_line_valid(vm, intid))
		return -EINVAL;
	irq = &d->spi[array_index_nospec(intid - VGIC_NR_PRIVATE,
					 VGIC_NR_SPIS)];
	raw_spin_lock_irqsave(&d->lock, flags);
	was = vgic_pending(irq);
	vgic_set_line_locked(vm, NULL, intid, level);
	was ^= vgic_pending(irq);
	raw_spin_unlock_irqrestore(&d->lock, flags);
	/*
	 * Only a change of the pending state concerns the vCPU: a new
	 * interrupt, or a level one that must leave a running guest's list
	 * registers. The falling edge of an edge-triggered SPI (half of
	 * every pulse) kicks nobody.
	 */
	if (was)
		vgic_kick_owner(vm, intid);
	return 0;
}

/*
 * An irqfd's signal from its eventfd's wake-up: hv_arch_irq_line() takes
 * only the raw vgic lock (interrupts off) and kicks, which any context
 * may do. A pulse latches an edge SPI; on a level SPI it is over before
 * a vCPU could see it, as two HV_IRQ_LINE calls would be.
 */
int hv_arch_irq_inatomic(struct hv_vm *vm, u32 intid, bool pulse)
{
	int err = hv_arch_irq_line(vm, intid, true);

	if (!err && pulse)
		err = hv_arch_irq_line(vm, intid, false);
	return err;
}

/* Sort key of a list register candidate: active, priority, INTID. */
static u32 vgic_lr_key(const struct vgic_irq *irq, u32 intid)
{
	return (irq->active ? 0 : BIT(16)) | irq->priority << 8 | intid;
}

/* The list register for @intid; moves an edge's pending state into it. */
static u64 vgic_make_lr(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 intid,
			bool *timer)
{
	struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
	bool pend = vgic_deliverable(vm, irq);
	u64 lr = intid | (u64)irq->priority << ICH_LR_PRIORITY_SHIFT;

	if (irq->group1)
		lr |= ICH_LR_GROUP;
	if (irq->active)
		lr |= ICH_LR_ACTIVE_BIT;
	if (intid >= VGIC_NR_PRIVATE) {
		irq->in_lr = true;
		/*
		 * Active here but routed elsewhere since: no pending state
		 * here; its deactivation exits (EOI), and the next pending
		 * state goes to the new target.
		 */
		if (irq->target != vcpu->id)
			return lr | ICH_LR_EOI;
	}
	if (intid == VGIC_VTIMER_INTID) {
		/* a hardware entry may not be pending and active at once */
		lr |= ICH_LR_HW | (u64)intid << ICH_LR_PHYS_ID_SHIFT;
		if (pend && !irq->active)
			lr |= ICH_LR_PENDING_BIT;
		*timer = true;
		return lr;
	}
	/*
	 * A level interrupt still asserted while active: not pending in the
	 * list register, or its deactivation would make it pending at once,
	 * unseen by hv. The deactivation exits instead (EOI), vgic_sync()
	 * samples the line (a resampling irqfd lowers it there) and the next
	 * entry makes it pending again if it is still up.
	 */
	if (pend && !irq->edge && irq->active)
		return lr | ICH_LR_EOI;
	if (pend) {
		lr |= ICH_LR_PENDING_BIT;
		if (irq->edge)
			irq->latch = false;
		else
			lr |= ICH_LR_EOI;
	}
	return lr;
}

/* Kick the vCPU ids in @kick (a bit each). Any context. */
static void vgic_kick_mask(struct hv_vm *vm, u64 kick)
{
	unsigned long id;

	for_each_set_bit(id, (unsigned long *)&kick, HV_MAX_VCPUS)
		vgic_kick_id(vm, id);
}

/*
 * vgic_sync()'s work, the vgic lock held. Return: the vCPU ids (bits) an
 * SPI moved to, to be kicked once the lock is dropped.
 */
static u64 vgic_sync_locked(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	struct hv_vm *vm = vcpu->vm;
	unsigned int i;
	u64 kick = 0;
	u32 to;

	for (i = 0; i < c->nr_lr; i++) {
		u32 intid = c->lr[i] & 0xff;
		struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
		u64 state = c->lr_out[i] & ICH_LR_STATE;

		/* the guest's deactivation reached the host's PPI too */
		if ((c->lr[i] & ICH_LR_HW) && !state)
			c->phys_active = false;
		irq->active = state & ICH_LR_ACTIVE_BIT;
		if (irq->edge) {
			if (state & ICH_LR_PENDING_BIT)
				irq->latch = true;
		} else if ((c->lr[i] & ICH_LR_PENDING_BIT) &&
			   !(state & ICH_LR_PENDING_BIT)) {
			irq->latch = false;
		}
		if (intid >= VGIC_NR_PRIVATE)
			irq->in_lr = false;
		/*
		 * A level SPI the guest deactivated: a resampling irqfd's
		 * line goes down until the VMM signals it again.
		 */
		if (intid >= VGIC_NR_PRIVATE && !irq->edge &&
		    (c->lr[i] & ICH_LR_STATE) && !state &&
		    hv_irqfd_resample(vm, intid))
			vgic_set_line_locked(vm, NULL, intid, false);
		/* an SPI deactivated here may move to its new target */
		to = vgic_changed_locked(vm, vcpu, intid);
		if (to != VGIC_NO_TARGET && to != vcpu->id)
			kick |= BIT_ULL(to);
	}
	c->nr_lr = 0;
	return kick;
}

/**
 * vgic_flush() - fill the list registers for the coming entry.
 * @vcpu: the vCPU, loaded on this CPU (vgic_load()); interrupts off,
 * after hv_vcpu_guest_mode_enter(): this is the last look at pending
 * interrupts before the entry.
 */
void vgic_flush(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	struct hv_vm *vm = vcpu->vm;
	unsigned int nr_lrs = vgic_hw_nr_lrs(), n = 0, total = 0, i, j, w;
	u32 cand[VGIC_MAX_LRS] __uninitialized;	/* written before read */
	u64 now = arch_timer_read_counter();
	bool level = vtimer_level(vcpu, now), timer = false;
	bool plevel = ptimer_level(vcpu, now);
	u64 hcr = ICH_HCR_EN, kick = 0;
	const unsigned long *ap;
	unsigned long bits;

	raw_spin_lock(&vm->arch.vgic.lock);
	/* the list registers of an exit vgic_sync() left to us */
	if (c->nr_lr)
		kick = vgic_sync_locked(vcpu);
	vgic_set_line_locked(vm, vcpu, VGIC_VTIMER_INTID, level);
	vgic_set_line_locked(vm, vcpu, VGIC_PTIMER_INTID, plevel);
	/*
	 * The set bits of the ap bitmap, a word at a time with __ffs()
	 * inline: for_each_set_bit() called find_next_bit() out of line
	 * for every bit, at every entry (about 60 instructions of hvbench's
	 * irq_vtimer, one bit set).
	 */
	ap = vgic_ap(vm, vcpu->id);
	for (w = 0; w < BITS_TO_LONGS(VGIC_NR_IRQS); w++) {
		for (bits = ap[w]; bits; bits &= bits - 1) {
			u32 intid = w * BITS_PER_LONG + __ffs(bits);
			struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
			u32 key;

			if (!irq->active && !vgic_deliverable(vm, irq))
				continue;
			total++;
			key = vgic_lr_key(irq, intid);
			if (n == nr_lrs && key >= cand[n - 1])
				continue;
			j = n < nr_lrs ? n++ : n - 1;
			for (; j > 0 && cand[j - 1] > key; j--)
				cand[j] = cand[j - 1];
			cand[j] = key;
		}
	}
	for (i = 0; i < n; i++) {
		c->lr[i] = vgic_make_lr(vm, vcpu, cand[i] & 0xff, &timer);
		vgic_hw_write_lr(i, c->lr[i]);
	}
	c->nr_lr = n;
	raw_spin_unlock(&vm->arch.vgic.lock);
	if (unlikely(kick))
		vgic_kick_mask(vm, kick);

	/* mask the host's vtimer PPI while the guest has the interrupt */
	if (level || timer) {
		if (!c->phys_active)
			vgic_hw_vtimer_active_irqoff(true);
		c->phys_active = true;
	} else if (c->phys_active) {
		vgic_hw_vtimer_active_irqoff(false);
		c->phys_active = false;
	}
	if (total > n)
		hcr |= ICH_HCR_UIE;
	write_sysreg_s(hcr, SYS_ICH_HCR_EL2);
}

/**
 * vgic_save() - read the list registers back after an exit and turn the
 * virtual CPU interface off.
 * @vcpu: the vCPU. Called with DAIF masked, before the host can take the
 * (level-sensitive) maintenance interrupt.
 */
void vgic_save(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	unsigned int i;

	for (i = 0; i < c->nr_lr; i++) {
		c->lr_out[i] = vgic_hw_read_lr(i);
		vgic_hw_write_lr(i, 0);
	}
	write_sysreg_s(0, SYS_ICH_HCR_EL2);
}

/**
 * vgic_sync() - fold what the guest did with its list registers into the
 * model: an acknowledged interrupt is no longer pending (the latch of a
 * level one is consumed, its line stays), a deactivated one not active.
 * @vcpu: the vCPU, after vgic_save(); nothing to do when the next
 * vgic_flush() or an earlier call did it.
 */
void vgic_sync(struct hv_vcpu *vcpu)
{
	struct hv_vm *vm = vcpu->vm;
	unsigned long flags;
	u64 kick;

	if (!vcpu->arch.vgic.nr_lr)
		return;
	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	kick = vgic_sync_locked(vcpu);
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	vgic_kick_mask(vm, kick);
}

/*
 * Make SGI @intid pending in @v unless its group forbids it, and wake it;
 * a target ready to run on this CPU is noted for a directed yield.
 */
static void vgic_sgi_one(struct hv_vcpu *from, struct hv_vcpu *v, u32 intid,
			 bool group1)
{
	struct vgic_irq *irq = &v->arch.vgic.priv[intid];
	struct hv_vm *vm = from->vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	/* ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 raise Group 0 SGIs only */
	if (group1 || !irq->group1) {
		irq->latch = true;
		vgic_changed_locked(vm, v, intid);
	}
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	hv_vcpu_kick(v);
	hv_vcpu_note_ready_here(from, v);
}

/**
 * vgic_sgi() - a trapped write of ICC_SGI1R_EL1 (@group1) or
 * ICC_SGI0R_EL1/ICC_ASGI1R_EL1 (IHI 0069 12.2.21): INTID [27:24],
 * TargetList [15:0] at Aff3.Aff2.Aff1 with Aff0 = RS * 16 + bit, or every
 * other PE when IRM [40] is set. Targets that do not exist are ignored.
 * @vcpu: the sending vCPU.
 * @sgir: the value written.
 * @group1: ICC_SGI1R_EL1.
 */
void vgic_sgi(struct hv_vcpu *vcpu, u64 sgir, bool group1)
{
	struct hv_vm *vm = vcpu->vm;
	u32 intid = (sgir >> 24) & 0xf;
	u32 rs = (sgir >> 44) & 0xf;
	unsigned long targets = sgir & 0xffff;
	u64 aff = sgir & (GENMASK_ULL(23, 16) | GENMASK_ULL(39, 32) |
			  GENMASK_ULL(55, 48));
	struct hv_vcpu *v;
	unsigned long t;
	u32 i;

	rcu_read_lock();
	if (sgir & BIT_ULL(40)) {
		for (i = 0; i < HV_MAX_VCPUS; i++) {
			v = hv_vm_vcpu_rcu(vm, i);
			if (v && v != vcpu)
				vgic_sgi_one(vcpu, v, intid, group1);
		}
	} else if (!aff) {
		for_each_set_bit(t, &targets, 16) {
			v = hv_vm_vcpu_rcu(vm, rs * 16 + t);
			if (v)
				vgic_sgi_one(vcpu, v, intid, group1);
		}
	}
	rcu_read_unlock();
}

bool hv_arch_vcpu_has_interrupt(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	struct hv_vm *vm = vcpu->vm;
	u32 pmr = (c->vmcr >> VGIC_VMCR_PMR_SHIFT) & 0xff;
	bool level, plevel, ret = false;
	const unsigned long *ap;
	unsigned long flags, bits;
	unsigned int w;
	u64 now;

	if (!vm->irqchip)
		return false;
	now = arch_timer_read_counter();
	level = vtimer_level(vcpu, now);
	plevel = ptimer_level(vcpu, now);
	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	vgic_set_line_locked(vm, vcpu, VGIC_VTIMER_INTID, level);
	vgic_set_line_locked(vm, vcpu, VGIC_PTIMER_INTID, plevel);
	/*
	 * What the CPU interface would signal: group on, above the mask;
	 * not an SPI that stays here only until its deactivation. The ap
	 * bitmap a word at a time, as in vgic_flush(): a WFI looks here up
	 * to four times (hv_vcpu_halt()'s wait and its result).
	 */
	ap = vgic_ap(vm, vcpu->id);
	for (w = 0; w < BITS_TO_LONGS(VGIC_NR_IRQS); w++) {
		for (bits = ap[w]; bits; bits &= bits - 1) {
			u32 intid = w * BITS_PER_LONG + __ffs(bits);
			struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid);
			u64 eng = irq->group1 ? VGIC_VMCR_ENG1 : VGIC_VMCR_ENG0;

			if (intid >= VGIC_NR_PRIVATE && irq->target != vcpu->id)
				continue;
			if (vgic_deliverable(vm, irq) && (c->vmcr & eng) &&
			    irq->priority < pmr) {
				ret = true;
				goto out;
			}
		}
	}
out:
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	return ret;
}

/* The reset state of an interrupt (IHI 0069 12.9, 12.11). */
static void vgic_irq_reset(struct vgic_irq *irq, bool edge)
{
	memset(irq, 0, sizeof(*irq));
	irq->edge = edge;
	irq->group1 = true;	/* as Linux programs them, and KVM resets */
	irq->owner = VGIC_NO_TARGET;
}

/**
 * vgic_vm_init() - the distributor of a new irqchip VM at QEMU virt's
 * addresses; takes the host's vtimer and maintenance interrupts.
 * @vm: the VM.
 *
 * Return: 0, or -errno from vgic_hw_get().
 */
int vgic_vm_init(struct hv_vm *vm)
{
	struct vgic_vm *d = &vm->arch.vgic;
	int i;

	raw_spin_lock_init(&d->lock);
	d->dist_base = VGIC_DIST_BASE;
	d->redist_base = VGIC_REDIST_BASE;
	for (i = 0; i < VGIC_NR_SPIS; i++)
		vgic_irq_reset(&d->spi[i], false);
	return vgic_hw_get();
}

void vgic_vm_destroy(struct hv_vm *vm)
{
	vgic_hw_put();
}

/**
 * vgic_vcpu_init() - a new vCPU's redistributor: SGIs edge, PPIs level,
 * all disabled, asleep (GICR_WAKER.ProcessorSleep). The SPIs pending for
 * its id are in the VM's bitmap for that id already (raised before or
 * while it is created): it finds them at its first entry.
 * @vcpu: the vCPU, not yet visible in vm->vcpus; vm->lock held.
 */
void vgic_vcpu_init(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	struct hv_vm *vm = vcpu->vm;
	unsigned long flags;
	int i;

	c->waker = GICR_WAKER_ProcessorSleep;
	/*
	 * Under the lock: whoever finds the vCPU in vm->vcpus and takes
	 * the lock sees this reset state. The private INTIDs of a vCPU
	 * that had this id before leave the bitmap.
	 */
	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	for (i = 0; i < VGIC_NR_PRIVATE; i++)
		vgic_irq_reset(&c->priv[i], i < 16);
	bitmap_clear(vgic_ap(vm, vcpu->id), 0, VGIC_NR_PRIVATE);
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	vtimer_vcpu_init(vcpu);
}

/* A vCPU is about to run: the GIC's addresses are fixed from now on. */
void vgic_start(struct hv_vm *vm)
{
	struct vgic_vm *d = &vm->arch.vgic;
	unsigned long flags;

	if (READ_ONCE(d->started))
		return;
	raw_spin_lock_irqsave(&d->lock, flags);
	WRITE_ONCE(d->started, true);
	raw_spin_unlock_irqrestore(&d->lock, flags);
}
