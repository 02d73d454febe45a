// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU and its file: creation, the run structure, HV_RUN, destruction.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "hv_arch.h"
#include "hv_compat.h"
#include "hv_core.h"
#include "hv_ioctl.h"
#include "hv_registry.h"

static_assert(sizeof(struct hv_run) <= HV_RUN_MMAP_SIZE &&
	      HV_RUN_MMAP_SIZE == PAGE_SIZE);
/* the ABI's offsets, which irq_lines[] took from padding and reserved */
static_assert(offsetof(struct hv_run, irq_line_count) == 4 &&
	      offsetof(struct hv_run, exit_reason) == 8 &&
	      offsetof(struct hv_run, irq_lines) == 16 &&
	      offsetof(struct hv_run, io) == 64);

static long hv_vcpu_ioctl_run(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_reg_vm *reg = vcpu->vm->reg;
	u32 reason;
	int ret;

	/* lines the VMM left for this entry, as HV_IRQ_LINE calls before it */
	if (unlikely(READ_ONCE(vcpu->run->irq_line_count))) {
		ret = hv_vcpu_run_irq_lines(vcpu);
		if (ret)
			return ret;
	}
	if (READ_ONCE(vcpu->run->immediate_exit)) {
		vcpu->run->exit_reason = HV_EXIT_INTR;
		return -EINTR;
	}
	ret = hv_vcpu_run_loop(vcpu);
	/* statistics: exits to the VMM by reason */
	reason = READ_ONCE(vcpu->run->exit_reason);
	if ((ret >= 0 || ret == -EINTR) && reason < HV_NR_EXITS)
		atomic64_inc(&reg->exits[array_index_nospec(reason,
							    HV_NR_EXITS)]);
	return ret;
}

/* Contract: see hv_ioctl_call(). HV_RUN first: it is the hot one. */
static const struct hv_ioctl_desc hv_vcpu_ioctls[] = {
	HV_IOCTL(HV_RUN, hv_vcpu_ioctl_run, 0),
};

static long hv_vcpu_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_ioctl_desc *desc;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	desc = hv_ioctl_find(hv_vcpu_ioctls, ARRAY_SIZE(hv_vcpu_ioctls), cmd);
	if (!desc)
		desc = hv_ioctl_find(hv_arch_vcpu_ioctls, hv_arch_vcpu_nioctls,
				     cmd);
	if (!desc)
		return -ENOTTY;

	/* One ioctl at a time per vCPU: a second thread waits, or gives up. */
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	ret = hv_ioctl_call(desc, filp, cmd, arg);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static vm_fault_t hv_vcpu_fault(struct vm_fault *vmf)
{
	struct hv_vcpu *vcpu = vmf->vma->vm_file->private_data;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct hv_vcpu_vm_ops = {
	.fault = hv_vcpu_fault,
};

static int hv_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct hv_vcpu *vcpu = filp->private_data;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (vma->vm_pgoff || vma_pages(vma) != HV_RUN_MMAP_SIZE >> PAGE_SHIFT ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	hv_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &hv_vcpu_vm_ops;
	return 0;
}

static int hv_vcpu_release(struct inode *inode, struct file *filp)
{
	struct hv_vcpu *vcpu = filp->private_data;
	struct hv_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	mutex_unlock(&vm->lock);
	/* interrupt controllers reach other vCPUs under RCU (hv_irq.c) */
	if (vm->irqchip)
		synchronize_rcu();

	hv_arch_vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	hv_vm_put(vm);
	return 0;
}

static const struct file_operations hv_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hv_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hv_vcpu_mmap,
	.release = hv_vcpu_release,
	.llseek = noop_llseek,
};

/**
 * hv_vcpu_create() - HV_CREATE_VCPU: make a vCPU and a file for it.
 * @vm: the VM.
 * @args: the user's argument.
 *
 * Return: the new fd; -EINVAL for a bad id (at or above the VM's vCPU
 * limit), flags or reserved field;
 * -EEXIST when the id is taken; -ENOMEM.
 */
long hv_vcpu_create(struct hv_vm *vm, const struct hv_vcpu_create *args)
{
	struct hv_vcpu *vcpu;
	int err, fd;
	u32 id;

	if (args->id >= vm->max_vcpus || args->flags ||
	    !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;
	/* indexes vm->vcpus[]: no speculation past the check */
	id = array_index_nospec(args->id, vm->max_vcpus);

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		err = -ENOMEM;
		goto err_free_vcpu;
	}
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->halt_wq);

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		err = -EEXIST;
		goto err_unlock;
	}
	err = hv_arch_vcpu_init(vcpu);
	if (err)
		goto err_unlock;

	refcount_inc(&vm->refs);
	fd = anon_inode_getfd("hv-vcpu", &hv_vcpu_fops, vcpu,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_put_vm;
	}
	/*
	 * Published last, with release order: hv_vm_vcpu_rcu() readers
	 * (interrupt controllers, kicks, from any thread) must see the vCPU
	 * initialised, its wait queue included, on weakly ordered CPUs too.
	 */
	smp_store_release(&vm->vcpus[id], vcpu);
	mutex_unlock(&vm->lock);
	return fd;

err_put_vm:
	refcount_dec(&vm->refs);
	hv_arch_vcpu_destroy(vcpu);
err_unlock:
	mutex_unlock(&vm->lock);
	free_page((unsigned long)vcpu->run);
err_free_vcpu:
	kfree(vcpu);
	return err;
}
