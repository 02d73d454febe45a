// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench backend: /dev/hv.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/hv.h>

#include "hvbench.h"

static int hvb_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

static int hvb_vm_create(struct bench_vm *vm, size_t ram_size)
{
	struct hv_vm_create create = { 0 };
	struct hv_vcpu_create vcpu = { 0 };
	struct hv_mem_region r = { .size = ram_size };

	vm->dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		return -errno;
	vm->vm = hvb_ioctl(vm->dev, HV_CREATE_VM, &create);
	if (vm->vm < 0)
		return vm->vm;
	if (hvb_ioctl(vm->vm, HV_SET_MEM_REGION, &r))
		return -errno;
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vm, 0);
	if (vm->ram == MAP_FAILED)
		return -errno;
	vm->ram_size = ram_size;
	vm->vcpu = hvb_ioctl(vm->vm, HV_CREATE_VCPU, &vcpu);
	if (vm->vcpu < 0)
		return vm->vcpu;
	vm->run_size = HV_RUN_MMAP_SIZE;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -errno : 0;
}

static struct hv_segment hvb_seg(uint16_t sel, uint32_t ar)
{
	return (struct hv_segment){ .selector = sel, .limit = 0xffffffff,
				    .ar = ar };
}

static int hvb_enter_long_mode(struct bench_vm *vm, uint64_t rip,
			       uint64_t rsp, uint64_t rdi, uint64_t rsi)
{
	struct hv_sregs s;
	struct hv_regs r = { .rip = rip, .rflags = 2 };
	int err = hvb_ioctl(vm->vcpu, HV_GET_SREGS, &s);

	if (err)
		return err;
	/* VMX access rights: 64-bit code 0xa09b, data 0xc093, busy TSS 0x8b */
	s.cs = hvb_seg(0x8, 0xa09b);
	s.ds = s.es = s.fs = s.gs = s.ss = hvb_seg(0x10, 0xc093);
	s.tr = (struct hv_segment){ .selector = 0x18, .limit = 0x67,
				    .ar = 0x8b };
	s.ldt = (struct hv_segment){ .ar = HV_AR_UNUSABLE };
	s.cr0 = 0x80050033;	/* PG, AM, WP, NE, ET, MP, PE */
	s.cr3 = BENCH_PML4;
	s.cr4 = 0x20;		/* PAE */
	s.efer = 0x500;		/* LMA, LME */
	err = hvb_ioctl(vm->vcpu, HV_SET_SREGS, &s);
	if (err)
		return err;
	r.gpr[HV_X86_RSP] = rsp;
	r.gpr[HV_X86_RDI] = rdi;
	r.gpr[HV_X86_RSI] = rsi;
	return hvb_ioctl(vm->vcpu, HV_SET_REGS, &r);
}

static int hvb_run(struct bench_vm *vm, struct bench_exit *exit)
{
	struct hv_run *run = vm->run;
	int err = hvb_ioctl(vm->vcpu, HV_RUN, NULL);

	if (err)
		return err;
	exit->raw_reason = run->exit_reason;
	switch (run->exit_reason) {
	case HV_EXIT_IO:
		exit->kind = BENCH_EXIT_IO;
		exit->port = run->io.port;
		break;
	case HV_EXIT_MMIO:
		exit->kind = BENCH_EXIT_MMIO;
		break;
	case HV_EXIT_HLT:
		exit->kind = BENCH_EXIT_HLT;
		break;
	default:
		exit->kind = BENCH_EXIT_OTHER;
	}
	return 0;
}

const struct bench_backend bench_hv = {
	.name = "hv",
	.vm_create = hvb_vm_create,
	.enter_long_mode = hvb_enter_long_mode,
	.run = hvb_run,
};
