/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvbench, x86-64: the interrupt rows (arch_x86.c) run on each
 * hypervisor's in-kernel interrupt controller, HV_VM_IRQCHIP or
 * KVM_CREATE_IRQCHIP. Defines for guest_x86.S, then the C side.
 */
#ifndef HVBENCH_IRQ_X86_H
#define HVBENCH_IRQ_X86_H

#define BENCH_X86_GDT		0x7000	/* null, code64 0x8, data 0x10 */
#define BENCH_X86_GDTR		0x7080	/* limit, base for LGDT */
#define BENCH_X86_IDTR		0x7090	/* ... for LIDT */
#define BENCH_X86_COUNT		0x70a0	/* interrupts counted */
#define BENCH_X86_PEER_READY	0x70a8	/* vCPU 1 takes IPIs */
#define BENCH_X86_IDT		0x7800	/* 64 16-byte gates */
#define BENCH_X86_IDT_VECS	0x48

#define BENCH_X86_VEC_TIMER	0x40
#define BENCH_X86_VEC_GSI	0x41
#define BENCH_X86_VEC_PONG	0x42	/* vCPU 1 -> 0 */
#define BENCH_X86_VEC_PING	0x43	/* vCPU 0 -> 1 */
#define BENCH_X86_VEC_XTIMER	0x44	/* timer_irq_xapic: EOI by MMIO */
#define BENCH_X86_GSI		20	/* an IOAPIC pin no PIC shares */
#define BENCH_PORT_GSI		0x12	/* guest: pulse the GSI, go on */

#ifndef __ASSEMBLER__
#include "hvbench.h"

/* One hypervisor's in-kernel interrupt controller. */
struct bench_irq_ops {
	/* as bench_backend.vm_create, with the interrupt controller */
	int (*vm_create)(struct bench_vm *vm, size_t ram_size);
	/* vCPU 1 of @vm, runnable at once, in @peer (vm fields shared) */
	int (*vcpu_add)(struct bench_vm *vm, struct bench_vm *peer);
	/* assert or deassert GSI @gsi */
	int (*irq_line)(struct bench_vm *vm, uint32_t gsi, int level);
	/* eventfd @efd pulses GSI @gsi (an irqfd without resample) */
	int (*irqfd)(struct bench_vm *vm, uint32_t gsi, int efd);
	/*
	 * the cheapest pulse of GSI @gsi at an exit, before the vCPU runs
	 * again: hv leaves it in hv_run.irq_lines[]; KVM, whose IOAPIC takes
	 * an edge when the line rises, has nothing cheaper than irq_line()
	 * up and down
	 */
	int (*pulse_from_exit)(struct bench_vm *vm, uint32_t gsi);
};

extern const struct bench_irq_ops hvb_x86_irq, kvmb_x86_irq;
#endif

#endif /* HVBENCH_IRQ_X86_H */
