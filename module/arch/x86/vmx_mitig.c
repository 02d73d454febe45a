// SPDX-License-Identifier: GPL-2.0
/*
 * Transient-execution mitigations around the world switch, as the host
 * kernel chose them for its own guests (arch/x86/kernel/cpu/bugs.c sets
 * the feature bits read here; only exported state is used):
 *
 *   verw       VERW before each entry (MDS, TAA, MMIO stale data, RFDS):
 *              X86_FEATURE_CLEAR_CPU_BUF_VM;
 *   l1d_flush  IA32_FLUSH_CMD before each entry (L1TF): the CPU has the
 *              bug and FLUSH_L1D, and does not say the flush is needed
 *              no more (ARCH_CAP_SKIP_VMENTRY_L1DFLUSH);
 *   ibpb       IBPB when another vCPU's VMCS becomes current on a CPU,
 *              so one guest cannot steer another's (or the next
 *              VMM's) indirect branches: X86_FEATURE_USE_IBPB;
 *   bhb_clear  clear_bhb_loop() after each exit (BHI):
 *              X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT;
 *   spec_ctrl  IA32_SPEC_CTRL written again after each exit (legacy
 *              IBRS): X86_FEATURE_KERNEL_IBRS.
 * The return stack buffer is refilled after each exit in vmenter.S
 * (X86_FEATURE_RSB_VMEXIT). The guest cannot change IA32_SPEC_CTRL: hv
 * hides it from CPUID and every WRMSR exits.
 *
 * /sys/module/hv/parameters/mitigations says what runs, per mitigation:
 * "on" (the host's choice), "forced" (mitigations_force), "off", or
 * "n/a" (wanted but this CPU cannot: L1TF without FLUSH_L1D, which hv
 * does not replace with a software flush). mitigation_counts counts the
 * entries (or VMCS switches) each one ran for. mitigations_force (root,
 * a bit mask in the order above, bit 0 = verw) runs the ones the CPU can
 * run even where the host kernel did not ask for them: the emulators
 * report no CPU bug, and this is how the tests see the paths run.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>

#include "vmx.h"
#include "vmx_run_flags.h"

enum vmx_mitig {
	VMX_MITIG_VERW,
	VMX_MITIG_L1D_FLUSH,
	VMX_MITIG_IBPB,
	VMX_MITIG_BHB_CLEAR,
	VMX_MITIG_SPEC_CTRL,
	VMX_MITIG_NR,
};

static const char *const vmx_mitig_names[VMX_MITIG_NR] = {
	"verw", "l1d_flush", "ibpb", "bhb_clear", "spec_ctrl",
};

/* Bit masks of enum vmx_mitig, fixed at probe time. */
static unsigned int vmx_mitig_host;	/* the host kernel's choice */
static unsigned int vmx_mitig_wanted;	/* wanted, the CPU cannot */
static unsigned int vmx_mitig_possible;	/* the CPU can run them */

static unsigned int vmx_mitig_force;
module_param_named(mitigations_force, vmx_mitig_force, uint, 0600);
MODULE_PARM_DESC(mitigations_force,
		 "run these mitigations (bit mask: verw, l1d_flush, ibpb, bhb_clear, spec_ctrl) even where the host does not need them (testing)");

static DEFINE_PER_CPU(u64, vmx_mitig_count[VMX_MITIG_NR]);

static unsigned int vmx_mitig_active(void)
{
	return vmx_mitig_host |
	       (READ_ONCE(vmx_mitig_force) & vmx_mitig_possible);
}

static bool vmx_l1d_flush_needed(void)
{
	u64 caps = 0;

	if (!boot_cpu_has_bug(X86_BUG_L1TF))
		return false;
	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES) &&
	    !rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &caps) &&
	    (caps & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH))
		return false;
	return true;
}

/* Called once by the probe: what the host kernel chose, what can run. */
void vmx_mitig_init(void)
{
	unsigned int host = 0, possible = BIT(VMX_MITIG_VERW) |
					  BIT(VMX_MITIG_BHB_CLEAR);

	if (boot_cpu_has(X86_FEATURE_FLUSH_L1D))
		possible |= BIT(VMX_MITIG_L1D_FLUSH);
	if (boot_cpu_has(X86_FEATURE_IBPB))
		possible |= BIT(VMX_MITIG_IBPB);
	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		possible |= BIT(VMX_MITIG_SPEC_CTRL);

	if (cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF_VM))
		host |= BIT(VMX_MITIG_VERW);
	if (vmx_l1d_flush_needed())
		host |= BIT(VMX_MITIG_L1D_FLUSH);
	if (cpu_feature_enabled(X86_FEATURE_USE_IBPB))
		host |= BIT(VMX_MITIG_IBPB);
	if (cpu_feature_enabled(X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT))
		host |= BIT(VMX_MITIG_BHB_CLEAR);
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		host |= BIT(VMX_MITIG_SPEC_CTRL);

	vmx_mitig_wanted = host & ~possible;
	vmx_mitig_host = host & possible;
	vmx_mitig_possible = possible;
}

/**
 * vmx_mitig_entry() - the mitigations of one entry, IRQs off, right
 * before __vmx_vcpu_run().
 *
 * Flushes L1D itself when that is on; returns the VMX_RUN_* flags of the
 * ones vmenter.S runs.
 *
 * Return: VMX_RUN_CLEAR_CPU_BUF, VMX_RUN_CLEAR_BHB, VMX_RUN_SPEC_CTRL.
 */
unsigned int vmx_mitig_entry(void)
{
	unsigned int on = vmx_mitig_active(), flags = 0;
	u64 *count = this_cpu_ptr(&vmx_mitig_count[0]);

	if (!on)
		return 0;
	if (on & BIT(VMX_MITIG_L1D_FLUSH)) {
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		count[VMX_MITIG_L1D_FLUSH]++;
	}
	if (on & BIT(VMX_MITIG_VERW)) {
		flags |= VMX_RUN_CLEAR_CPU_BUF;
		count[VMX_MITIG_VERW]++;
	}
	if (on & BIT(VMX_MITIG_BHB_CLEAR)) {
		flags |= VMX_RUN_CLEAR_BHB;
		count[VMX_MITIG_BHB_CLEAR]++;
	}
	if (on & BIT(VMX_MITIG_SPEC_CTRL)) {
		flags |= VMX_RUN_SPEC_CTRL;
		count[VMX_MITIG_SPEC_CTRL]++;
	}
	return flags;
}

/* Another vCPU's VMCS becomes current on this CPU (preemption off). */
void vmx_mitig_vmcs_switch(void)
{
	if (!(vmx_mitig_active() & BIT(VMX_MITIG_IBPB)))
		return;
	wrmsrl(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
	this_cpu_inc(vmx_mitig_count[VMX_MITIG_IBPB]);
}

static int vmx_mitig_get(char *buf, const struct kernel_param *kp)
{
	unsigned int on = vmx_mitig_active();
	int i, n = 0;

	for (i = 0; i < VMX_MITIG_NR; i++) {
		const char *state = "off";

		if (vmx_mitig_host & BIT(i))
			state = "on";
		else if (on & BIT(i))
			state = "forced";
		else if (vmx_mitig_wanted & BIT(i))
			state = "n/a";
		n += sysfs_emit_at(buf, n, "%s%s=%s", i ? " " : "",
				   vmx_mitig_names[i], state);
	}
	return n + sysfs_emit_at(buf, n, "\n");
}

static const struct kernel_param_ops vmx_mitig_ops = {
	.get = vmx_mitig_get,
};
module_param_cb(mitigations, &vmx_mitig_ops, NULL, 0444);
MODULE_PARM_DESC(mitigations, "transient-execution mitigations around VM entry and exit (read only)");

static int vmx_mitig_counts_get(char *buf, const struct kernel_param *kp)
{
	int i, cpu, n = 0;

	for (i = 0; i < VMX_MITIG_NR; i++) {
		u64 sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu(vmx_mitig_count[i], cpu);
		n += sysfs_emit_at(buf, n, "%s%s=%llu", i ? " " : "",
				   vmx_mitig_names[i], sum);
	}
	return n + sysfs_emit_at(buf, n, "\n");
}

static const struct kernel_param_ops vmx_mitig_counts_ops = {
	.get = vmx_mitig_counts_get,
};
module_param_cb(mitigation_counts, &vmx_mitig_counts_ops, NULL, 0444);
MODULE_PARM_DESC(mitigation_counts, "entries (ibpb: VMCS switches) each mitigation ran for");
