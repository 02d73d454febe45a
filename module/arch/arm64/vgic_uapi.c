// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GIC's ioctls: where the VMM puts it, and its state for
 * save and restore (uapi/linux/hv_arm64.h). VM ioctls run without the
 * VM's locks (the vgic lock guards the state); vCPU ioctls with the
 * vCPU's mutex held, so that vCPU is not running.
 */
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "el2.h"
#include "vgic.h"

static_assert(sizeof(struct hv_arm64_gic_addr) == 32);
static_assert(sizeof(struct hv_arm64_vgic_irq) == 16);
static_assert(sizeof(struct hv_arm64_vgic_dist_state) == 1600);
static_assert(sizeof(struct hv_arm64_vgic_cpu_state) == 640);
static_assert(sizeof(struct hv_arm64_state_buf) == 32);
static_assert(HV_ARM64_VGIC_NR_SPIS == VGIC_NR_SPIS);
static_assert(HV_ARM64_GIC_DIST_DEFAULT == VGIC_DIST_BASE);
static_assert(HV_ARM64_GIC_REDIST_DEFAULT == VGIC_REDIST_BASE);
static_assert(HV_ARM64_GIC_DIST_SIZE == VGIC_DIST_SIZE);
static_assert(HV_ARM64_GIC_REDIST_FRAME == VGIC_REDIST_FRAME);

#define VGIC_IRQ_FLAGS	(HV_ARM64_VGIC_IRQ_ENABLED | \
			 HV_ARM64_VGIC_IRQ_PENDING | \
			 HV_ARM64_VGIC_IRQ_ACTIVE | HV_ARM64_VGIC_IRQ_EDGE | \
			 HV_ARM64_VGIC_IRQ_GROUP1 | HV_ARM64_VGIC_IRQ_LINE)
/* ICH_VMCR_EL2: VENG0/1, VAckCtl, VFIQEn, VCBPR, VEOIM, VBPR1/0, VPMR */
#define VGIC_VMCR_VALID	(GENMASK_ULL(4, 0) | BIT_ULL(9) | GENMASK_ULL(31, 18))
#define VGIC_IROUTER_VALID (GENMASK_ULL(39, 32) | GENMASK_ULL(23, 0))
/* CNTV_CTL_EL0, CNTP_CTL_EL0: ENABLE and IMASK; ISTATUS is read-only */
#define VGIC_CNTV_CTL_WRITABLE	0x3ULL

static long vgic_ioctl_set_addr(struct file *filp, void *arg)
{
	struct hv_vm *vm = filp->private_data;
	const struct hv_arm64_gic_addr *a = arg;
	struct vgic_vm *d = &vm->arch.vgic;
	u64 limit = BIT_ULL(el2_config.ipa_bits);
	unsigned long flags;
	long ret = 0;

	if (!vm->irqchip)
		return -ENXIO;
	if (a->flags || !hv_is_zero(a->reserved, sizeof(a->reserved)) ||
	    !IS_ALIGNED(a->dist_base, SZ_64K) ||
	    !IS_ALIGNED(a->redist_base, SZ_64K) ||
	    a->dist_base > limit - VGIC_DIST_SIZE ||
	    a->redist_base > limit - VGIC_REDIST_SIZE ||
	    (a->dist_base < a->redist_base + VGIC_REDIST_SIZE &&
	     a->redist_base < a->dist_base + VGIC_DIST_SIZE))
		return -EINVAL;
	raw_spin_lock_irqsave(&d->lock, flags);
	if (d->started) {
		ret = -EBUSY;
	} else {
		d->dist_base = a->dist_base;
		d->redist_base = a->redist_base;
	}
	raw_spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}

static void vgic_irq_get(const struct vgic_irq *irq, struct hv_arm64_vgic_irq *u)
{
	u->priority = irq->priority;
	u->flags = (irq->enabled ? HV_ARM64_VGIC_IRQ_ENABLED : 0) |
		   (irq->latch ? HV_ARM64_VGIC_IRQ_PENDING : 0) |
		   (irq->active ? HV_ARM64_VGIC_IRQ_ACTIVE : 0) |
		   (irq->edge ? HV_ARM64_VGIC_IRQ_EDGE : 0) |
		   (irq->group1 ? HV_ARM64_VGIC_IRQ_GROUP1 : 0) |
		   (irq->line ? HV_ARM64_VGIC_IRQ_LINE : 0);
	u->irouter = irq->irouter;
}

static bool vgic_irq_valid(const struct hv_arm64_vgic_irq *u, bool spi)
{
	return !(u->flags & ~VGIC_IRQ_FLAGS) && !u->reserved0 &&
	       !u->reserved1 && !(u->priority & ~VGIC_PRIO_MASK) &&
	       !(u->irouter & ~(spi ? VGIC_IROUTER_VALID : 0));
}

/* @edge_rw: the config is the VMM's to set (SPIs), else kept. */
static void vgic_irq_set(struct vgic_irq *irq,
			 const struct hv_arm64_vgic_irq *u, bool spi)
{
	irq->priority = u->priority;
	irq->enabled = u->flags & HV_ARM64_VGIC_IRQ_ENABLED;
	irq->latch = u->flags & HV_ARM64_VGIC_IRQ_PENDING;
	irq->active = u->flags & HV_ARM64_VGIC_IRQ_ACTIVE;
	irq->group1 = u->flags & HV_ARM64_VGIC_IRQ_GROUP1;
	irq->line = u->flags & HV_ARM64_VGIC_IRQ_LINE;
	if (spi) {
		irq->edge = u->flags & HV_ARM64_VGIC_IRQ_EDGE;
		irq->irouter = u->irouter;
		irq->target = vgic_spi_target(u->irouter);
	}
}

/* Validate the buffer descriptor; the state struct is @size bytes. */
static void __user *vgic_buf(const struct hv_arm64_state_buf *b, u32 size)
{
	if (b->size != size || b->flags ||
	    !hv_is_zero(b->reserved, sizeof(b->reserved)))
		return NULL;
	return u64_to_user_ptr(b->addr);
}

static long vgic_ioctl_dist(struct file *filp, void *arg, bool set)
{
	struct hv_vm *vm = filp->private_data;
	struct vgic_vm *d = &vm->arch.vgic;
	struct hv_arm64_vgic_dist_state *st;
	void __user *uaddr = vgic_buf(arg, sizeof(*st));
	unsigned long flags;
	long ret = 0;
	int i;

	if (!vm->irqchip)
		return -ENXIO;
	if (!uaddr)
		return -EINVAL;
	if (!set) {
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st)
			return -ENOMEM;
		raw_spin_lock_irqsave(&d->lock, flags);
		st->ctlr = d->ctlr;
		for (i = 0; i < VGIC_NR_SPIS; i++)
			vgic_irq_get(&d->spi[i], &st->spi[i]);
		raw_spin_unlock_irqrestore(&d->lock, flags);
		st->nr_spis = VGIC_NR_SPIS;
		if (copy_to_user(uaddr, st, sizeof(*st)))
			ret = -EFAULT;
		kfree(st);
		return ret;
	}
	st = memdup_user(uaddr, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	if (st->nr_spis != VGIC_NR_SPIS || st->ctlr & ~3U ||
	    !hv_is_zero(st->reserved, sizeof(st->reserved)))
		ret = -EINVAL;
	for (i = 0; !ret && i < VGIC_NR_SPIS; i++)
		if (!vgic_irq_valid(&st->spi[i], true))
			ret = -EINVAL;
	if (!ret) {
		raw_spin_lock_irqsave(&d->lock, flags);
		d->ctlr = st->ctlr;
		for (i = 0; i < VGIC_NR_SPIS; i++) {
			vgic_irq_set(&d->spi[i], &st->spi[i], true);
			vgic_changed_locked(vm, NULL, i + VGIC_NR_PRIVATE);
		}
		raw_spin_unlock_irqrestore(&d->lock, flags);
		hv_vm_kick_all(vm);
	}
	kfree(st);
	return ret;
}

static long vgic_ioctl_get_dist(struct file *filp, void *arg)
{
	return vgic_ioctl_dist(filp, arg, false);
}

static long vgic_ioctl_set_dist(struct file *filp, void *arg)
{
	return vgic_ioctl_dist(filp, arg, true);
}

static long vgic_cpu_get(struct hv_vcpu *vcpu, void __user *uaddr)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	struct hv_arm64_vgic_cpu_state *st;
	unsigned long flags;
	long ret = 0;
	int i;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->waker = c->waker;
	st->vmcr = c->vmcr;
	memcpy(st->ap0r, c->ap0r, sizeof(st->ap0r));
	memcpy(st->ap1r, c->ap1r, sizeof(st->ap1r));
	st->cntv_ctl = vcpu->arch.sys.cntv_ctl;
	st->cntv_cval = vcpu->arch.sys.cntv_cval;
	st->cntp_ctl = vcpu->arch.sys.cntp_ctl;
	st->cntp_cval = vcpu->arch.sys.cntp_cval;
	raw_spin_lock_irqsave(&vcpu->vm->arch.vgic.lock, flags);
	for (i = 0; i < VGIC_NR_PRIVATE; i++)
		vgic_irq_get(&c->priv[i], &st->priv[i]);
	raw_spin_unlock_irqrestore(&vcpu->vm->arch.vgic.lock, flags);
	if (copy_to_user(uaddr, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

static bool vgic_cpu_valid(const struct hv_arm64_vgic_cpu_state *st)
{
	int i;

	if ((st->waker & ~GICR_WAKER_ProcessorSleep) || st->reserved0 ||
	    (st->vmcr & ~VGIC_VMCR_VALID) ||
	    (st->cntv_ctl & ~VGIC_CNTV_CTL_WRITABLE) ||
	    (st->cntp_ctl & ~VGIC_CNTV_CTL_WRITABLE) ||
	    !hv_is_zero(st->reserved, sizeof(st->reserved)))
		return false;
	for (i = 0; i < VGIC_NR_PRIVATE; i++) {
		/* SGIs are edge, PPIs level: not the VMM's to change */
		bool edge = st->priv[i].flags & HV_ARM64_VGIC_IRQ_EDGE;
		bool sgi = i < 16;

		if (!vgic_irq_valid(&st->priv[i], false) || edge != sgi)
			return false;
	}
	return true;
}

static long vgic_cpu_set(struct hv_vcpu *vcpu, void __user *uaddr)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;
	struct hv_arm64_vgic_cpu_state *st;
	struct hv_vm *vm = vcpu->vm;
	unsigned long flags;
	int i;

	st = memdup_user(uaddr, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	if (!vgic_cpu_valid(st)) {
		kfree(st);
		return -EINVAL;
	}
	c->waker = st->waker;
	c->vmcr = st->vmcr;
	memcpy(c->ap0r, st->ap0r, sizeof(c->ap0r));
	memcpy(c->ap1r, st->ap1r, sizeof(c->ap1r));
	vcpu->arch.sys.cntv_ctl = st->cntv_ctl;
	vcpu->arch.sys.cntv_cval = st->cntv_cval;
	ptimer_set(vcpu, st->cntp_ctl, st->cntp_cval);
	raw_spin_lock_irqsave(&vm->arch.vgic.lock, flags);
	for (i = 0; i < VGIC_NR_PRIVATE; i++) {
		vgic_irq_set(&c->priv[i], &st->priv[i], false);
		vgic_changed_locked(vm, vcpu, i);
	}
	raw_spin_unlock_irqrestore(&vm->arch.vgic.lock, flags);
	kfree(st);
	return 0;
}

static long vgic_ioctl_cpu(struct file *filp, void *arg, bool set)
{
	struct hv_vcpu *vcpu = filp->private_data;
	void __user *uaddr;

	if (!vcpu->vm->irqchip)
		return -ENXIO;
	uaddr = vgic_buf(arg, sizeof(struct hv_arm64_vgic_cpu_state));
	if (!uaddr)
		return -EINVAL;
	return set ? vgic_cpu_set(vcpu, uaddr) : vgic_cpu_get(vcpu, uaddr);
}

long vgic_ioctl_get_cpu(struct file *filp, void *arg)
{
	return vgic_ioctl_cpu(filp, arg, false);
}

long vgic_ioctl_set_cpu(struct file *filp, void *arg)
{
	return vgic_ioctl_cpu(filp, arg, true);
}

/* Contract: see hv_ioctl_call(). filp->private_data is the VM. */
const struct hv_ioctl_desc hv_arch_vm_ioctls[] = {
	HV_IOCTL(HV_ARM64_SET_GIC_ADDR, vgic_ioctl_set_addr, 0),
	HV_IOCTL(HV_ARM64_GET_VGIC_DIST, vgic_ioctl_get_dist, 0),
	HV_IOCTL(HV_ARM64_SET_VGIC_DIST, vgic_ioctl_set_dist, 0),
};

const size_t hv_arch_vm_nioctls = ARRAY_SIZE(hv_arch_vm_ioctls);
