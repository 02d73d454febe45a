// SPDX-License-Identifier: GPL-2.0
/*
 * hv: module load and unload.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/module.h>
#include <uapi/linux/hv.h>

#include "hv_arch.h"
#include "hv_dev.h"
#include "hv_genl.h"
#include "hv_registry.h"

static int __init hv_init(void)
{
	int err;

	err = hv_arch_probe();
	if (err)
		return err;

	err = hv_genl_register();
	if (err) {
		pr_err("cannot register the netlink family: %d\n", err);
		hv_arch_exit();
		return err;
	}
	err = hv_dev_register();
	if (err) {
		pr_err("cannot register /dev/hv: %d\n", err);
		goto err_genl_unregister;
	}
	pr_info("ready (%s backend, API %d)\n", hv_arch_name(), HV_API_VERSION);
	return 0;

err_genl_unregister:
	hv_genl_unregister();
	hv_registry_exit();
	hv_arch_exit();
	return err;
}

static void __exit hv_exit(void)
{
	hv_dev_unregister();
	hv_genl_unregister();
	hv_registry_exit();
	hv_arch_exit();
	pr_info("unloaded\n");
}

module_init(hv_init);
module_exit(hv_exit);

MODULE_DESCRIPTION("hv: a small hypervisor for Linux hosts (VT-x, arm64 EL2)");
MODULE_LICENSE("GPL");
