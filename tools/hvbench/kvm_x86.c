// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/kvm, x86-64: CPUID for long mode, and a payload started
 * in 64-bit mode with the identity map at BENCH_PGTABLE.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "arch.h"
#include "irq_x86.h"

#define KVMB_CPUID_MAX	128

/*
 * As any VMM does: long mode needs CPUID.80000001H:EDX.LM in KVM. With
 * the in-kernel APIC (@irqchip), x2APIC and TSC-deadline too: KVM's
 * timer takes TSC-deadline mode only when the guest's CPUID has it.
 */
static int kvmb_cpuid(struct bench_vm *vm, int irqchip)
{
	struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[KVMB_CPUID_MAX];
	} c = { .h.nent = KVMB_CPUID_MAX };
	int err = bench_ioctl(vm->dev, KVM_GET_SUPPORTED_CPUID, &c);
	uint32_t i;

	if (err)
		return err;
	for (i = 0; irqchip && i < c.h.nent; i++)
		if (c.e[i].function == 1)
			c.e[i].ecx |= 1u << 21 | 1u << 24;
	return bench_ioctl(vm->vcpu, KVM_SET_CPUID2, &c);
}

int kvmb_arch_vcpu_init(struct bench_vm *vm, int irqchip)
{
	return kvmb_cpuid(vm, irqchip);
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

/* as bench_kvm's VM, after KVM_CREATE_IRQCHIP (PIC, IOAPIC, local APICs) */
static int kvmb_irq_vm_create(struct bench_vm *vm, size_t ram_size)
{
	return kvmb_vm_create_irqchip(vm, ram_size, 1);
}

/* an AP of an irqchip VM waits for INIT/SIPI: make it runnable now */
static int kvmb_irq_vcpu_add(struct bench_vm *vm, struct bench_vm *peer)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	int err;

	*peer = *vm;
	peer->vcpu = bench_ioctl(vm->vm, KVM_CREATE_VCPU, (void *)1);
	if (peer->vcpu < 0)
		return peer->vcpu;
	err = kvmb_cpuid(peer, 1);
	if (err)
		return err;
	peer->run = mmap(NULL, peer->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, peer->vcpu, 0);
	if (peer->run == MAP_FAILED)
		return -errno;
	return bench_ioctl(peer->vcpu, KVM_SET_MP_STATE, &mp);
}

int kvmb_irq_line(struct bench_vm *vm, uint32_t gsi, int level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	return bench_ioctl(vm->vm, KVM_IRQ_LINE, &l);
}

/* KVM_CREATE_IRQCHIP's default routing: GSI n is IOAPIC pin n (n < 24) */
int kvmb_irqfd(struct bench_vm *vm, uint32_t gsi, int efd)
{
	struct kvm_irqfd f = { .fd = efd, .gsi = gsi };

	return bench_ioctl(vm->vm, KVM_IRQFD, &f);
}

static int kvmb_pulse_from_exit(struct bench_vm *vm, uint32_t gsi)
{
	return kvmb_irq_line(vm, gsi, 1) ?: kvmb_irq_line(vm, gsi, 0);
}

const struct bench_irq_ops kvmb_x86_irq = {
	.vm_create = kvmb_irq_vm_create,
	.vcpu_add = kvmb_irq_vcpu_add,
	.irq_line = kvmb_irq_line,
	.irqfd = kvmb_irqfd,
	.pulse_from_exit = kvmb_pulse_from_exit,
};
