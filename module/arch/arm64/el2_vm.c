// SPDX-License-Identifier: GPL-2.0
/*
 * The EL2 backend's VM and vCPU lifecycle. Guests do not run on arm64 yet:
 * the probe, /dev/hv and the capability queries work, and VM creation says
 * clearly that it is not supported, so the arch-neutral ABI can be tested
 * for its refusals here too.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/printk.h>
#include <linux/types.h>

#include "hv_arch.h"
#include "hv_core.h"

long hv_arch_check_cap(u32 cap)
{
	switch (cap) {
	case HV_CAP_ARCH:
		return HV_ARCH_ARM64;
	case HV_CAP_GPA_BITS:
		return 40;
	default:
		return 0;
	}
}

int hv_arch_vm_init(struct hv_vm *vm)
{
	pr_info_ratelimited("running guests is not implemented on arm64 yet\n");
	return -EOPNOTSUPP;
}

void hv_arch_vm_destroy(struct hv_vm *vm)
{
}

int hv_arch_vcpu_init(struct hv_vcpu *vcpu)
{
	return -EOPNOTSUPP;
}

void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu)
{
}

int hv_arch_vcpu_run(struct hv_vcpu *vcpu)
{
	return -EOPNOTSUPP;
}

void hv_arch_mem_unmap(struct hv_vm *vm, u64 gfn, u64 npages)
{
}

const struct hv_ioctl_desc hv_arch_vcpu_ioctls[] = {};
const size_t hv_arch_vcpu_nioctls;
const struct hv_ioctl_desc hv_arch_dev_ioctls[] = {};
const size_t hv_arch_dev_nioctls;
