/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each architecture gives hvbench, resolved at link time: the
 * Makefile builds arch_<arch>.c, hv_<arch>.c, kvm_<arch>.c and
 * guest_<arch>.S for the compiler's target.
 */
#ifndef HVBENCH_ARCH_H
#define HVBENCH_ARCH_H

#include "hvbench.h"

/* A guest loop that exits on every iteration: one row in cycles, one in ns. */
struct bench_payload {
	const char *name;
	const unsigned char *entry;	/* in the blob */
};

struct bench_arch {
	/* the exit loops, run with arg0 = iterations */
	const struct bench_payload *exits;
	int nr_exits;
	/* arg0 = bytes, arg1 = guest-physical address */
	const unsigned char *touch;
	/* arg0 = rounds of bench_compute() */
	const unsigned char *compute;
	/* what the guest's "cycles" count */
	const char *counter_name;
	/* its frequency in Hz, 0 if unknown */
	uint64_t (*counter_hz)(void);
	/*
	 * Reads the same counter natively, to time bench_compute() here as
	 * the guest times it; NULL: the compute loop is timed by the host's
	 * clock in both places.
	 */
	uint64_t (*counter_native)(void);
	/*
	 * Benchmarks of the arch's own (NULL: none), run once per
	 * repetition with @iterations for their loops; they add their rows
	 * with bench_sample() (both arches: the rows on the in-kernel
	 * interrupt controllers).
	 */
	int (*extra)(const struct bench_backend *b, uint64_t iterations);
};

extern const struct bench_arch bench_arch;

/* Writes the guest's page tables at BENCH_PGTABLE into fresh RAM. */
void bench_arch_image(struct bench_vm *vm);

/* guest_<arch>.S: the payloads, copied to BENCH_CODE */
extern const unsigned char bench_blob_start[], bench_blob_end[];
/* n rounds of arithmetic without memory or exits; also runs natively */
uint64_t bench_compute(uint64_t n);

/* hv_<arch>.c */
int hvb_arch_enter(struct bench_vm *vm, const struct bench_entry *e);
/* bench_hv.c: a VM of one vCPU with HV_CREATE_VM's @flags */
int hvb_vm_create_flags(struct bench_vm *vm, size_t ram_size, uint32_t flags);

/*
 * arm64: a VM with the in-kernel GICv3 (QEMU virt's addresses) and the
 * virtual timer, and two vCPUs: v[0] owns the VM, v[1] shares its fds
 * and RAM. Both start as the backend's enter() sets them. irq_line
 * drives SPI @intid (x86: IOAPIC GSI @intid, hv_x86.c/kvm_x86.c).
 */
int hvb_gic_vm_create(struct bench_vm v[2], size_t ram_size);
int hvb_irq_line(struct bench_vm *vm, uint32_t intid, int level);
int kvmb_gic_vm_create(struct bench_vm v[2], size_t ram_size);
int kvmb_irq_line(struct bench_vm *vm, uint32_t intid, int level);
/*
 * eventfd @efd raises SPI @intid (arm64) or pulses IOAPIC GSI @intid (x86):
 * HV_IRQFD / KVM_IRQFD, no resample
 */
int hvb_irqfd(struct bench_vm *vm, uint32_t intid, int efd);
/* bench_hv.c: a pulse on line @irq, set by the vCPU's next HV_RUN */
void hvb_pulse_at_next_run(struct bench_vm *vm, uint32_t irq);
int kvmb_irqfd(struct bench_vm *vm, uint32_t intid, int efd);

/* bench_kvm.c: a VM of one vCPU, after KVM_CREATE_IRQCHIP if @irqchip */
int kvmb_vm_create_irqchip(struct bench_vm *vm, size_t ram_size, int irqchip);
/*
 * kvm_<arch>.c: what a vCPU needs before its first KVM_RUN; @irqchip: the
 * VM has an in-kernel interrupt controller (x86: announce its APIC in CPUID)
 */
int kvmb_arch_vcpu_init(struct bench_vm *vm, int irqchip);
int kvmb_arch_enter(struct bench_vm *vm, const struct bench_entry *e);

#endif /* HVBENCH_ARCH_H */
