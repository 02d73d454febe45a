// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/hv, x86-64: start a payload in 64-bit mode with the
 * identity map at BENCH_PGTABLE.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/hv.h>

#include "arch.h"
#include "irq_x86.h"

static struct hv_segment hvb_seg(uint16_t sel, uint32_t ar)
{
	return (struct hv_segment){ .selector = sel, .limit = 0xffffffff,
				    .ar = ar };
}

int hvb_arch_enter(struct bench_vm *vm, const struct bench_entry *e)
{
	struct hv_sregs s;
	struct hv_regs r = { .rip = e->pc, .rflags = 2 };
	int err = bench_ioctl(vm->vcpu, HV_GET_SREGS, &s);

	if (err)
		return err;
	/* VMX access rights: 64-bit code 0xa09b, data 0xc093, busy TSS 0x8b */
	s.cs = hvb_seg(0x8, 0xa09b);
	s.ds = s.es = s.fs = s.gs = s.ss = hvb_seg(0x10, 0xc093);
	s.tr = (struct hv_segment){ .selector = 0x18, .limit = 0x67,
				    .ar = 0x8b };
	s.ldt = (struct hv_segment){ .ar = HV_AR_UNUSABLE };
	s.cr0 = 0x80050033;	/* PG, AM, WP, NE, ET, MP, PE */
	s.cr3 = BENCH_PGTABLE;
	s.cr4 = 0x20;		/* PAE */
	s.efer = 0x500;		/* LMA, LME */
	err = bench_ioctl(vm->vcpu, HV_SET_SREGS, &s);
	if (err)
		return err;
	r.gpr[HV_X86_RSP] = e->sp;
	r.gpr[HV_X86_RDI] = e->arg0;
	r.gpr[HV_X86_RSI] = e->arg1;
	return bench_ioctl(vm->vcpu, HV_SET_REGS, &r);
}

/* as bench_hv's VM, with HV_VM_IRQCHIP: a local APIC per vCPU, an IOAPIC */
static int hvb_irq_vm_create(struct bench_vm *vm, size_t ram_size)
{
	return hvb_vm_create_flags(vm, ram_size, HV_VM_IRQCHIP);
}

/* vCPU 1 waits for INIT/SIPI after creation: make it runnable now */
static int hvb_irq_vcpu_add(struct bench_vm *vm, struct bench_vm *peer)
{
	struct hv_vcpu_create c = { .id = 1 };
	struct hv_lapic_state st;
	int err;

	*peer = *vm;
	peer->vcpu = bench_ioctl(vm->vm, HV_CREATE_VCPU, &c);
	if (peer->vcpu < 0)
		return peer->vcpu;
	peer->run = mmap(NULL, peer->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, peer->vcpu, 0);
	if (peer->run == MAP_FAILED)
		return -errno;
	err = bench_ioctl(peer->vcpu, HV_GET_LAPIC, &st);
	if (err)
		return err;
	st.mp_state = HV_MP_STATE_RUNNABLE;
	return bench_ioctl(peer->vcpu, HV_SET_LAPIC, &st);
}

int hvb_irq_line(struct bench_vm *vm, uint32_t gsi, int level)
{
	struct hv_irq_level l = { .irq = gsi, .level = level };

	return bench_ioctl(vm->vm, HV_IRQ_LINE, &l);
}

int hvb_irqfd(struct bench_vm *vm, uint32_t gsi, int efd)
{
	struct hv_irqfd f = { .fd = efd, .irq = gsi };

	return bench_ioctl(vm->vm, HV_IRQFD, &f);
}

static int hvb_pulse_from_exit(struct bench_vm *vm, uint32_t gsi)
{
	hvb_pulse_at_next_run(vm, gsi);
	return 0;
}

const struct bench_irq_ops hvb_x86_irq = {
	.vm_create = hvb_irq_vm_create,
	.vcpu_add = hvb_irq_vcpu_add,
	.irq_line = hvb_irq_line,
	.irqfd = hvb_irqfd,
	.pulse_from_exit = hvb_pulse_from_exit,
};
