// SPDX-License-Identifier: GPL-2.0
/*
 * The EL2 backend's VM and vCPU lifecycle and reset state.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/arch_timer.h>
#include <asm/cpufeature.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "el2.h"
#include "vgic.h"

/* entry.S saves and loads these at fixed offsets. */
static_assert(offsetof(struct el2_gprs, x[0]) == 0 &&
	      offsetof(struct el2_gprs, sp_el0) == 31 * 8);
static_assert(offsetof(struct el2_fpsimd, v[0]) == 0 &&
	      offsetof(struct el2_fpsimd, fpsr) == 32 * 16 &&
	      offsetof(struct el2_fpsimd, fpcr) == 32 * 16 + 8);
/* The exit codes entry.S returns. */
static_assert(EL2_EXIT_SYNC == 0 && EL2_EXIT_IRQ == 1 &&
	      EL2_EXIT_FIQ == 2 && EL2_EXIT_SERROR == 3);

/* The arm64 ABI's structures have fixed sizes (uapi/linux/hv_arm64.h). */
static_assert(sizeof(struct hv_regs) == 352);
static_assert(sizeof(struct hv_sysregs) == 256);
static_assert(sizeof(struct hv_fpsimd) == HV_FPSIMD_SIZE);
static_assert(sizeof(struct hv_fpu) == 32);
static_assert(sizeof(struct hv_irq_line) == 32);
static_assert(sizeof(struct hv_power) == 32);

long hv_arch_check_cap(u32 cap)
{
	switch (cap) {
	case HV_CAP_ARCH:
		return HV_ARCH_ARM64;
	case HV_CAP_GPA_BITS:
		return el2_config.ipa_bits;
	case HV_CAP_IRQCHIP:
		return vgic_hw_nr_spis();
	default:
		return 0;
	}
}

int hv_arch_vm_init(struct hv_vm *vm)
{
	int err;

	spin_lock_init(&vm->arch.power_lock);
	err = s2_init(vm);
	if (err || !vm->irqchip)
		return err;
	err = vgic_vm_init(vm);
	if (err)
		s2_destroy(vm);
	return err;
}

void hv_arch_vm_destroy(struct hv_vm *vm)
{
	if (vm->irqchip)
		vgic_vm_destroy(vm);
	s2_destroy(vm);
}

/**
 * el2_vcpu_reset() - the architectural reset state of an EL1 guest.
 * @vcpu: the vCPU, not running.
 *
 * EL1h with D, A, I and F masked, PC 0, the MMU and caches off (SCTLR_EL1
 * with only its RES1 bits), general registers 0; the virtual counter starts
 * near 0. CPACR_EL1.FPEN starts at 0: the guest's FP/SIMD instructions
 * trap to its own EL1 until it enables them, as on real hardware.
 */
void el2_vcpu_reset(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	memset(&arch->gprs, 0, sizeof(arch->gprs));
	memset(&arch->sys, 0, sizeof(arch->sys));
	memset(&arch->dbg, 0, sizeof(arch->dbg));
	memset(&arch->fp, 0, sizeof(arch->fp));
	arch->pc = 0;
	arch->pstate = INIT_PSTATE_EL1;
	arch->sys.sctlr = INIT_SCTLR_EL1_MMU_OFF;
	arch->sys.cntvoff = arch_timer_read_counter();
	arch->hcr = EL2_HCR_GUEST;
	if (cpus_have_cap(ARM64_HAS_RAS_EXTN))
		arch->hcr |= HCR_TERR;
	arch->pending = EL2_PENDING_NONE;
}

int hv_arch_vcpu_init(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	lockdep_assert_held(&vcpu->vm->lock);
	/* MPIDR_EL1 as the guest reads it: RES1 bit 31, Aff0 the vCPU id */
	arch->mpidr = BIT(31) | vcpu->id;
	arch->power = EL2_POWER_ON;
	init_waitqueue_head(&arch->power_wq);
	el2_vcpu_reset(vcpu);
	if (vcpu->vm->irqchip)
		vgic_vcpu_init(vcpu);
	return 0;
}

void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;

	/*
	 * A PSCI call of another vCPU and a forced stop's wake
	 * (hv_arch_vm_wake()) look this one up under power_lock: once we
	 * held it, none of them can still use @vcpu (its slot in vm->vcpus
	 * is already NULL).
	 */
	spin_lock(&avm->power_lock);
	spin_unlock(&avm->power_lock);
	if (vcpu->vm->irqchip)
		vtimer_vcpu_destroy(vcpu);
	hv_table_cache_free(&vcpu->table_cache);
}
