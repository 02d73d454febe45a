// SPDX-License-Identifier: GPL-2.0
/*
 * Can this arm64 machine run hv? The kernel must run at EL2 with VHE, and
 * KVM must not own EL2.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/virt.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "el2.h"

struct el2_config el2_config;

/* IPA widths VTCR_EL2.PS can encode, as in ID_AA64MMFR0_EL1.PARange. */
static const u32 el2_ps_widths[] = { 32, 36, 40, 42, 44, 48 };

static u32 el2_ps_encoding(u32 bits)
{
	u32 i;

	for (i = ARRAY_SIZE(el2_ps_widths) - 1; i > 0; i--)
		if (el2_ps_widths[i] <= bits)
			return i;
	return 0;
}

/**
 * el2_probe_config() - derive the stage-2 setup from the sanitised ID
 * registers (the values every CPU agrees on).
 *
 * The IPA size is the CPU's PARange, at most 48 bits: 4 KiB pages, a walk
 * of 4 levels from level 0 when the IPA has 40 bits or more, else 3 levels
 * from level 1 (ARM ARM D8.2.6, "Translation using the 4KB granule": start
 * level 0 needs T0SZ <= 24, start level 1 T0SZ 25..33).
 *
 * Return: 0, or -ENODEV when the CPU lacks 4 KiB stage-2 pages.
 */
int el2_probe_config(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	u64 mmfr2 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR2_EL1);
	u32 pa_bits, ps, tgran2;
	struct el2_config *c = &el2_config;

	/* TGran4_2: 0 = as stage 1 (TGran4), 1 = absent, 2 or 3 = present */
	tgran2 = cpuid_feature_extract_unsigned_field(mmfr0,
						      ID_AA64MMFR0_EL1_TGRAN4_2_SHIFT);
	if (tgran2 == ID_AA64MMFR0_EL1_TGRAN4_2_NI) {
		pr_err("the CPU has no 4 KiB stage-2 pages\n");
		return -ENODEV;
	}
	pa_bits = id_aa64mmfr0_parange_to_phys_shift(mmfr0 & 0xf);
	ps = el2_ps_encoding(min(pa_bits, 48U));
	c->ipa_bits = el2_ps_widths[ps];
	c->start_level = c->ipa_bits >= 40 ? 0 : 1;
	c->vmid_bits = get_vmid_bits(mmfr1);
	c->fwb = cpuid_feature_extract_unsigned_field(mmfr2,
						      ID_AA64MMFR2_EL1_FWB_SHIFT);

	c->vtcr = VTCR_EL2_RES1 | VTCR_EL2_T0SZ(c->ipa_bits) |
		  ((u64)(c->start_level ? 1 : 2) << VTCR_EL2_SL0_SHIFT) |
		  VTCR_EL2_IRGN0_WBWA | VTCR_EL2_ORGN0_WBWA |
		  VTCR_EL2_SH0_INNER | VTCR_EL2_TG0_4K |
		  ((u64)ps << VTCR_EL2_PS_SHIFT) |
		  (c->vmid_bits == 16 ? VTCR_EL2_VS_16BIT : 0);
	pr_debug("IPA %u bits, VMID %u bits, FWB %d, VTCR_EL2 %#llx\n",
		 c->ipa_bits, c->vmid_bits, c->fwb, c->vtcr);
	return 0;
}

/*
 * Does KVM own EL2? No KVM symbol that says so is exported to modules.
 * KVM's kvm_init() runs only when KVM took EL2 (never with
 * kvm-arm.mode=none) and creates two observable things: the debugfs
 * directory "kvm" and the misc device /dev/kvm (minor KVM_MINOR). debugfs
 * may be off (debugfs=off), so without it the misc minor decides:
 * registering it fails with EBUSY exactly when KVM holds it. That probe
 * device exists only between its registration and its removal here (its
 * uevents may be seen); it has no open method.
 *
 * Return: 1 when KVM is active, 0 when not, or -errno.
 */
static const struct file_operations el2_kvm_probe_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice el2_kvm_probe = {
	.minor = KVM_MINOR,
	.name = "hv-kvm-probe",
	.fops = &el2_kvm_probe_fops,
};

static int el2_kvm_is_active(void)
{
	struct dentry *kvm_dir;
	int err;

	if (debugfs_initialized()) {
		kvm_dir = debugfs_lookup("kvm", NULL);
		if (!IS_ERR_OR_NULL(kvm_dir)) {
			dput(kvm_dir);
			return 1;
		}
	}
	err = misc_register(&el2_kvm_probe);
	if (err == -EBUSY)
		return 1;
	if (err)
		return err;
	misc_deregister(&el2_kvm_probe);
	return 0;
}

int hv_arch_probe(void)
{
	int ret;

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
	ret = el2_kvm_is_active();
	if (ret < 0)
		return ret;
	if (ret) {
		pr_err("KVM owns EL2 on this host; boot with kvm-arm.mode=none to use hv\n");
		return -EBUSY;
	}
	return el2_probe_config() ?: el2_spectre_init();
}

void hv_arch_exit(void)
{
}

const char *hv_arch_name(void)
{
	return "el2";
}
