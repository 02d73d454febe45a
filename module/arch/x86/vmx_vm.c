// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x backend's VM and vCPU lifecycle.
 */
#include <linux/slab.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/tsc.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "ept.h"
#include "vmx.h"
#include "vmx_ops.h"
#include <asm/vmx.h>

/* gpr[] is saved and loaded by vmenter.S at fixed offsets. */
static_assert(HV_X86_RAX == 0 && HV_X86_RCX == 1 && HV_X86_RDX == 2 &&
	      HV_X86_RBX == 3 && HV_X86_RSP == 4 && HV_X86_RBP == 5 &&
	      HV_X86_RSI == 6 && HV_X86_RDI == 7 && HV_X86_NR_GPRS == 16);
/* vmenter.S writes HOST_RSP by its encoding. */
static_assert(HOST_RSP == 0x6c14);

long hv_arch_check_cap(u32 cap)
{
	switch (cap) {
	case HV_CAP_ARCH:
		return HV_ARCH_X86_64;
	case HV_CAP_IRQCHIP:
		/* the IOAPIC's pins; needs a TSC rate for TSC-deadline */
		return tsc_khz ? HV_IOAPIC_PINS : 0;
	case HV_CAP_GPA_BITS:
		/* 4-level EPT maps 48 bits; keep within the host's width too. */
		return min_t(long, 48, boot_cpu_data.x86_phys_bits);
	default:
		return 0;
	}
}

int hv_arch_vm_init(struct hv_vm *vm)
{
	int err;

	if (vm->irqchip) {
		vm->arch.ioapic = hv_ioapic_create(vm);
		if (!vm->arch.ioapic)
			return -ENOMEM;
	}
	err = vmx_apic_access_vm_init(vm);
	if (err)
		goto err_ioapic;
	err = ept_init(vm);
	if (err)
		goto err_ioapic;
	err = vmx_get();
	if (err) {
		ept_destroy(vm);
		vm->arch.ept_root = NULL;
		goto err_ioapic;
	}
	return 0;

err_ioapic:
	vmx_apic_access_vm_destroy(vm);
	hv_ioapic_destroy(vm->arch.ioapic);
	vm->arch.ioapic = NULL;
	return err;
}

void hv_arch_vm_destroy(struct hv_vm *vm)
{
	hv_ioapic_destroy(vm->arch.ioapic);
	vm->arch.ioapic = NULL;
	if (vm->arch.ept_root) {
		/* INVEPT needs VMX on: before vmx_put() may turn it off */
		ept_invalidate(vm);
		vmx_put();
		ept_destroy(vm);
	}
	/* no CPU translates to it any more */
	vmx_apic_access_vm_destroy(vm);
}

int hv_arch_vcpu_init(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	int vpid, err = -ENOMEM;

	arch->cpu = -1;
	INIT_LIST_HEAD(&arch->loaded_link);
	arch->vmcs = vmx_alloc_vmcs();
	if (!arch->vmcs)
		return -ENOMEM;
	arch->fpu = kzalloc(sizeof(*arch->fpu), GFP_KERNEL_ACCOUNT);
	if (!arch->fpu || !fpu_alloc_guest_fpstate(arch->fpu))
		goto err_free_fpu;
	vpid = vmx_vpid_alloc();
	if (vpid < 0) {
		err = vpid;
		goto err_free_fpstate;
	}
	arch->vpid = vpid;
	if (vcpu->vm->irqchip) {
		err = hv_lapic_init(&arch->lapic, vcpu);
		if (err)
			goto err_free_vpid;
		err = vmx_lapic_vcpu_init(vcpu);
		if (err) {
			hv_lapic_destroy(&arch->lapic);
			goto err_free_vpid;
		}
	}

	/* SDM Vol. 3C, 25.11.3: VMCLEAR initialises a new VMCS region. */
	preempt_disable();
	vmx_vmclear(__pa(arch->vmcs));
	vmx_vcpu_load(vcpu);
	vmx_vmcs_setup(vcpu);
	if (vcpu->vm->irqchip)
		vmx_lapic_vmcs_setup(vcpu);
	preempt_enable();
	return 0;

err_free_vpid:
	vmx_vpid_free(vpid);
err_free_fpstate:
	fpu_free_guest_fpstate(arch->fpu);
err_free_fpu:
	kfree(arch->fpu);
	vmx_free_vmcs(arch->vmcs);
	return err;
}

/* Nothing of a vCPU sleeps in the VT-x backend: see hv_arch.h. */
void hv_arch_vm_wake(struct hv_vm *vm)
{
}

void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	if (vcpu->vm->irqchip)
		hv_lapic_destroy(&arch->lapic);
	vmx_vcpu_clear(vcpu);
	/* after VMCLEAR: the VMCS names the MSR bitmap until then */
	if (vcpu->vm->irqchip)
		vmx_lapic_vcpu_destroy(vcpu);
	vmx_vpid_free(arch->vpid);
	fpu_free_guest_fpstate(arch->fpu);
	kfree(arch->fpu);
	kfree(arch->cpuid);
	hv_table_cache_free(&vcpu->table_cache);
	vmx_free_vmcs(arch->vmcs);
}
