// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hv: the misc device a VMM opens first.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <uapi/linux/hv.h>

#include "hv_dev.h"
#include "hv_ioctl.h"

static long hv_dev_get_api_version(struct file *filp, void *arg)
{
	return HV_API_VERSION;
}

/* Contract: see hv_ioctl_dispatch(). */
static const struct hv_ioctl_desc hv_dev_ioctls[] = {
	HV_IOCTL(HV_GET_API_VERSION, hv_dev_get_api_version,
		 HV_IOCTL_RET_VALUE),
};

static long hv_dev_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	return hv_ioctl_dispatch(hv_dev_ioctls, ARRAY_SIZE(hv_dev_ioctls),
				 filp, cmd, arg);
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
