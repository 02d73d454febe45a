// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 part of the hvctl VMM: not written yet. The VMM refuses to
 * start a VM rather than run it wrongly.
 */
#include "vmm.h"

int hvctl_arch_vcpu_setup(struct hvctl_vmm *vmm, uint64_t entry)
{
	(void)entry;
	hvctl_vmm_log(vmm, "the hvctl VMM runs x86-64 guests only for now");
	return -1;
}

int hvctl_arch_exit(struct hvctl_vmm *vmm)
{
	(void)vmm;
	return 0;
}
