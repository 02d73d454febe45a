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
	 * Optional: rows on the hypervisor's in-kernel interrupt controller,
	 * @iters operations each, given to @sample (x86: arch_x86.c).
	 */
	int (*irq_rows)(const struct bench_backend *b, uint64_t iters,
			void (*sample)(const char *name, const char *unit,
				       int hib, double v));
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

/* kvm_<arch>.c: what a vCPU needs before its first KVM_RUN */
int kvmb_arch_vcpu_init(struct bench_vm *vm);
int kvmb_arch_enter(struct bench_vm *vm, const struct bench_entry *e);

#endif /* HVBENCH_ARCH_H */
