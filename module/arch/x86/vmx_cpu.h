/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX per physical CPU: capabilities, VMXON/VMXOFF, and which VMCS is loaded
 * where.
 */
#ifndef HV_X86_VMX_CPU_H
#define HV_X86_VMX_CPU_H

#include <linux/types.h>

struct hv_vcpu;

/* The VM-execution controls hv runs guests with, fixed at probe time. */
struct vmx_config {
	u32 revision_id;	/* IA32_VMX_BASIC[30:0] */
	u32 pin;
	u32 primary;
	u32 secondary;
	u32 exit;
	u32 entry;
	u64 ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u8 preemption_timer_shift;	/* timer ticks = TSC >> shift */
	u32 preemption_timer_value;	/* ticks in VMX_MAX_STAY_MS */
};

extern struct vmx_config vmx_config;

int vmx_config_init(void);
int vmx_cpu_init(void);
int vmx_get(void);
void vmx_put(void);
bool vmx_cpus_down(void);

void *vmx_alloc_vmcs(void);
void vmx_free_vmcs(void *vmcs);
void vmx_vcpu_load(struct hv_vcpu *vcpu);
void vmx_vcpu_clear(struct hv_vcpu *vcpu);

int vmx_vpid_alloc(void);
void vmx_vpid_free(int vpid);

#endif /* HV_X86_VMX_CPU_H */
