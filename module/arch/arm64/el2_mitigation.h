/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants shared by entry.S and el2_spectre.c (no C declarations here:
 * the assembler includes this file).
 */
#ifndef HV_ARM64_EL2_MITIGATION_H
#define HV_ARM64_EL2_MITIGATION_H

/*
 * The sequence hv's exit vectors run against branch-predictor attacks
 * (Spectre-v2, Spectre-BHB) from the guest on the host, before the host
 * makes an indirect branch (el2_spectre.c).
 */
#define EL2_MITIGATION_NONE	0
#define EL2_MITIGATION_CLEARBHB	1	/* CLRBHB; ISB */
#define EL2_MITIGATION_LOOP	2	/* EL2_BHB_LOOP_K taken branches */
#define EL2_MITIGATION_WA3	3	/* SMCCC ARCH_WORKAROUND_3 */
#define EL2_MITIGATION_WA1	4	/* SMCCC ARCH_WORKAROUND_1 */
#define EL2_NR_MITIGATIONS	5
/* The largest loop count the kernel uses for any CPU (proton-pack.c) */
#define EL2_BHB_LOOP_K		132

#endif /* HV_ARM64_EL2_MITIGATION_H */
