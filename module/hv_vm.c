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
#include "hv_registry.h"

static_assert(sizeof(struct hv_vm_attach) == 64);
static_assert(sizeof(struct hv_stop_report) == 32);
static_assert(sizeof(struct hv_exit_mem_quota) == 24);

static void hv_vm_free(struct hv_vm *vm)
{
	/* before the interrupt controller, which irqfds still drive */
	hv_irqfd_destroy(vm);
	hv_ioeventfd_destroy(vm);
	hv_arch_vm_destroy(vm);
	hv_mem_destroy(vm);
	mmdrop(vm->mm);
	/*
	 * Last: "stopped" (and so a successful destroy of the definition)
	 * must mean the VM's memory is back and only the file's own module
	 * reference is left, so that `hvctl destroy; rmmod hv` works even
	 * while the VMM is still exiting.
	 */
	if (vm->reg)
		hv_registry_detach(vm);
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

/* HV_REPORT_STOP: the reason the registry gives when the VM fd goes. */
static long hv_vm_report_stop(struct file *filp, void *arg)
{
	const struct hv_stop_report *r = arg;
	struct hv_vm *vm = filp->private_data;

	if ((r->reason != HV_STOP_GUEST_POWEROFF &&
	     r->reason != HV_STOP_GUEST_SHUTDOWN) || r->flags ||
	    !hv_is_zero(r->reserved, sizeof(r->reserved)))
		return -EINVAL;
	WRITE_ONCE(vm->stop_reason, r->reason);
	return 0;
}

static long hv_vm_ioctl_irq_line(struct file *filp, void *arg)
{
	return hv_vm_irq_line(filp->private_data, arg);
}

static long hv_vm_ioctl_ioeventfd(struct file *filp, void *arg)
{
	return hv_vm_ioeventfd(filp->private_data, arg);
}

static long hv_vm_ioctl_irqfd(struct file *filp, void *arg)
{
	return hv_vm_irqfd(filp->private_data, arg);
}

/* Contract: see hv_ioctl_call(). */
static const struct hv_ioctl_desc hv_vm_ioctls[] = {
	HV_IOCTL(HV_SET_MEM_REGION, hv_vm_set_mem_region, 0),
	HV_IOCTL(HV_CREATE_VCPU, hv_vm_create_vcpu, HV_IOCTL_RET_VALUE),
	HV_IOCTL(HV_REPORT_STOP, hv_vm_report_stop, 0),
	HV_IOCTL(HV_IRQ_LINE, hv_vm_ioctl_irq_line, 0),
	HV_IOCTL(HV_IOEVENTFD, hv_vm_ioctl_ioeventfd, 0),
	HV_IOCTL(HV_IRQFD, hv_vm_ioctl_irqfd, 0),
};

static long hv_vm_ioctl(struct file *filp, unsigned int cmd,
			unsigned long arg)
{
	struct hv_vm *vm = filp->private_data;
	const struct hv_ioctl_desc *desc;

	/* A VM belongs to the process that made it, as with KVM. */
	if (vm->mm != current->mm)
		return -EIO;
	desc = hv_ioctl_find(hv_vm_ioctls, ARRAY_SIZE(hv_vm_ioctls), cmd);
	if (!desc)
		desc = hv_ioctl_find(hv_arch_vm_ioctls, hv_arch_vm_nioctls, cmd);
	return hv_ioctl_call(desc, filp, cmd, arg);
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

/*
 * A new VM, bound to the registry entry @name (HV_ATTACH_VM) or to a new
 * anonymous one (@name NULL, HV_CREATE_VM). The fd is installed last, once
 * nothing can fail: the registry sees the VM before user space does.
 */
static long hv_vm_make(const char *name, u32 flags)
{
	struct file *file;
	struct hv_vm *vm;
	int err, fd;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	mutex_init(&vm->eventfd_lock);
	INIT_LIST_HEAD(&vm->irqfds);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->max_vcpus = HV_MAX_VCPUS;
	vm->irqchip = flags & HV_VM_IRQCHIP;

	err = hv_mem_init(vm);
	if (err)
		goto err_free_vm;
	err = hv_arch_vm_init(vm);
	if (err)
		goto err_mem_destroy;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_arch_destroy;
	}
	file = anon_inode_getfile("hv-vm", &hv_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto err_put_fd;
	}
	/* from here on the file owns the VM: fput() frees it */
	err = name ? hv_registry_attach(vm, name) : hv_registry_add_anon(vm);
	if (err) {
		fput(file);
		put_unused_fd(fd);
		return err;
	}
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_arch_destroy:
	hv_arch_vm_destroy(vm);
err_mem_destroy:
	hv_mem_destroy(vm);
err_free_vm:
	mmdrop(vm->mm);
	kfree(vm);
	return err;
}

/* HV_VM_* flags: unknown ones are EINVAL, a missing feature EOPNOTSUPP. */
static int hv_vm_check_flags(u32 flags)
{
	if (flags & ~HV_VM_IRQCHIP)
		return -EINVAL;
	if ((flags & HV_VM_IRQCHIP) && !hv_arch_check_cap(HV_CAP_IRQCHIP))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * hv_vm_create() - HV_CREATE_VM: make an anonymous VM and a file for it.
 * @args: the user's argument.
 *
 * Return: the new fd, -EINVAL for flags or reserved bits, -EOPNOTSUPP for
 * HV_VM_IRQCHIP on a backend without one, -ENOMEM,
 * -ENOSPC when the registry is full, or what the backend returns (-EBUSY
 * when another hypervisor holds the CPU).
 */
long hv_vm_create(const struct hv_vm_create *args)
{
	int err = hv_vm_check_flags(args->flags);

	if (err || !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return err ?: -EINVAL;
	return hv_vm_make(NULL, args->flags);
}

/**
 * hv_vm_attach() - HV_ATTACH_VM: run the registry's VM @args->name.
 * @args: the user's argument.
 *
 * Return: the new fd; -EINVAL for flags, reserved bits, or a name that is
 * not NUL-terminated and zero-padded; -ENOENT for an unknown VM; -EPERM
 * when the caller neither owns it nor has CAP_SYS_ADMIN; -EBUSY when a
 * VMM runs it; the errors of HV_CREATE_VM.
 */
long hv_vm_attach(const struct hv_vm_attach *args)
{
	size_t len = strnlen(args->name, sizeof(args->name));
	int err = hv_vm_check_flags(args->flags);

	if (err || !hv_is_zero(args->reserved, sizeof(args->reserved)))
		return err ?: -EINVAL;
	if (!len || len > HV_NAME_MAX ||
	    !hv_is_zero(args->name + len, sizeof(args->name) - len))
		return -EINVAL;
	return hv_vm_make(args->name, args->flags);
}
