// SPDX-License-Identifier: GPL-2.0
/*
 * Can this x86 machine run hv? Intel VT-x (VMX) must exist, be enabled by
 * the firmware, offer the features hv relies on (EPT, VPID, unrestricted
 * guest), and not be in use by another hypervisor. The probe also fixes
 * the VM-execution controls every guest runs with.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/cpumask.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "hv_arch.h"
#include "vmx.h"
#include "vmx_cpu.h"

/* CPUID.01H:ECX bit 5 (SDM Vol. 3C, 24.6 "Discovering Support for VMX"). */
#define CPUID_1_ECX_VMX		BIT(5)

struct vmx_config vmx_config;

static void vmx_check_cr4_vmxe(void *busy)
{
	/*
	 * CR4.VMXE set means someone executed or is about to execute VMXON on
	 * this CPU: KVM (kvm_intel) does so at load time by default.
	 */
	if (__read_cr4() & X86_CR4_VMXE)
		*(bool *)busy = true;
}

/*
 * A control value from what hv wants (@must: cannot run without, @want:
 * used when offered) and the capability MSR (SDM Vol. 3C, A.3 "VM-Execution
 * Controls": low half = bits that must be 1, high half = bits that may be 1).
 */
static int vmx_adjust(u32 msr, u32 must, u32 want, const char *what, u32 *out)
{
	u64 cap;
	u32 must1, may1;

	rdmsrl(msr, cap);
	must1 = (u32)cap;
	may1 = cap >> 32;
	if ((must & may1) != must) {
		pr_err("VMX lacks %s controls %#x; hv cannot run here\n", what,
		       must & ~may1);
		return -ENODEV;
	}
	*out = (must | (want & may1) | must1) & may1;
	return 0;
}

static int vmx_adjust_all(bool true_ctls)
{
	u32 pin_msr = true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				  MSR_IA32_VMX_PINBASED_CTLS;
	u32 pri_msr = true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				  MSR_IA32_VMX_PROCBASED_CTLS;
	u32 exit_msr = true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				   MSR_IA32_VMX_EXIT_CTLS;
	u32 entry_msr = true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				    MSR_IA32_VMX_ENTRY_CTLS;
	struct vmx_config *c = &vmx_config;

	/* Host interrupts and NMIs always leave the guest; the timer bounds a stay. */
	return vmx_adjust(pin_msr, PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
			  PIN_BASED_VIRTUAL_NMIS | PIN_BASED_VMX_PREEMPTION_TIMER,
			  0, "pin-based", &c->pin) ?:
	       /*
		* CR8 exits both ways: without them (and without the TPR
		* shadow) a 64-bit guest's MOV to CR8 reaches the host CPU's
		* local APIC TPR (SDM Vol. 3C, 26.3 and 30.1.1), and a TPR
		* of 15 masks every host interrupt.
		*/
	       vmx_adjust(pri_msr, CPU_BASED_HLT_EXITING |
			  CPU_BASED_CR8_LOAD_EXITING |
			  CPU_BASED_CR8_STORE_EXITING |
			  CPU_BASED_UNCOND_IO_EXITING |
			  CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING |
			  CPU_BASED_RDPMC_EXITING | CPU_BASED_MOV_DR_EXITING |
			  CPU_BASED_USE_TSC_OFFSETTING |
			  CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
			  0, "processor-based", &c->primary) ?:
	       vmx_adjust(MSR_IA32_VMX_PROCBASED_CTLS2,
			  SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
			  SECONDARY_EXEC_UNRESTRICTED_GUEST,
			  SECONDARY_EXEC_ENABLE_RDTSCP |
			  SECONDARY_EXEC_ENABLE_INVPCID |
			  SECONDARY_EXEC_WBINVD_EXITING,
			  "secondary", &c->secondary) ?:
	       vmx_adjust(exit_msr, VM_EXIT_HOST_ADDR_SPACE_SIZE |
			  VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER |
			  VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT,
			  0, "VM-exit", &c->exit) ?:
	       /* the guest's DR7 and DEBUGCTL, never the host's breakpoints */
	       vmx_adjust(entry_msr, VM_ENTRY_LOAD_IA32_EFER |
			  VM_ENTRY_LOAD_IA32_PAT | VM_ENTRY_LOAD_DEBUG_CONTROLS,
			  0, "VM-entry", &c->entry);
}

/**
 * vmx_config_init() - read the VMX capability MSRs and fix the controls.
 *
 * Return: 0, or -ENODEV (with a message) when a required feature is absent.
 */
int vmx_config_init(void)
{
	struct vmx_config *c = &vmx_config;
	u64 basic, misc;
	int err;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	c->revision_id = basic & 0x7fffffff;
	err = vmx_adjust_all(basic & VMX_BASIC_TRUE_CTLS);
	if (err)
		return err;
	vmx_lapic_probe(basic & VMX_BASIC_TRUE_CTLS);
	/*
	 * IA32_VMX_EPT_VPID_CAP: EPT bits in the low half, VPID bits in the
	 * high half (SDM Vol. 3C, A.10 "VPID and EPT Capabilities").
	 */
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, c->ept_vpid_cap);
	if (!(c->ept_vpid_cap & VMX_EPT_PAGE_WALK_4_BIT) ||
	    !(c->ept_vpid_cap & VMX_EPTP_WB_BIT) ||
	    !(c->ept_vpid_cap & VMX_EPT_INVEPT_BIT) ||
	    !(c->ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT) ||
	    !(c->ept_vpid_cap & VMX_EPT_EXTENT_GLOBAL_BIT) ||
	    !((c->ept_vpid_cap >> 32) & VMX_VPID_INVVPID_BIT) ||
	    !((c->ept_vpid_cap >> 32) & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT)) {
		pr_err("VMX lacks 4-level write-back EPT or INVEPT/INVVPID; hv cannot run here\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	c->preemption_timer_shift = misc & 0x1f;
	c->preemption_timer_value =
		min_t(u64, ((u64)tsc_khz * VMX_MAX_STAY_MS) >>
		      c->preemption_timer_shift, U32_MAX);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, c->cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);
	return 0;
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
	vmx_mitig_init();
	return vmx_config_init() ?: vmx_cpu_init();
}

const char *hv_arch_name(void)
{
	return "vmx";
}
