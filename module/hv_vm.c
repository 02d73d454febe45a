// SPDX-License-Identifier: GPL-2.0
/*
 * A VM and its file: creation, ioctls, mmap of guest RAM, destruction.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_ioctl.h"

static void hv_vm_free(struct hv_vm *vm)
{
	hv_arch_vm_destroy(vm);
	hv_mem_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
}

/**
 * hv_vm_put() - drop a reference; the last one frees the VM.
 * @vm: the VM.
 */
void hv_vm_put(struct hv_vm *vm)
{
	if (refcount_dec_and_test(&vm->refs))
		hv_vm_free(vm);
}

static long hv_vm_set_mem_region(struct file *filp, void *arg)
{
	struct hv_vm *vm = filp->private_data;
	int err;

	mutex_lock(&vm->lock);
	err = hv_mem_set_region(vm, arg);
	mutex_unlock(&vm->lock);
	return err;
}

static long hv_vm_create_vcpu(struct file *filp, void *arg)
{
	return hv_vcpu_create(filp->private_data, arg);
}

/* Contract: see hv_ioctl_call(). */
static const struct hv_ioctl_desc hv_vm_ioctls[] = {
	HV_IOCTL(HV_SET_MEM_REGION, hv_vm_set_mem_region, 0),
	HV_IOCTL(HV_CREATE_VCPU, hv_vm_create_vcpu, HV_IOCTL_RET_VALUE),
};

static long hv_vm_ioctl(struct file *filp, unsigned int cmd,
			unsigned long arg)
{
	struct hv_vm *vm = filp->private_data;

	/* A VM belongs to the process that made it, as with KVM. */
	if (vm->mm != current->mm)
		return -EIO;
	return hv_ioctl_call(hv_ioctl_find(hv_vm_ioctls,
					   ARRAY_SIZE(hv_vm_ioctls), cmd),
			     filp, cmd, arg);
}

static int hv_vm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct hv_vm *vm = filp->private_data;

	if (vm->mm != current->mm)
		return -EIO;
	return hv_mem_mmap(vm, vma);
}

static int hv_vm_release(struct inode *inode, struct file *filp)
{
	hv_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations hv_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hv_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hv_vm_mmap,
	.release = hv_vm_release,
	.llseek = noop_llseek,
};

/**
 * hv_vm_create() - HV_CREATE_VM: make a VM and a file for it.
 * @args: the validated-in-here user argument.
 *
 * Return: the new fd, -EINVAL for flags or reserved bits, -ENOMEM, or what
 * the backend returns (-EBUSY when another hypervisor holds the CPU).
 */
long hv_vm_create(const struct hv_vm_create *args)
{
	struct hv_vm *vm;
	int err, fd;

	if (args->flags || !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	err = hv_mem_init(vm);
	if (err)
		goto err_free_vm;
	err = hv_arch_vm_init(vm);
	if (err)
		goto err_mem_destroy;

	fd = anon_inode_getfd("hv-vm", &hv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_arch_destroy;
	}
	return fd;

err_arch_destroy:
	hv_arch_vm_destroy(vm);
err_mem_destroy:
	hv_mem_destroy(vm);
err_free_vm:
	mmdrop(vm->mm);
	kfree(vm);
	return err;
}
