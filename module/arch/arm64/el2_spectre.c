// SPDX-License-Identifier: GPL-2.0
/*
 * Branch-predictor hardening of guest exits: the sequence hv's EL2 exit
 * vectors run before the host makes an indirect branch, so that branch
 * history and predictions a guest trained do not steer the host
 * (Spectre-v2 and Spectre-BHB; Arm's "Spectre-BHB" whitepaper, and SMCCC
 * ARCH_WORKAROUND_1/3 in Arm DEN 0028).
 *
 * The host kernel hardens its own vectors (arch/arm64/kernel/proton-pack.c)
 * but exports neither its choice nor its per-CPU loop count to modules.
 * hv decides from what is exported, in the kernel's order: nothing when
 * mitigations are off (cpu_mitigations_off()) or no online CPU is affected
 * (the ARM64_SPECTRE_V2 / ARM64_SPECTRE_BHB capabilities of each CPU,
 * ECBHB in ID_AA64MMFR1_EL1); CLRBHB when every affected CPU has it
 * (ID_AA64ISAR2_EL1); else the firmware's ARCH_WORKAROUND_3 (which covers
 * Spectre-v2 too); else the branch loop with the largest count the kernel
 * knows (EL2_BHB_LOOP_K). Spectre-v2 alone takes ARCH_WORKAROUND_1 when
 * the firmware has it. CPUs brought online after the load are not looked
 * at. The choice is logged at load and readable as the module parameter
 * exit_mitigation, which can also force one at load (for tests).
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/arm-smccc.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/moduleparam.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "el2.h"

static const char *const el2_mitigation_names[EL2_NR_MITIGATIONS] = {
	[EL2_MITIGATION_NONE] = "none",
	[EL2_MITIGATION_CLEARBHB] = "clearbhb",
	[EL2_MITIGATION_LOOP] = "loop",
	[EL2_MITIGATION_WA3] = "smccc-wa3",
	[EL2_MITIGATION_WA1] = "smccc-wa1",
};

static char *const el2_vector_tables[EL2_NR_MITIGATIONS] = {
	[EL2_MITIGATION_NONE] = __el2_vectors,
	[EL2_MITIGATION_CLEARBHB] = __el2_vectors_clearbhb,
	[EL2_MITIGATION_LOOP] = __el2_vectors_loop,
	[EL2_MITIGATION_WA3] = __el2_vectors_wa3,
	[EL2_MITIGATION_WA1] = __el2_vectors_wa1,
};

void *el2_vectors = __el2_vectors;

static char exit_mitigation[16] = "auto";
module_param_string(exit_mitigation, exit_mitigation, sizeof(exit_mitigation),
		    0444);
MODULE_PARM_DESC(exit_mitigation,
		 "branch-predictor hardening of guest exits: auto (default), none, clearbhb, loop, smccc-wa3, smccc-wa1; reads back the one in use");

/* What the online CPUs need, ORed together. */
#define EL2_NEED_V2		BIT(0)	/* Spectre-v2 affected */
#define EL2_NEED_BHB		BIT(1)	/* Spectre-BHB affected, no ECBHB */
#define EL2_NEED_NO_CLRBHB	BIT(2)	/* ... and no CLRBHB instruction */

static void el2_spectre_cpu(void *arg)
{
	u64 mmfr1 = read_sysreg_s(SYS_ID_AA64MMFR1_EL1);
	u64 isar2 = read_sysreg_s(SYS_ID_AA64ISAR2_EL1);
	int need = 0;

	if (this_cpu_has_cap(ARM64_SPECTRE_V2))
		need |= EL2_NEED_V2;
	if (this_cpu_has_cap(ARM64_SPECTRE_BHB) &&
	    !cpuid_feature_extract_unsigned_field(mmfr1,
						  ID_AA64MMFR1_EL1_ECBHB_SHIFT)) {
		need |= EL2_NEED_BHB;
		if (!cpuid_feature_extract_unsigned_field(isar2,
							  ID_AA64ISAR2_EL1_CLRBHB_SHIFT))
			need |= EL2_NEED_NO_CLRBHB;
	}
	atomic_or(need, arg);
}

/* Does the firmware (EL3, SMC conduit) implement SMCCC workaround @fn? */
static bool el2_smccc_has(u32 fn)
{
	struct arm_smccc_res res;

	if (arm_smccc_1_1_get_conduit() != SMCCC_CONDUIT_SMC)
		return false;
	arm_smccc_1_1_invoke(ARM_SMCCC_ARCH_FEATURES_FUNC_ID, fn, &res);
	return (int)res.a0 == SMCCC_RET_SUCCESS;
}

static int el2_spectre_auto(int need)
{
	if (cpu_mitigations_off())
		return EL2_MITIGATION_NONE;
	if (need & EL2_NEED_BHB) {
		if (!(need & (EL2_NEED_NO_CLRBHB | EL2_NEED_V2)))
			return EL2_MITIGATION_CLEARBHB;
		if (el2_smccc_has(ARM_SMCCC_ARCH_WORKAROUND_3))
			return EL2_MITIGATION_WA3;
		if (need & EL2_NEED_V2 &&
		    el2_smccc_has(ARM_SMCCC_ARCH_WORKAROUND_1)) {
			pr_warn("Spectre-BHB: no firmware workaround 3; guest exits run workaround 1 only\n");
			return EL2_MITIGATION_WA1;
		}
		return EL2_MITIGATION_LOOP;
	}
	if (need & EL2_NEED_V2) {
		if (el2_smccc_has(ARM_SMCCC_ARCH_WORKAROUND_1))
			return EL2_MITIGATION_WA1;
		pr_warn("Spectre-v2: no firmware workaround; guest exits are not hardened\n");
	}
	return EL2_MITIGATION_NONE;
}

/**
 * el2_spectre_init() - choose the exit vectors (at module load).
 *
 * Return: 0, or -EINVAL for an unknown exit_mitigation value.
 */
int el2_spectre_init(void)
{
	atomic_t need = ATOMIC_INIT(0);
	int m;

	cpus_read_lock();
	on_each_cpu(el2_spectre_cpu, &need, 1);
	cpus_read_unlock();
	if (!strcmp(exit_mitigation, "auto")) {
		m = el2_spectre_auto(atomic_read(&need));
	} else {
		m = match_string(el2_mitigation_names, EL2_NR_MITIGATIONS,
				 exit_mitigation);
		if (m < 0) {
			pr_err("exit_mitigation=%s: unknown\n", exit_mitigation);
			return -EINVAL;
		}
		/* an SMC the firmware does not take is an UNDEF at EL2 */
		if ((m == EL2_MITIGATION_WA3 &&
		     !el2_smccc_has(ARM_SMCCC_ARCH_WORKAROUND_3)) ||
		    (m == EL2_MITIGATION_WA1 &&
		     !el2_smccc_has(ARM_SMCCC_ARCH_WORKAROUND_1))) {
			pr_err("exit_mitigation=%s: the firmware does not implement it\n",
			       exit_mitigation);
			return -EINVAL;
		}
	}
	el2_vectors = el2_vector_tables[m];
	strscpy(exit_mitigation, el2_mitigation_names[m]);
	pr_info("guest exits: %s (Spectre-v2 %s, Spectre-BHB %s%s)\n",
		exit_mitigation,
		atomic_read(&need) & EL2_NEED_V2 ? "affected" : "not affected",
		atomic_read(&need) & EL2_NEED_BHB ? "affected" : "not affected",
		atomic_read(&need) & EL2_NEED_NO_CLRBHB ? ", no CLRBHB" : "");
	return 0;
}
