/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvbench: the same guest payloads on /dev/hv and /dev/kvm.
 */
#ifndef HVBENCH_H
#define HVBENCH_H

#include <stddef.h>
#include <stdint.h>

/* Guest memory layout (guest-physical), shared with guest_x86.S. */
#define BENCH_PML4		0x1000	/* 0x1000..0x6fff: page tables */
#define BENCH_RESULT		0x8000
#define BENCH_STACK_TOP		0x80000
#define BENCH_CODE		0x100000
#define BENCH_TOUCH		0x1000000	/* fresh memory for first touch */
#define BENCH_TOUCH_SIZE	(64UL << 20)
#define BENCH_RAM_SIZE		(BENCH_TOUCH + BENCH_TOUCH_SIZE)
#define BENCH_MMIO		0xd0000000UL
#define BENCH_PORT_DONE		0x10
#define BENCH_PORT_EXIT		0x11

enum bench_exit_kind {
	BENCH_EXIT_IO,
	BENCH_EXIT_MMIO,
	BENCH_EXIT_HLT,
	BENCH_EXIT_OTHER,
};

struct bench_exit {
	enum bench_exit_kind kind;
	uint16_t port;
	uint32_t raw_reason;	/* the backend's own exit reason */
};

struct bench_vm {
	int dev, vm, vcpu;
	void *run;
	size_t run_size;
	void *ram;
	size_t ram_size;
};

/*
 * One hypervisor interface. Each call returns 0 or -errno; the backend
 * prints nothing, the caller says what failed.
 */
struct bench_backend {
	const char *name;
	/* a VM with @ram_size bytes of RAM at guest-physical 0, one vCPU */
	int (*vm_create)(struct bench_vm *vm, size_t ram_size);
	/* 64-bit mode with the page tables at BENCH_PML4, and the GPRs given */
	int (*enter_long_mode)(struct bench_vm *vm, uint64_t rip, uint64_t rsp,
			       uint64_t rdi, uint64_t rsi);
	int (*run)(struct bench_vm *vm, struct bench_exit *exit);
};

/* Unmaps and closes what vm_create made, for either backend. */
void bench_vm_destroy(struct bench_vm *vm);

extern const struct bench_backend bench_hv;
extern const struct bench_backend bench_kvm;

/* guest_x86.S */
extern const unsigned char bench_blob_start[], bench_blob_end[];
extern const unsigned char bench_cpuid[], bench_pio[], bench_mmio[];
extern const unsigned char bench_touch[], bench_compute_guest[];
uint64_t bench_compute(uint64_t n);

#endif /* HVBENCH_H */
