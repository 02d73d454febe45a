/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 backend's per-VM and per-vCPU state, embedded in struct hv_vm and
 * struct hv_vcpu (module/hv_core.h). Empty until the backend runs guests.
 */
#ifndef HV_ARM64_ARCH_TYPES_H
#define HV_ARM64_ARCH_TYPES_H

struct hv_arch_vm {
};

struct hv_arch_vcpu {
};

#endif /* HV_ARM64_ARCH_TYPES_H */
