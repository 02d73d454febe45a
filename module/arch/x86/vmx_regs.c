// SPDX-License-Identifier: GPL-2.0
/*
 * Register access ioctls of the VT-x backend, and its ioctl tables.
 *
 * Every handler runs with the vCPU's mutex held (hv_vcpu_ioctl()), so the
 * vCPU is not running; it loads the VMCS on this CPU for the duration.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/vmx.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

/* RFLAGS bits that are reserved: 1 must be set; 3, 5, 15, 22-63 clear. */
#define RFLAGS_RESERVED_ZERO	(BIT(3) | BIT(5) | BIT(15) | ~0x3fffffUL)

static void vmx_load(struct hv_vcpu *vcpu)
{
	preempt_disable();
	vmx_vcpu_load(vcpu);
}

static void vmx_unload(void)
{
	preempt_enable();
}

/*
 * The registers the VMM sets win over an answer to the last exit still to
 * be applied (IN or MMIO read data, a hypercall's result, INS data): the
 * vCPU resumes exactly at what was set, and a cancelled INS writes no
 * guest memory. Until then HV_GET_REGS shows the registers as the exiting
 * instruction leaves them (RIP after it; RDI and RCX advanced for INS)
 * but without the result. See Documentation/x86.rst.
 */
static void vmx_cancel_pending(struct hv_vcpu *vcpu)
{
	vcpu->arch.pending = VMX_PENDING_NONE;
}

static long vmx_ioctl_get_regs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_regs *regs = arg;

	memcpy(regs->gpr, vcpu->arch.gpr, sizeof(regs->gpr));
	vmx_load(vcpu);
	regs->gpr[HV_X86_RSP] = vmcs_readl(GUEST_RSP);
	regs->rip = vmcs_readl(GUEST_RIP);
	regs->rflags = vmcs_readl(GUEST_RFLAGS);
	vmx_unload();
	return 0;
}

static long vmx_ioctl_set_regs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_regs *regs = arg;

	if (!(regs->rflags & X86_EFLAGS_FIXED) ||
	    (regs->rflags & RFLAGS_RESERVED_ZERO))
		return -EINVAL;
	memcpy(vcpu->arch.gpr, regs->gpr, sizeof(regs->gpr));
	vmx_cancel_pending(vcpu);
	vmx_load(vcpu);
	vmcs_writel(GUEST_RSP, regs->gpr[HV_X86_RSP]);
	vmcs_writel(GUEST_RIP, regs->rip);
	vmcs_writel(GUEST_RFLAGS, regs->rflags);
	vmx_unload();
	return 0;
}

static void vmx_get_segment(enum vmx_seg seg, struct hv_segment *s)
{
	s->selector = vmcs_read16(GUEST_ES_SELECTOR + 2 * seg);
	s->base = vmcs_readl(GUEST_ES_BASE + 2 * seg);
	s->limit = vmcs_read32(GUEST_ES_LIMIT + 2 * seg);
	s->ar = vmcs_read32(GUEST_ES_AR_BYTES + 2 * seg);
}

static void vmx_set_segment(enum vmx_seg seg, const struct hv_segment *s)
{
	vmcs_write16(GUEST_ES_SELECTOR + 2 * seg, s->selector);
	vmcs_writel(GUEST_ES_BASE + 2 * seg, s->base);
	vmcs_write32(GUEST_ES_LIMIT + 2 * seg, s->limit);
	vmcs_write32(GUEST_ES_AR_BYTES + 2 * seg, s->ar);
}

/* uapi segment order -> VMCS segment number */
static const enum vmx_seg vmx_sregs_order[] = {
	VMX_SEG_CS, VMX_SEG_DS, VMX_SEG_ES, VMX_SEG_FS, VMX_SEG_GS,
	VMX_SEG_SS, VMX_SEG_TR, VMX_SEG_LDTR,
};

static struct hv_segment *vmx_sregs_seg(struct hv_sregs *sregs, int i)
{
	struct hv_segment *segs[] = {
		&sregs->cs, &sregs->ds, &sregs->es, &sregs->fs, &sregs->gs,
		&sregs->ss, &sregs->tr, &sregs->ldt,
	};

	return segs[i];
}

static long vmx_ioctl_get_sregs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_sregs *sregs = arg;
	int i;

	vmx_load(vcpu);
	for (i = 0; i < ARRAY_SIZE(vmx_sregs_order); i++)
		vmx_get_segment(vmx_sregs_order[i], vmx_sregs_seg(sregs, i));
	sregs->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx_get_cr0();
	sregs->cr3 = vmcs_readl(GUEST_CR3);
	sregs->cr4 = vmx_get_cr4();
	sregs->efer = vmcs_read64(GUEST_IA32_EFER);
	vmx_unload();
	sregs->cr2 = vcpu->arch.cr2;
	sregs->cr8 = vcpu->vm->irqchip ? hv_lapic_get_cr8(&vcpu->arch.lapic) :
					 vcpu->arch.cr8;
	return 0;
}

/* Cheap checks of what VM entry would refuse anyway (SDM 27.3.1). */
static int vmx_check_sregs(const struct hv_sregs *sregs)
{
	struct hv_sregs copy = *sregs;
	bool lme = sregs->efer & EFER_LME, pg = sregs->cr0 & X86_CR0_PG;
	int i;

	if (!hv_is_zero(sregs->reserved, sizeof(sregs->reserved)) ||
	    sregs->cr8 > 15)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(vmx_sregs_order); i++) {
		const struct hv_segment *s = vmx_sregs_seg(&copy, i);

		if (s->reserved || s->pad || (s->ar & ~0x1f0ffU))
			return -EINVAL;
	}
	if (sregs->gdt.pad[0] | sregs->gdt.pad[1] | sregs->gdt.pad[2] |
	    sregs->idt.pad[0] | sregs->idt.pad[1] | sregs->idt.pad[2])
		return -EINVAL;
	if (!vmx_cr0_valid(sregs->cr0) || !vmx_cr4_valid(sregs->cr4) ||
	    (sregs->efer & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)))
		return -EINVAL;
	/* LMA must follow LME and PG; long mode needs PAE */
	if (!!(sregs->efer & EFER_LMA) != (lme && pg) ||
	    (lme && pg && !(sregs->cr4 & X86_CR4_PAE)))
		return -EINVAL;
	return 0;
}

static long vmx_ioctl_set_sregs(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_sregs *sregs = arg;
	int i, err;

	err = vmx_check_sregs(sregs);
	if (err)
		return err;
	vmx_cancel_pending(vcpu);
	vmx_load(vcpu);
	for (i = 0; i < ARRAY_SIZE(vmx_sregs_order); i++)
		vmx_set_segment(vmx_sregs_order[i], vmx_sregs_seg(sregs, i));
	vmcs_writel(GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, sregs->idt.limit);
	vmcs_writel(GUEST_CR3, sregs->cr3);
	vmcs_write64(GUEST_IA32_EFER, sregs->efer & ~EFER_LMA);
	vmx_set_cr4(vcpu, sregs->cr4);
	vmx_set_cr0(vcpu, sregs->cr0);
	vmx_unload();
	vcpu->arch.cr2 = sregs->cr2;
	if (vcpu->vm->irqchip)
		hv_lapic_set_cr8(&vcpu->arch.lapic, sregs->cr8);
	else
		vcpu->arch.cr8 = sregs->cr8;
	return 0;
}

#define HV_MAX_MSRS	256

static long vmx_msrs_access(struct file *filp, void *arg, bool set)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_msrs *m = arg;
	struct hv_msr_entry *e;
	long i, ret = 0;

	if (m->flags || !hv_is_zero(m->reserved, sizeof(m->reserved)) ||
	    m->nmsrs > HV_MAX_MSRS)
		return -EINVAL;
	e = memdup_array_user(u64_to_user_ptr(m->entries), m->nmsrs,
			      sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	/* a reserved field set anywhere refuses the batch before any of it */
	for (i = 0; i < m->nmsrs; i++) {
		if (e[i].reserved) {
			kfree(e);
			return -EINVAL;
		}
	}
	vmx_load(vcpu);
	for (i = 0; i < m->nmsrs; i++) {
		if (set ? vmx_set_msr(vcpu, e[i].index, e[i].data) :
			  vmx_get_msr(vcpu, e[i].index, &e[i].data))
			break;
	}
	vmx_unload();
	if (!set && copy_to_user(u64_to_user_ptr(m->entries), e,
				 m->nmsrs * sizeof(*e)))
		ret = -EFAULT;
	kfree(e);
	return ret ?: i;
}

static long vmx_ioctl_get_msrs(struct file *filp, void *arg)
{
	return vmx_msrs_access(filp, arg, false);
}

static long vmx_ioctl_set_msrs(struct file *filp, void *arg)
{
	return vmx_msrs_access(filp, arg, true);
}

static long vmx_fpu_access(struct file *filp, void *arg, bool set)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_fpu *f = arg;
	u32 pkru = 0;	/* hv hides PKU: the guest has no PKRU to keep */
	void *buf;
	long ret = 0;

	if (f->size != HV_XSAVE_SIZE || f->flags ||
	    !hv_is_zero(f->reserved, sizeof(f->reserved)))
		return -EINVAL;
	/* the kernel's uabi XSAVE image must fit the fixed-size ABI buffer */
	if (vcpu->arch.fpu->uabi_size > HV_XSAVE_SIZE)
		return -EOPNOTSUPP;
	if (set) {
		buf = memdup_user(u64_to_user_ptr(f->addr), HV_XSAVE_SIZE);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		ret = fpu_copy_uabi_to_guest_fpstate(vcpu->arch.fpu, buf,
						     vcpu->arch.guest_xcr0 |
						     XFEATURE_MASK_FPSSE, &pkru);
	} else {
		buf = kzalloc(HV_XSAVE_SIZE, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		fpu_copy_guest_fpstate_to_uabi(vcpu->arch.fpu, buf,
					       HV_XSAVE_SIZE,
					       vcpu->arch.guest_xcr0 |
					       XFEATURE_MASK_FPSSE, 0);
		if (copy_to_user(u64_to_user_ptr(f->addr), buf, HV_XSAVE_SIZE))
			ret = -EFAULT;
	}
	kfree(buf);
	return ret;
}

static long vmx_ioctl_get_fpu(struct file *filp, void *arg)
{
	return vmx_fpu_access(filp, arg, false);
}

static long vmx_ioctl_set_fpu(struct file *filp, void *arg)
{
	return vmx_fpu_access(filp, arg, true);
}

/* Contract: see hv_ioctl_call(). Called with the vCPU's mutex held. */
const struct hv_ioctl_desc hv_arch_vcpu_ioctls[] = {
	HV_IOCTL(HV_GET_REGS, vmx_ioctl_get_regs, 0),
	HV_IOCTL(HV_SET_REGS, vmx_ioctl_set_regs, 0),
	HV_IOCTL(HV_GET_SREGS, vmx_ioctl_get_sregs, 0),
	HV_IOCTL(HV_SET_SREGS, vmx_ioctl_set_sregs, 0),
	HV_IOCTL(HV_GET_MSRS, vmx_ioctl_get_msrs, HV_IOCTL_RET_VALUE),
	HV_IOCTL(HV_SET_MSRS, vmx_ioctl_set_msrs, HV_IOCTL_RET_VALUE),
	HV_IOCTL(HV_GET_FPU, vmx_ioctl_get_fpu, 0),
	HV_IOCTL(HV_SET_FPU, vmx_ioctl_set_fpu, 0),
	HV_IOCTL(HV_SET_CPUID, vmx_ioctl_set_cpuid, 0),
	HV_IOCTL(HV_INJECT_EVENT, vmx_ioctl_inject_event, 0),
	HV_IOCTL(HV_GET_LAPIC, vmx_ioctl_get_lapic, 0),
	HV_IOCTL(HV_SET_LAPIC, vmx_ioctl_set_lapic, 0),
};

const size_t hv_arch_vcpu_nioctls = ARRAY_SIZE(hv_arch_vcpu_ioctls);

const struct hv_ioctl_desc hv_arch_dev_ioctls[] = {
	HV_IOCTL(HV_GET_SUPPORTED_CPUID, vmx_ioctl_get_supported_cpuid, 0),
};

const size_t hv_arch_dev_nioctls = ARRAY_SIZE(hv_arch_dev_ioctls);

const struct hv_ioctl_desc hv_arch_vm_ioctls[] = {
	HV_IOCTL(HV_GET_IOAPIC, vmx_ioctl_get_ioapic, 0),
	HV_IOCTL(HV_SET_IOAPIC, vmx_ioctl_set_ioapic, 0),
};

const size_t hv_arch_vm_nioctls = ARRAY_SIZE(hv_arch_vm_ioctls);
