/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT: the guest-physical to host-physical tables of a VM.
 */
#ifndef HV_X86_EPT_H
#define HV_X86_EPT_H

#include <linux/types.h>

struct hv_vm;
struct hv_vcpu;
struct page;

int ept_init(struct hv_vm *vm);
void ept_destroy(struct hv_vm *vm);
void ept_invalidate(struct hv_vm *vm);
void ept_map_apic_access(struct hv_vcpu *vcpu, u64 gfn, struct page *page);

#endif /* HV_X86_EPT_H */
