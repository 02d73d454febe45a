// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/kvm, x86-64: CPUID for long mode, and a payload started
 * in 64-bit mode with the identity map at BENCH_PGTABLE.
 */
#include <linux/kvm.h>

#include "arch.h"

#define KVMB_CPUID_MAX	128

/* as any VMM does: long mode needs CPUID.80000001H:EDX.LM in KVM */
int kvmb_arch_vcpu_init(struct bench_vm *vm)
{
	struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[KVMB_CPUID_MAX];
	} c = { .h.nent = KVMB_CPUID_MAX };
	int err = bench_ioctl(vm->dev, KVM_GET_SUPPORTED_CPUID, &c);

	return err ?: bench_ioctl(vm->vcpu, KVM_SET_CPUID2, &c);
}

static struct kvm_segment kvmb_seg(uint16_t sel, int code)
{
	return (struct kvm_segment){
		.selector = sel, .limit = 0xffffffff, .present = 1, .s = 1,
		.g = 1, .type = code ? 11 : 3, .l = code, .db = !code,
	};
}

int kvmb_arch_enter(struct bench_vm *vm, const struct bench_entry *e)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = e->pc, .rflags = 2, .rsp = e->sp,
			      .rdi = e->arg0, .rsi = e->arg1 };
	int err = bench_ioctl(vm->vcpu, KVM_GET_SREGS, &s);

	if (err)
		return err;
	s.cs = kvmb_seg(0x8, 1);
	s.ds = s.es = s.fs = s.gs = s.ss = kvmb_seg(0x10, 0);
	s.tr = (struct kvm_segment){ .selector = 0x18, .limit = 0x67,
				     .present = 1, .type = 11 };
	s.cr0 = 0x80050033;
	s.cr3 = BENCH_PGTABLE;
	s.cr4 = 0x20;
	s.efer = 0x500;
	err = bench_ioctl(vm->vcpu, KVM_SET_SREGS, &s);
	return err ?: bench_ioctl(vm->vcpu, KVM_SET_REGS, &r);
}
