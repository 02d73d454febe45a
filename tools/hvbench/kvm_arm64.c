// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/kvm, arm64: the vCPU is the host's preferred target with
 * PSCI 0.2 or later (so PSCI_VERSION is answered in the kernel, as hv
 * does), and a payload starts at EL1h with DAIF masked, as on hv.
 */
#include <errno.h>
#include <stddef.h>
#include <linux/kvm.h>

#include "arch.h"

#define KVMB_CORE_REG(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
				 KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(field))

/* PSTATE: EL1h, D, A, I, F masked (the reset state KVM and hv share) */
#define KVMB_PSTATE_EL1H_DAIF	0x3c5

int kvmb_arch_vcpu_init(struct bench_vm *vm)
{
	struct kvm_vcpu_init init;
	int err = bench_ioctl(vm->vm, KVM_ARM_PREFERRED_TARGET, &init);

	if (err)
		return err;
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	return bench_ioctl(vm->vcpu, KVM_ARM_VCPU_INIT, &init);
}

static int kvmb_set_reg(struct bench_vm *vm, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return bench_ioctl(vm->vcpu, KVM_SET_ONE_REG, &reg);
}

/*
 * KVM completes an MMIO exit at the start of the next KVM_RUN, and that
 * includes stepping the PC past the access: after a payload ended with
 * its MMIO "done", the step would land on the next payload's first
 * instruction. A KVM_RUN with immediate_exit completes it and returns
 * EINTR without entering the guest.
 */
static int kvmb_complete_mmio(struct bench_vm *vm)
{
	struct kvm_run *run = vm->run;
	int err;

	if (run->exit_reason != KVM_EXIT_MMIO)
		return 0;
	run->immediate_exit = 1;
	err = bench_ioctl(vm->vcpu, KVM_RUN, NULL);
	run->immediate_exit = 0;
	return err == -EINTR ? 0 : err ?: -EIO;
}

int kvmb_arch_enter(struct bench_vm *vm, const struct bench_entry *e)
{
	return kvmb_complete_mmio(vm) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.pc), e->pc) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.pstate),
			    KVMB_PSTATE_EL1H_DAIF) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(sp_el1), e->sp) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.regs[0]), e->arg0) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.regs[1]), e->arg1);
}
