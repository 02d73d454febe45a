/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvbench: the same guest payloads on /dev/hv and /dev/kvm.
 *
 * Arch-neutral: hvbench.c (the benchmarks), report.c (the table and JSON),
 * bench_hv.c and bench_kvm.c (the two hypervisor interfaces). Each arch
 * adds arch_<arch>.c (guest image, payload list), hv_<arch>.c and
 * kvm_<arch>.c (vCPU state) and guest_<arch>.S (the payloads); arch.h
 * declares what they provide.
 */
#ifndef HVBENCH_H
#define HVBENCH_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

enum bench_exit_kind {
	BENCH_EXIT_IO,
	BENCH_EXIT_MMIO,
	BENCH_EXIT_HLT,
	BENCH_EXIT_OTHER,
};

struct bench_exit {
	enum bench_exit_kind kind;
	uint16_t port;		/* BENCH_EXIT_IO */
	uint64_t addr;		/* BENCH_EXIT_MMIO: guest-physical */
	uint32_t raw_reason;	/* the backend's own exit reason */
};

struct bench_vm {
	int dev, vm, vcpu;
	void *run;
	size_t run_size;
	void *ram;
	size_t ram_size;
};

/* Where a payload starts, and its two arguments (RDI/RSI, X0/X1). */
struct bench_entry {
	uint64_t pc, sp, arg0, arg1;
};

/*
 * One hypervisor interface. Each call returns 0 or -errno; the backend
 * prints nothing, the caller says what failed.
 */
struct bench_backend {
	const char *name;
	/* a VM with @ram_size bytes of RAM at guest-physical 0, one vCPU */
	int (*vm_create)(struct bench_vm *vm, size_t ram_size);
	/* the vCPU state to start a payload (x86: long mode, arm64: EL1h) */
	int (*enter)(struct bench_vm *vm, const struct bench_entry *e);
	int (*run)(struct bench_vm *vm, struct bench_exit *exit);
	/*
	 * Registers (or with @deassign removes) eventfd @efd for guest
	 * writes of @len bytes at guest-physical @addr: HV_IOEVENTFD or
	 * KVM_IOEVENTFD.
	 */
	int (*ioeventfd)(struct bench_vm *vm, uint64_t addr, uint32_t len,
			 int efd, int deassign);
};

/* ioctl() returning -errno on failure, else its result. */
int bench_ioctl(int fd, unsigned long cmd, void *arg);

/* Unmaps and closes what vm_create made, for either backend. */
void bench_vm_destroy(struct bench_vm *vm);

/* One sample of row @name (made on first use) in @unit. */
void bench_sample(const char *name, const char *unit, int higher_is_better,
		  double v);

extern const struct bench_backend bench_hv;
extern const struct bench_backend bench_kvm;

#endif /* HVBENCH_H */
