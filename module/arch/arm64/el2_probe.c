// SPDX-License-Identifier: GPL-2.0
/*
 * Can this arm64 machine run hv? The kernel must run at EL2 with VHE, and
 * KVM must not own EL2.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/debugfs.h>
#include <asm/virt.h>

#include "hv_arch.h"

/*
 * KVM creates its debugfs directory "kvm" in kvm_init(), which runs only
 * when KVM takes EL2; with kvm-arm.mode=none it never runs. No KVM symbol
 * that says so is exported to modules, so this is the observable trace.
 */
static bool el2_kvm_is_active(void)
{
	struct dentry *kvm_dir = debugfs_lookup("kvm", NULL);

	if (IS_ERR_OR_NULL(kvm_dir))
		return false;
	dput(kvm_dir);
	return true;
}

int hv_arch_probe(void)
{
	/*
	 * With VHE (ARMv8.1) the host kernel itself runs at EL2, so hv can
	 * enter guests without installing a separate EL2 world. At EL1 the
	 * firmware either did not start Linux at EL2, or KVM runs in nVHE or
	 * protected mode and owns EL2.
	 */
	if (!is_kernel_in_hyp_mode()) {
		pr_err("the kernel runs at EL1, not at EL2 with VHE; hv needs a VHE host (boot at EL2 with kvm-arm.mode=none)\n");
		return -ENODEV;
	}

	/*
	 * KVM and hv would each allocate VMIDs and program stage-2 for their
	 * own guests with no coordination: TLB entries of one hypervisor's
	 * guest could then be used by the other's. Refuse rather than share.
	 */
	if (el2_kvm_is_active()) {
		pr_err("KVM owns EL2 on this host; boot with kvm-arm.mode=none to use hv\n");
		return -EBUSY;
	}
	return 0;
}

const char *hv_arch_name(void)
{
	return "el2";
}
