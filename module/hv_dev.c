// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hv: the misc device a VMM opens first.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <uapi/linux/hv.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_dev.h"
#include "hv_ioctl.h"

static long hv_dev_get_api_version(struct file *filp, void *arg)
{
	return HV_API_VERSION;
}

static long hv_dev_create_vm(struct file *filp, void *arg)
{
	return hv_vm_create(arg);
}

static long hv_dev_attach_vm(struct file *filp, void *arg)
{
	return hv_vm_attach(arg);
}

static long hv_dev_check_cap(struct file *filp, void *arg)
{
	u32 cap = *(u32 *)arg;

	switch (cap) {
	case HV_CAP_MAX_VCPUS:
		return HV_MAX_VCPUS;
	case HV_CAP_MAX_MEM_REGIONS:
		return HV_MAX_MEM_REGIONS;
	case HV_CAP_RUN_SIZE:
		return HV_RUN_MMAP_SIZE;
	case HV_CAP_IOEVENTFD:
		return HV_MAX_IOEVENTFDS;
	case HV_CAP_IRQFD:
		/* an irqfd drives the in-kernel interrupt controller */
		return hv_arch_check_cap(HV_CAP_IRQCHIP) ? HV_MAX_IRQFDS : 0;
	case HV_CAP_RUN_IRQ_LINES:
		/* lines of the in-kernel interrupt controller, too */
		return hv_arch_check_cap(HV_CAP_IRQCHIP) ? HV_RUN_IRQ_LINES : 0;
	default:
		return hv_arch_check_cap(cap);
	}
}

/* Contract: see hv_ioctl_call(). */
static const struct hv_ioctl_desc hv_dev_ioctls[] = {
	HV_IOCTL(HV_GET_API_VERSION, hv_dev_get_api_version,
		 HV_IOCTL_RET_VALUE),
	HV_IOCTL(HV_CREATE_VM, hv_dev_create_vm, HV_IOCTL_RET_VALUE),
	HV_IOCTL(HV_CHECK_CAP, hv_dev_check_cap, HV_IOCTL_RET_VALUE),
	HV_IOCTL(HV_ATTACH_VM, hv_dev_attach_vm, HV_IOCTL_RET_VALUE),
};

static long hv_dev_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	const struct hv_ioctl_desc *desc;

	desc = hv_ioctl_find(hv_dev_ioctls, ARRAY_SIZE(hv_dev_ioctls), cmd);
	if (!desc)
		desc = hv_ioctl_find(hv_arch_dev_ioctls, hv_arch_dev_nioctls,
				     cmd);
	return hv_ioctl_call(desc, filp, cmd, arg);
}

static const struct file_operations hv_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hv_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * Access is governed by the node's mode and group, as for /dev/kvm: root
 * only by default, and a udev rule may grant a group (see README).
 */
static struct miscdevice hv_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hv",
	.fops = &hv_dev_fops,
	.mode = 0600,
};

int hv_dev_register(void)
{
	return misc_register(&hv_miscdev);
}

void hv_dev_unregister(void)
{
	misc_deregister(&hv_miscdev);
}
