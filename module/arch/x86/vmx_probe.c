// SPDX-License-Identifier: GPL-2.0
/*
 * Can this x86 machine run hv? Intel VT-x (VMX) must exist, be enabled by
 * the firmware, and not be in use by another hypervisor.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/cpumask.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>

#include "hv_arch.h"

/* CPUID.01H:ECX bit 5 (SDM Vol. 3C, 24.6 "Discovering Support for VMX"). */
#define CPUID_1_ECX_VMX		BIT(5)

static void vmx_check_cr4_vmxe(void *busy)
{
	/*
	 * CR4.VMXE set means someone executed or is about to execute VMXON on
	 * this CPU: KVM (kvm_intel) does so at load time by default.
	 */
	if (__read_cr4() & X86_CR4_VMXE)
		*(bool *)busy = true;
}

int hv_arch_probe(void)
{
	bool busy = false;
	u64 feat;

	if (!(cpuid_ecx(1) & CPUID_1_ECX_VMX)) {
		pr_err("this CPU has no VMX (Intel VT-x); hv cannot run here\n");
		return -ENODEV;
	}

	/*
	 * VMXON outside SMX faults unless IA32_FEATURE_CONTROL is locked with
	 * bit 2 set (SDM Vol. 3C, 24.7 "Enabling and Entering VMX Operation").
	 * Only the firmware can change a locked MSR.
	 */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat)) {
		pr_err("cannot read IA32_FEATURE_CONTROL; VMX unusable\n");
		return -ENODEV;
	}
	if (!(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("VMX is disabled by the firmware (IA32_FEATURE_CONTROL=%#llx); enable VT-x in the BIOS setup\n",
		       feat);
		return -ENODEV;
	}

	on_each_cpu(vmx_check_cr4_vmxe, &busy, 1);
	if (busy) {
		pr_err("VMX is already in use by another hypervisor (CR4.VMXE is set; unload kvm_intel first)\n");
		return -EBUSY;
	}
	return 0;
}

const char *hv_arch_name(void)
{
	return "vmx";
}
