// SPDX-License-Identifier: GPL-2.0
/*
 * Register access ioctls of the EL2 backend, and its ioctl tables.
 *
 * Every handler runs with the vCPU's mutex held (hv_vcpu_ioctl()), so the
 * vCPU is not running and its whole state is in struct hv_arch_vcpu (the
 * run loop saves it before HV_RUN returns).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/ptrace.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "el2.h"
#include "vgic.h"

/*
 * PSTATE bits a VMM may set: NZCV, DIT, UAO, PAN, SSBS, BTYPE, DAIF
 * and the mode; the mode is EL0t, EL1t or EL1h (AArch64, no EL2).
 */
#define EL2_PSTATE_SETTABLE	(GENMASK_ULL(31, 28) | PSR_DIT_BIT | \
				 PSR_UAO_BIT | PSR_PAN_BIT | \
				 PSR_SSBS_BIT | PSR_BTYPE_MASK | PSR_D_BIT | \
				 PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | \
				 PSR_MODE_MASK)

/* CPACR_EL1.ZEN and SMEN: SVE and SME, which the guest does not have */
#define EL2_CPACR_SVE_SME	(GENMASK_ULL(17, 16) | GENMASK_ULL(25, 24))

/* CNTV_CTL_EL0: ENABLE and IMASK are writable, ISTATUS is not */
#define EL2_CNTV_CTL_WRITABLE	0x3ULL

static long el2_ioctl_get_regs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_regs *regs = arg;

	memcpy(regs->x, arch->gprs.x, sizeof(regs->x));
	regs->sp_el0 = arch->gprs.sp_el0;
	regs->sp_el1 = arch->sys.sp_el1;
	regs->pc = arch->pc;
	regs->pstate = arch->pstate;
	regs->elr_el1 = arch->sys.elr_el1;
	regs->spsr_el1 = arch->sys.spsr_el1;
	return 0;
}

static bool el2_pstate_valid(u64 pstate)
{
	u64 mode = pstate & PSR_MODE_MASK;

	if (pstate & ~EL2_PSTATE_SETTABLE)
		return false;
	return mode == PSR_MODE_EL0t || mode == PSR_MODE_EL1t ||
	       mode == PSR_MODE_EL1h;
}

static long el2_ioctl_set_regs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_arch_vcpu *arch = &vcpu->arch;
	const struct hv_regs *regs = arg;

	if (!hv_is_zero(regs->reserved, sizeof(regs->reserved)) ||
	    !el2_pstate_valid(regs->pstate))
		return -EINVAL;
	memcpy(arch->gprs.x, regs->x, sizeof(regs->x));
	arch->gprs.sp_el0 = regs->sp_el0;
	arch->sys.sp_el1 = regs->sp_el1;
	arch->pc = regs->pc;
	arch->pstate = regs->pstate;
	arch->sys.elr_el1 = regs->elr_el1;
	arch->sys.spsr_el1 = regs->spsr_el1;
	/* a register set by the VMM is not the target of an old MMIO read */
	arch->pending = EL2_PENDING_NONE;
	return 0;
}

static long el2_ioctl_get_sysregs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct el2_sysregs *s = &vcpu->arch.sys;
	struct hv_sysregs *r = arg;

	r->sctlr_el1 = s->sctlr;
	r->ttbr0_el1 = s->ttbr0;
	r->ttbr1_el1 = s->ttbr1;
	r->tcr_el1 = s->tcr;
	r->mair_el1 = s->mair;
	r->amair_el1 = s->amair;
	r->vbar_el1 = s->vbar;
	r->cpacr_el1 = s->cpacr;
	r->contextidr_el1 = s->contextidr;
	r->tpidr_el1 = s->tpidr_el1;
	r->tpidr_el0 = s->tpidr_el0;
	r->tpidrro_el0 = s->tpidrro_el0;
	r->esr_el1 = s->esr;
	r->far_el1 = s->far;
	r->par_el1 = s->par;
	r->afsr0_el1 = s->afsr0;
	r->afsr1_el1 = s->afsr1;
	r->cntkctl_el1 = s->cntkctl;
	r->cntv_ctl_el0 = s->cntv_ctl;
	r->cntv_cval_el0 = s->cntv_cval;
	r->cntvoff = s->cntvoff;
	r->mpidr_el1 = vcpu->arch.mpidr;
	return 0;
}

static long el2_ioctl_set_sysregs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct el2_sysregs *s = &vcpu->arch.sys;
	const struct hv_sysregs *r = arg;

	if (!hv_is_zero(r->reserved, sizeof(r->reserved)) ||
	    (r->cpacr_el1 & EL2_CPACR_SVE_SME))
		return -EINVAL;
	s->sctlr = r->sctlr_el1;
	s->ttbr0 = r->ttbr0_el1;
	s->ttbr1 = r->ttbr1_el1;
	s->tcr = r->tcr_el1;
	s->mair = r->mair_el1;
	s->amair = r->amair_el1;
	s->vbar = r->vbar_el1;
	s->cpacr = r->cpacr_el1;
	s->contextidr = r->contextidr_el1;
	s->tpidr_el1 = r->tpidr_el1;
	s->tpidr_el0 = r->tpidr_el0;
	s->tpidrro_el0 = r->tpidrro_el0;
	s->esr = r->esr_el1;
	s->far = r->far_el1;
	s->par = r->par_el1;
	s->afsr0 = r->afsr0_el1;
	s->afsr1 = r->afsr1_el1;
	s->cntkctl = r->cntkctl_el1;
	s->cntv_ctl = r->cntv_ctl_el0 & EL2_CNTV_CTL_WRITABLE;
	s->cntv_cval = r->cntv_cval_el0;
	s->cntvoff = r->cntvoff;
	return 0;
}

static long el2_fpu_access(struct file *filp, void *arg, bool set)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct el2_fpsimd *fp = &vcpu->arch.fp;
	const struct hv_fpu *f = arg;
	void __user *uaddr = u64_to_user_ptr(f->addr);
	struct hv_fpsimd *buf;
	long ret = 0;

	if (f->size != HV_FPSIMD_SIZE || f->flags ||
	    !hv_is_zero(f->reserved, sizeof(f->reserved)))
		return -EINVAL;
	if (set) {
		buf = memdup_user(uaddr, sizeof(*buf));
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		if (buf->reserved) {
			ret = -EINVAL;
		} else {
			memcpy(fp->v, buf->vregs, sizeof(fp->v));
			fp->fpsr = buf->fpsr;
			fp->fpcr = buf->fpcr;
		}
	} else {
		buf = kzalloc(sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		memcpy(buf->vregs, fp->v, sizeof(buf->vregs));
		buf->fpsr = fp->fpsr;
		buf->fpcr = fp->fpcr;
		if (copy_to_user(uaddr, buf, sizeof(*buf)))
			ret = -EFAULT;
	}
	kfree(buf);
	return ret;
}

static long el2_ioctl_get_fpu(struct file *filp, void *arg)
{
	return el2_fpu_access(filp, arg, false);
}

static long el2_ioctl_set_fpu(struct file *filp, void *arg)
{
	return el2_fpu_access(filp, arg, true);
}

static long el2_ioctl_set_irq_line(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_irq_line *l = arg;
	u64 bit;

	if (l->level > 1 || !hv_is_zero(l->reserved, sizeof(l->reserved)))
		return -EINVAL;
	/* the in-kernel GIC owns the vCPU's interrupt lines */
	if (vcpu->vm->irqchip)
		return -EBUSY;
	switch (l->line) {
	case HV_ARM64_IRQ_LINE:
		bit = HCR_VI;
		break;
	case HV_ARM64_FIQ_LINE:
		bit = HCR_VF;
		break;
	default:
		return -EINVAL;
	}
	if (l->level)
		vcpu->arch.hcr |= bit;
	else
		vcpu->arch.hcr &= ~bit;
	return 0;
}

static long el2_ioctl_get_power(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_power *p = arg;

	p->state = READ_ONCE(vcpu->arch.power) == EL2_POWER_OFF ?
		   HV_ARM64_POWER_OFF : HV_ARM64_POWER_ON;
	return 0;
}

static long el2_ioctl_set_power(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	const struct hv_power *p = arg;

	if (p->state > HV_ARM64_POWER_OFF || p->flags ||
	    !hv_is_zero(p->reserved, sizeof(p->reserved)))
		return -EINVAL;
	spin_lock(&avm->power_lock);
	WRITE_ONCE(vcpu->arch.power, p->state == HV_ARM64_POWER_OFF ?
		   EL2_POWER_OFF : EL2_POWER_ON);
	spin_unlock(&avm->power_lock);
	return 0;
}

/* Contract: see hv_ioctl_call(). Called with the vCPU's mutex held. */
const struct hv_ioctl_desc hv_arch_vcpu_ioctls[] = {
	HV_IOCTL(HV_GET_REGS, el2_ioctl_get_regs, 0),
	HV_IOCTL(HV_SET_REGS, el2_ioctl_set_regs, 0),
	HV_IOCTL(HV_GET_SYSREGS, el2_ioctl_get_sysregs, 0),
	HV_IOCTL(HV_SET_SYSREGS, el2_ioctl_set_sysregs, 0),
	HV_IOCTL(HV_GET_FPU, el2_ioctl_get_fpu, 0),
	HV_IOCTL(HV_SET_FPU, el2_ioctl_set_fpu, 0),
	HV_IOCTL(HV_SET_IRQ_LINE, el2_ioctl_set_irq_line, 0),
	HV_IOCTL(HV_GET_POWER, el2_ioctl_get_power, 0),
	HV_IOCTL(HV_SET_POWER, el2_ioctl_set_power, 0),
	HV_IOCTL(HV_ARM64_GET_VGIC_CPU, vgic_ioctl_get_cpu, 0),
	HV_IOCTL(HV_ARM64_SET_VGIC_CPU, vgic_ioctl_set_cpu, 0),
};

const size_t hv_arch_vcpu_nioctls = ARRAY_SIZE(hv_arch_vcpu_ioctls);

const struct hv_ioctl_desc hv_arch_dev_ioctls[] = {};
const size_t hv_arch_dev_nioctls;

/* The VM ioctls are the in-kernel GIC's: vgic_uapi.c. */
