/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flags of __vmx_vcpu_run() (vmenter.S), shared by C and assembly: how to
 * enter, and which transient-execution mitigations run around the world
 * switch (vmx_mitig.c decides).
 */
#ifndef HV_X86_VMX_RUN_FLAGS_H
#define HV_X86_VMX_RUN_FLAGS_H

#define VMX_RUN_VMRESUME	0x1	/* VMRESUME, else VMLAUNCH */
#define VMX_RUN_CLEAR_CPU_BUF	0x2	/* VERW last before the entry */
#define VMX_RUN_CLEAR_BHB	0x4	/* clear_bhb_loop() after the exit */
#define VMX_RUN_SPEC_CTRL	0x8	/* host SPEC_CTRL again after the exit */

#endif /* HV_X86_VMX_RUN_FLAGS_H */
