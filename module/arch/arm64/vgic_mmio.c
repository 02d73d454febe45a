// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv3 distributor and redistributors of an irqchip VM, emulated as
 * MMIO (IHI 0069 chapter 12.9, "The GIC Distributor register map", and
 * 12.10/12.11, the redistributor's RD_base and SGI_base frames).
 *
 * The distributor has one security state (GICD_CTLR.DS = 1) and affinity
 * routing always on (ARE RAO/WI); no LPIs, no message-based SPIs, no
 * extended ranges, 1-of-N routing not implemented (No1N). SPIs are INTIDs
 * 32 .. 32 + VGIC_NR_SPIS - 1. Each vCPU id has a 128 KiB redistributor
 * frame at redist_base + id * 128 KiB; the frame of the highest vCPU id
 * that exists has GICR_TYPER.Last. Registers are 32 bits wide, accessed
 * with 32-bit accesses, except IROUTER and GICR_TYPER (64 bits, or either
 * 32-bit half) and the byte-accessible IPRIORITYR; any other access, a
 * reserved offset, a register of an interrupt that does not exist or the
 * frame of an absent vCPU reads as zero and ignores writes (RAZ/WI).
 */
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/rcupdate.h>

#include "hv_core.h"
#include "vgic.h"

#define VGIC_CTLR_GRP_MASK	(BIT(0) | BIT(1))
#define VGIC_CTLR_ARE		BIT(4)
#define VGIC_CTLR_DS		BIT(6)
/* GICD_TYPER: IDbits 10 (value 9), No1N */
#define VGIC_TYPER		((VGIC_NR_IRQS / 32 - 1) | 9 << 19 | BIT(25))
#define VGIC_SGI_BASE		0x10000
#define VGIC_ICFGR_SGI		0xaaaaaaaa	/* SGIs are edge-triggered */

/* The 32-bit-per-register banks from IGROUPR to ICACTIVER, by offset/128 */
enum vgic_bank {
	VGIC_GROUP = 1,
	VGIC_SENABLE,
	VGIC_CENABLE,
	VGIC_SPEND,
	VGIC_CPEND,
	VGIC_SACTIVE,
	VGIC_CACTIVE,
};

bool vgic_mmio_is_gic(struct hv_vm *vm, u64 gpa)
{
	const struct vgic_vm *d = &vm->arch.vgic;

	return gpa - d->dist_base < VGIC_DIST_SIZE ||
	       gpa - d->redist_base < VGIC_REDIST_SIZE;
}

static bool vgic_bank_bit(const struct vgic_irq *irq, enum vgic_bank bank)
{
	switch (bank) {
	case VGIC_GROUP:
		return irq->group1;
	case VGIC_SENABLE:
	case VGIC_CENABLE:
		return irq->enabled;
	case VGIC_SPEND:
	case VGIC_CPEND:
		return vgic_pending(irq);
	default:
		return irq->active;
	}
}

static void vgic_bank_set(struct vgic_irq *irq, enum vgic_bank bank, bool bit)
{
	switch (bank) {
	case VGIC_GROUP:
		irq->group1 = bit;
		break;
	case VGIC_SENABLE:
		irq->enabled |= bit;
		break;
	case VGIC_CENABLE:
		irq->enabled &= !bit;
		break;
	case VGIC_SPEND:
		irq->latch |= bit;
		break;
	case VGIC_CPEND:
		/* a level input that is high stays pending */
		irq->latch &= !bit;
		break;
	case VGIC_SACTIVE:
		irq->active |= bit;
		break;
	case VGIC_CACTIVE:
		irq->active &= !bit;
		break;
	}
}

/*
 * One bank register for INTIDs @base .. @base + 31. @vcpu: the
 * redistributor's vCPU for private ones. Writes kick the vCPUs concerned.
 */
static u32 vgic_bank_access(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 base,
			    enum vgic_bank bank, bool write, u32 val)
{
	struct vgic_vm *d = &vm->arch.vgic;
	u64 kick = 0;
	unsigned long flags;
	u32 i, ret = 0;

	raw_spin_lock_irqsave(&d->lock, flags);
	for (i = 0; i < 32; i++) {
		struct vgic_irq *irq = vgic_get_irq(vm, vcpu, base + i);
		bool bit = val & BIT(i);

		if (!write) {
			ret |= (u32)vgic_bank_bit(irq, bank) << i;
			continue;
		}
		if (bank != VGIC_GROUP && !bit)
			continue;
		vgic_bank_set(irq, bank, bit);
		vgic_changed_locked(vm, vcpu, base + i);
		if (base + i < VGIC_NR_PRIVATE)
			kick |= BIT_ULL(vcpu->id);
		else if (irq->owner != VGIC_NO_TARGET)
			kick |= BIT_ULL(irq->owner);
		else if (irq->target != VGIC_NO_TARGET)
			kick |= BIT_ULL(irq->target);
	}
	raw_spin_unlock_irqrestore(&d->lock, flags);
	if (kick) {
		unsigned long id;

		rcu_read_lock();
		for_each_set_bit(id, (unsigned long *)&kick, HV_MAX_VCPUS) {
			struct hv_vcpu *v = hv_vm_vcpu_rcu(vm, id);

			if (v)
				hv_vcpu_kick(v);
		}
		rcu_read_unlock();
	}
	return ret;
}

/* IPRIORITYR bytes for INTIDs @intid .. @intid + @len - 1. */
static u64 vgic_prio_access(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 intid,
			    unsigned int len, bool write, u64 val)
{
	unsigned long flags;
	unsigned int i;
	u64 ret = 0;

	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	for (i = 0; i < len; i++) {
		struct vgic_irq *irq = vgic_get_irq(vm, vcpu, intid + i);

		if (write)
			irq->priority = (val >> (8 * i)) & VGIC_PRIO_MASK;
		else
			ret |= (u64)irq->priority << (8 * i);
	}
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	return ret;
}

/* ICFGR for SPIs @intid .. @intid + 15: bit 2i+1 is edge. */
static u32 vgic_cfg_access(struct hv_vm *vm, u32 intid, bool write, u32 val)
{
	unsigned long flags;
	u32 i, ret = 0;

	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	for (i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_get_irq(vm, NULL, intid + i);

		if (!write) {
			ret |= (u32)irq->edge << (2 * i + 1);
			continue;
		}
		irq->edge = val & BIT(2 * i + 1);
		vgic_changed_locked(vm, NULL, intid + i);
	}
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	return ret;
}

/* GICD_IROUTER<n>, or one 32-bit half of it (@off & 4). */
static u64 vgic_irouter_access(struct hv_vm *vm, u32 intid, u32 off,
			       unsigned int len, bool write, u64 val)
{
	struct vgic_irq *irq = vgic_get_irq(vm, NULL, intid);
	/* Aff3, Aff2, Aff1, Aff0; IRM (bit 31) is RAZ/WI (No1N) */
	const u64 mask = GENMASK_ULL(39, 32) | GENMASK_ULL(23, 0);
	unsigned int shift = (off & 4) * 8;
	unsigned long flags;
	u64 v, ret;

	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	ret = irq->irouter >> shift;
	if (write) {
		v = len == 8 ? val : (irq->irouter & ~(0xffffffffULL << shift)) |
				     (val & 0xffffffff) << shift;
		irq->irouter = v & mask;
		irq->target = vgic_spi_target(irq->irouter);
		vgic_changed_locked(vm, NULL, intid);
	}
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	/*
	 * The new target, or the old one that still has it in a list
	 * register (it ends it there, then hands it on: vgic_sync())
	 */
	if (write)
		vgic_kick_owner(vm, intid);
	return len == 8 ? ret : (u32)ret;
}

/*
 * The interrupt bank registers and priorities, common to the distributor
 * (SPIs, @vcpu NULL) and the SGI_base frame (private, @vcpu the
 * redistributor's): INTIDs @first .. @last - 1 exist at these offsets.
 */
static u64 vgic_irq_regs(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 off,
			 unsigned int len, bool write, u64 val, u32 first,
			 u32 last)
{
	u32 intid;

	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		intid = (off & 0x7f) * 8;
		if (len != 4 || off & 3 || intid < first || intid >= last)
			return 0;
		return vgic_bank_access(vm, vcpu, intid, off >> 7, write, val);
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + last) {
		intid = off - GICD_IPRIORITYR;
		if ((len != 1 && len != 4) || off & (len - 1) || intid < first)
			return 0;
		return vgic_prio_access(vm, vcpu, intid, len, write, val);
	}
	return 0;
}

static u64 vgic_dist_access(struct hv_vcpu *vcpu, u32 off, unsigned int len,
			    bool write, u64 val)
{
	struct hv_vm *vm = vcpu->vm;
	struct vgic_vm *d = &vm->arch.vgic;
	u32 intid;

	if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * VGIC_NR_IRQS) {
		intid = (off - GICD_IROUTER) / 8;
		if (intid < VGIC_NR_PRIVATE || (len != 8 && len != 4) ||
		    off & (len - 1))
			return 0;
		return vgic_irouter_access(vm, intid, off, len, write, val);
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + VGIC_NR_IRQS / 4) {
		intid = (off - GICD_ICFGR) * 4;
		if (len != 4 || off & 3 || intid < VGIC_NR_PRIVATE)
			return 0;
		return vgic_cfg_access(vm, intid, write, val);
	}
	if (off < GICD_IGROUPR) {
		if (len != 4)
			return 0;
		switch (off) {
		case GICD_CTLR:
			if (write) {
				WRITE_ONCE(d->ctlr, val & VGIC_CTLR_GRP_MASK);
				/* interrupts of a group just enabled */
				hv_vm_kick_all(vm);
			}
			return d->ctlr | VGIC_CTLR_ARE | VGIC_CTLR_DS;
		case GICD_TYPER:
			return VGIC_TYPER;
		case GICD_IIDR:
			return VGIC_IIDR;
		default:
			return 0;
		}
	}
	if (off == GICD_PIDR2)
		return len == 4 ? VGIC_PIDR2 : 0;
	return vgic_irq_regs(vm, NULL, off, len, write, val, VGIC_NR_PRIVATE,
			     VGIC_NR_IRQS);
}

/* Is @vcpu the vCPU with the highest id? (RCU read side) */
static bool vgic_redist_last(struct hv_vm *vm, u32 id)
{
	while (++id < HV_MAX_VCPUS)
		if (hv_vm_vcpu_rcu(vm, id))
			return false;
	return true;
}

/* GICR_TYPER: Affinity = MPIDR Aff0 (the id), Processor_Number, Last. */
static u64 vgic_redist_typer(struct hv_vm *vm, struct hv_vcpu *v)
{
	return (v->arch.mpidr & 0xff) << 32 | (u64)v->id << 8 |
	       (vgic_redist_last(vm, v->id) ? GICR_TYPER_LAST : 0);
}

/* The RD_base and SGI_base frames of vCPU @v (RCU read side). */
static u64 vgic_redist_access(struct hv_vm *vm, struct hv_vcpu *v, u32 off,
			      unsigned int len, bool write, u64 val)
{
	struct vgic_cpu *c = &v->arch.vgic;
	u64 typer;

	if (off >= VGIC_SGI_BASE) {
		off -= VGIC_SGI_BASE;
		if (off == GICR_ICFGR0 || off == GICR_ICFGR0 + 4)
			return len == 4 && off == GICR_ICFGR0 ?
			       VGIC_ICFGR_SGI : 0;
		return vgic_irq_regs(vm, v, off, len, write, val, 0,
				     VGIC_NR_PRIVATE);
	}
	switch (off) {
	case GICR_TYPER:
	case GICR_TYPER + 4:
		if (write || len < 4 || off & (len - 1))
			return 0;
		typer = vgic_redist_typer(vm, v);
		return len == 8 ? typer : (u32)(typer >> ((off & 4) * 8));
	case GICR_WAKER:
		if (len != 4)
			return 0;
		/* ChildrenAsleep follows ProcessorSleep at once */
		if (write)
			WRITE_ONCE(c->waker, val & GICR_WAKER_ProcessorSleep);
		return c->waker ? GICR_WAKER_ProcessorSleep |
				  GICR_WAKER_ChildrenAsleep : 0;
	case GICR_IIDR:
		return len == 4 ? VGIC_IIDR : 0;
	case GICR_PIDR2:
		return len == 4 ? VGIC_PIDR2 : 0;
	default:
		return 0;	/* CTLR (no LPIs), STATUSR, reserved */
	}
}

static u64 vgic_mmio_access(struct hv_vcpu *vcpu, u64 gpa, unsigned int len,
			    bool write, u64 val)
{
	struct hv_vm *vm = vcpu->vm;
	const struct vgic_vm *d = &vm->arch.vgic;
	struct hv_vcpu *v;
	u64 off, ret = 0;

	if (gpa - d->dist_base < VGIC_DIST_SIZE)
		return vgic_dist_access(vcpu, gpa - d->dist_base, len, write,
					val);
	off = gpa - d->redist_base;
	rcu_read_lock();
	v = hv_vm_vcpu_rcu(vm, off / VGIC_REDIST_FRAME);
	if (v)
		ret = vgic_redist_access(vm, v, off % VGIC_REDIST_FRAME, len,
					 write, val);
	rcu_read_unlock();
	return ret;
}

/**
 * vgic_mmio_read() - a guest load from the GIC's registers.
 * @vcpu: the vCPU (in its exit path).
 * @gpa: the address, vgic_mmio_is_gic().
 * @len: 1, 2, 4 or 8 bytes.
 *
 * Return: the value, in the register's (little-endian) order.
 */
u64 vgic_mmio_read(struct hv_vcpu *vcpu, u64 gpa, unsigned int len)
{
	return vgic_mmio_access(vcpu, gpa, len, false, 0);
}

/* A guest store: @val holds @len bytes, little-endian. */
void vgic_mmio_write(struct hv_vcpu *vcpu, u64 gpa, unsigned int len, u64 val)
{
	vgic_mmio_access(vcpu, gpa, len, true, val);
}
