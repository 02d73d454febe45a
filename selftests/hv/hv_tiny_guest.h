/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny guests for the arch-neutral selftests (hv_robust_test, hv_smp_test):
 * the same behaviour on every architecture, in a few bytes of machine code
 * at GUEST_LOAD in a VM with RAM_SIZE bytes of RAM.
 *   guest_spin             loops without exits
 *   guest_count            one exit to user space an iteration
 *                          (GUEST_COUNT_EXIT) with a counter (guest_count_value())
 *   guest_touch_then_spin  writes one byte per page of the first MiB, loops
 */
#ifndef HV_TINY_GUEST_H
#define HV_TINY_GUEST_H

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv_util.h"

#if defined(__x86_64__)
/* real mode at 0x1000 (CS = 0 after reset state fix-up): spin */
static const unsigned char __attribute__((unused)) guest_spin[] = { 0xeb, 0xfe };	/* jmp . */
/* out %al,$0x10; inc %al; jmp back: one I/O exit per iteration */
static const unsigned char __attribute__((unused)) guest_count[] = { 0xe6, 0x10, 0xfe, 0xc0, 0xeb, 0xfa };
/*
 * mov $0x1000,%bx; 1: mov %bx,%ds; movb $1,(0); add $0x100,%bx;
 * cmp $0x1000,%bx (wraps at 0x10000 segments = 1 MiB); jmp 1b
 */
static const unsigned char __attribute__((unused)) guest_touch_then_spin[] = {
	0xbb, 0x00, 0x10, 0x8e, 0xdb, 0xc6, 0x06, 0x00, 0x00, 0x01,
	0x81, 0xc3, 0x00, 0x01, 0xeb, 0xf3,
};
#define GUEST_LOAD	0x1000
#define GUEST_PC(regs)	((regs).rip)
#define GUEST_COUNT_EXIT HV_EXIT_IO
#define guest_count_value(run)	(*(__u8 *)hv_io_data(run))

/* Start the vCPU at GUEST_LOAD in real mode with CS = 0. */
static inline int guest_set_entry(int vcpu_fd)
{
	struct hv_sregs sregs;
	struct hv_regs regs = { .rip = GUEST_LOAD, .rflags = 2 };

	if (ioctl(vcpu_fd, HV_GET_SREGS, &sregs))
		return -1;
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	if (ioctl(vcpu_fd, HV_SET_SREGS, &sregs))
		return -1;
	return ioctl(vcpu_fd, HV_SET_REGS, &regs);
}
#elif defined(__aarch64__)
/* EL1 at 0x1000, MMU off: b . */
static const unsigned char __attribute__((unused)) guest_spin[] = { 0x00, 0x00, 0x00, 0x14 };
/*
 * mov x1, #0x10000000 (not RAM); 1: strb w0, [x1]; add w0, w0, #1; b 1b:
 * one MMIO write per iteration
 */
static const unsigned char __attribute__((unused)) guest_count[] = {
	0x01, 0x00, 0xa2, 0xd2, 0x20, 0x00, 0x00, 0x39,
	0x00, 0x04, 0x00, 0x11, 0xfe, 0xff, 0xff, 0x17,
};
/*
 * mov x1, #0x800; 1: strb w0, [x1]; add x1, x1, #0x1000;
 * and x1, x1, #0xfffff (wraps at 1 MiB); b 1b
 */
static const unsigned char __attribute__((unused)) guest_touch_then_spin[] = {
	0x01, 0x00, 0x81, 0xd2, 0x20, 0x00, 0x00, 0x39,
	0x21, 0x04, 0x40, 0x91, 0x21, 0x4c, 0x40, 0x92,
	0xfd, 0xff, 0xff, 0x17,
};
#define GUEST_LOAD	0x1000
#define GUEST_PC(regs)	((regs).pc)
#define GUEST_COUNT_EXIT HV_EXIT_MMIO
#define guest_count_value(run)	((run)->mmio.data[0])

/* Start the vCPU at GUEST_LOAD (reset state: EL1h, MMU off). */
static inline int guest_set_entry(int vcpu_fd)
{
	struct hv_regs regs;

	if (ioctl(vcpu_fd, HV_GET_REGS, &regs))
		return -1;
	regs.pc = GUEST_LOAD;
	return ioctl(vcpu_fd, HV_SET_REGS, &regs);
}
#endif

#define RAM_SIZE	0x10000

static inline void sig_nop(int sig)
{
	(void)sig;
}

/*
 * A VM (HV_CREATE_VM @flags) with RAM_SIZE bytes of RAM, vCPU @vcpu_id at
 * GUEST_LOAD runs @code.
 */
static inline int tiny_vm_flags(struct __test_metadata *_metadata,
				struct hv_test_vm *t, const unsigned char *code,
				size_t len, __u32 vcpu_id, __u32 flags)
{
	struct hv_vm_create args = { .flags = flags };

	t->vm_fd = __hv_ioctl(t->dev_fd, HV_CREATE_VM, &args);
	ASSERT_LE(0, t->vm_fd) TH_LOG("HV_CREATE_VM(0x%x): %s", flags,
				      strerror(-t->vm_fd));
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 0, 0, RAM_SIZE, 0));
	t->ram = hv_map_ram(t->vm_fd, 0, RAM_SIZE);
	ASSERT_NE(NULL, t->ram);
	memcpy((char *)t->ram + GUEST_LOAD, code, len);
	t->vcpu_fd = hv_create_vcpu(t->vm_fd, vcpu_id);
	ASSERT_LE(0, t->vcpu_fd);
	t->run = hv_map_run(t->vcpu_fd);
	ASSERT_NE(NULL, t->run);
	ASSERT_EQ(0, guest_set_entry(t->vcpu_fd));
	return 0;
}

/* A VM with RAM_SIZE bytes of RAM, vCPU @vcpu_id at GUEST_LOAD runs @code. */
static inline int tiny_vm(struct __test_metadata *_metadata,
			  struct hv_test_vm *t, const unsigned char *code,
			  size_t len, __u32 vcpu_id)
{
	return tiny_vm_flags(_metadata, t, code, len, vcpu_id, 0);
}

static inline void tiny_vm_close(struct hv_test_vm *t)
{
	munmap(t->run, HV_RUN_MMAP_SIZE);
	munmap(t->ram, RAM_SIZE);
	close(t->vcpu_fd);
	close(t->vm_fd);
}

#endif /* HV_TINY_GUEST_H */
