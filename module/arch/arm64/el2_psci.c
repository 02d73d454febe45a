// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.0 over HVC (Arm DEN 0022, "Arm Power State Coordination
 * Interface"), the firmware interface guests use to start, stop and
 * power off CPUs. Function ids 0x84000000-0x8400001f (SMC32) and
 * 0xc4000000-0xc400001f (SMC64) are PSCI's; every other HVC is a hypercall
 * for user space.
 *
 * Implemented: PSCI_VERSION, PSCI_FEATURES, CPU_SUSPEND (as a standby: a
 * WFI), CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF and
 * SYSTEM_RESET (HV_EXIT_SYSTEM_EVENT to user space). Others return
 * NOT_SUPPORTED. A vCPU that is off waits in HV_RUN (el2_power_wait())
 * until CPU_ON powers it on.
 */
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <uapi/linux/psci.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_registry.h"
#include "el2.h"

#define PSCI_FN_MASK		0x1fU

/* MPIDR affinity fields Aff3..Aff0 (ARM ARM D19.2.101) */
#define EL2_MPIDR_AFF_MASK	0xff00ffffffULL

bool el2_is_psci_call(u64 fid)
{
	return (fid & ~(u64)PSCI_FN_MASK) == PSCI_0_2_FN_BASE ||
	       (fid & ~(u64)PSCI_FN_MASK) == PSCI_0_2_FN64_BASE;
}

/* The vCPU whose MPIDR is @mpidr. Called with power_lock held. */
static struct hv_vcpu *el2_psci_find(struct hv_vm *vm, u64 mpidr)
{
	int i;

	lockdep_assert_held(&vm->arch.power_lock);
	for (i = 0; i < HV_MAX_VCPUS; i++) {
		struct hv_vcpu *v = READ_ONCE(vm->vcpus[i]);

		if (v && (v->arch.mpidr & EL2_MPIDR_AFF_MASK) ==
			 (mpidr & EL2_MPIDR_AFF_MASK))
			return v;
	}
	return NULL;
}

static long el2_psci_cpu_on(struct hv_vcpu *vcpu, u64 mpidr, u64 entry,
			    u64 context)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	struct hv_vcpu *target;
	long ret = PSCI_RET_SUCCESS;

	spin_lock(&avm->power_lock);
	target = el2_psci_find(vcpu->vm, mpidr);
	if (!target) {
		ret = PSCI_RET_INVALID_PARAMS;
	} else if (target->arch.power == EL2_POWER_ON) {
		ret = PSCI_RET_ALREADY_ON;
	} else if (target->arch.power == EL2_POWER_ON_PENDING) {
		ret = PSCI_RET_ON_PENDING;
	} else {
		target->arch.on_entry = entry;
		target->arch.on_context = context;
		WRITE_ONCE(target->arch.power, EL2_POWER_ON_PENDING);
		wake_up_interruptible(&target->arch.power_wq);
	}
	spin_unlock(&avm->power_lock);
	return ret;
}

static long el2_psci_affinity_info(struct hv_vcpu *vcpu, u64 mpidr,
				   u64 lowest_level)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	struct hv_vcpu *target;
	long ret;

	if (lowest_level)
		return PSCI_RET_INVALID_PARAMS;
	spin_lock(&avm->power_lock);
	target = el2_psci_find(vcpu->vm, mpidr);
	if (!target)
		ret = PSCI_RET_INVALID_PARAMS;
	else if (target->arch.power == EL2_POWER_ON)
		ret = PSCI_0_2_AFFINITY_LEVEL_ON;
	else if (target->arch.power == EL2_POWER_OFF)
		ret = PSCI_0_2_AFFINITY_LEVEL_OFF;
	else
		ret = PSCI_0_2_AFFINITY_LEVEL_ON_PENDING;
	spin_unlock(&avm->power_lock);
	return ret;
}

static long el2_psci_features(u64 fid)
{
	switch (fid) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
		return PSCI_RET_SUCCESS;	/* CPU_SUSPEND: original format */
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static int el2_psci_system_event(struct hv_vcpu *vcpu, u32 type, u64 fid)
{
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_SYSTEM_EVENT;
	run->system_event.type = type;
	run->system_event.ndata = 1;
	run->system_event.data[0] = fid;
	return 0;
}

/**
 * el2_handle_psci() - a PSCI call by HVC; X0 holds the function id, the
 * arguments X1..X3, the result goes to X0. The PC is already past the HVC.
 * @vcpu: the vCPU.
 *
 * Return: see el2_exit_fn.
 */
int el2_handle_psci(struct hv_vcpu *vcpu)
{
	u64 *x = vcpu->arch.gprs.x;
	u32 fid = x[0];
	bool smc32 = !(fid & BIT(30));
	u64 a1 = smc32 ? (u32)x[1] : x[1];
	u64 a2 = smc32 ? (u32)x[2] : x[2];
	u64 a3 = smc32 ? (u32)x[3] : x[3];
	long ret;

	switch (fid) {
	case PSCI_0_2_FN_PSCI_VERSION:
		ret = PSCI_VERSION(1, 0);
		break;
	case PSCI_1_0_FN_PSCI_FEATURES:
		ret = el2_psci_features(a1);
		break;
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		/* a standby state: like WFI, returns on a wake-up event */
		x[0] = PSCI_RET_SUCCESS;
		return el2_wfi(vcpu);
	case PSCI_0_2_FN_CPU_OFF:
		spin_lock(&vcpu->vm->arch.power_lock);
		WRITE_ONCE(vcpu->arch.power, EL2_POWER_OFF);
		spin_unlock(&vcpu->vm->arch.power_lock);
		/* leave the inner loop: el2_power_wait() parks the vCPU */
		return -EAGAIN;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		ret = el2_psci_cpu_on(vcpu, a1, a2, a3);
		break;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		ret = el2_psci_affinity_info(vcpu, a1, a2);
		break;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		ret = PSCI_0_2_TOS_MP;	/* no Trusted OS to migrate */
		break;
	case PSCI_0_2_FN_SYSTEM_OFF:
		return el2_psci_system_event(vcpu, HV_SYSTEM_EVENT_SHUTDOWN,
					     fid);
	case PSCI_0_2_FN_SYSTEM_RESET:
		return el2_psci_system_event(vcpu, HV_SYSTEM_EVENT_RESET, fid);
	default:
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	x[0] = ret;
	return 1;
}

/*
 * A forced stop: powered-off vCPUs wake to report it (hv_arch.h). The
 * caller holds only the registry's lock, not vm->lock, so a vCPU file may
 * be closing meanwhile: hv_vcpu_release() clears the slot, then
 * hv_arch_vcpu_destroy() takes power_lock before the vCPU is freed. Under
 * power_lock a vCPU found in its slot therefore lives until we let go.
 */
void hv_arch_vm_wake(struct hv_vm *vm)
{
	int i;

	spin_lock(&vm->arch.power_lock);
	for (i = 0; i < HV_MAX_VCPUS; i++) {
		struct hv_vcpu *v = READ_ONCE(vm->vcpus[i]);

		if (v)
			wake_up_interruptible(&v->arch.power_wq);
	}
	spin_unlock(&vm->arch.power_lock);
}

/**
 * el2_power_wait() - before an entry: apply a CPU_ON, or wait for one.
 * @vcpu: the vCPU. Called with vcpu->lock held, may sleep.
 *
 * Return: 0 when the vCPU is on; -EAGAIN when the VM was stopped by force
 * meanwhile (the run loop reports it); -EINTR with exit_reason
 * HV_EXIT_INTR when a signal arrives while it is off.
 */
int el2_power_wait(struct hv_vcpu *vcpu)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;
	struct hv_arch_vcpu *arch = &vcpu->arch;

	for (;;) {
		spin_lock(&avm->power_lock);
		if (arch->power == EL2_POWER_ON_PENDING) {
			u64 cntvoff = arch->sys.cntvoff;
			u64 lines = arch->hcr & (HCR_VI | HCR_VF);

			/* PSCI 6.4.3: EL1, MMU off, DAIF masked, X0 = context */
			el2_vcpu_reset(vcpu);
			arch->sys.cntvoff = cntvoff;
			arch->hcr |= lines;
			arch->pc = arch->on_entry;
			arch->gprs.x[0] = arch->on_context;
			WRITE_ONCE(arch->power, EL2_POWER_ON);
		}
		spin_unlock(&avm->power_lock);
		if (READ_ONCE(arch->power) == EL2_POWER_ON)
			return 0;
		if (wait_event_interruptible(arch->power_wq,
					     READ_ONCE(arch->power) !=
					     EL2_POWER_OFF ||
					     test_bit(HV_VM_KILLED,
						      &vcpu->vm->run_flags))) {
			vcpu->run->exit_reason = HV_EXIT_INTR;
			return -EINTR;
		}
		if (test_bit(HV_VM_KILLED, &vcpu->vm->run_flags))
			return -EAGAIN;
	}
}
