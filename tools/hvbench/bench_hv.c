// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench backend: /dev/hv, the arch-neutral part (hv_<arch>.c sets the
 * vCPU state).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/hv.h>

#include "arch.h"

int hvb_vm_create_flags(struct bench_vm *vm, size_t ram_size, uint32_t flags)
{
	struct hv_vm_create create = { .flags = flags };
	struct hv_vcpu_create vcpu = { 0 };
	struct hv_mem_region r = { .size = ram_size };
	int err;

	vm->dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		return -errno;
	vm->vm = bench_ioctl(vm->dev, HV_CREATE_VM, &create);
	if (vm->vm < 0)
		return vm->vm;
	err = bench_ioctl(vm->vm, HV_SET_MEM_REGION, &r);
	if (err)
		return err;
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vm, 0);
	if (vm->ram == MAP_FAILED)
		return -errno;
	vm->ram_size = ram_size;
	vm->vcpu = bench_ioctl(vm->vm, HV_CREATE_VCPU, &vcpu);
	if (vm->vcpu < 0)
		return vm->vcpu;
	vm->run_size = HV_RUN_MMAP_SIZE;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -errno : 0;
}

static int hvb_vm_create(struct bench_vm *vm, size_t ram_size)
{
	return hvb_vm_create_flags(vm, ram_size, 0);
}

/*
 * hv_run.irq_lines[] (HV_CAP_RUN_IRQ_LINES): the line goes up and down
 * when HV_RUN starts, without an HV_IRQ_LINE call of its own.
 */
void hvb_pulse_at_next_run(struct bench_vm *vm, uint32_t irq)
{
	struct hv_run *run = vm->run;

	run->irq_lines[0] = (struct hv_run_irq_line){ .irq = irq, .level = 1 };
	run->irq_lines[1] = (struct hv_run_irq_line){ .irq = irq, .level = 0 };
	run->irq_line_count = 2;
}

static int hvb_run(struct bench_vm *vm, struct bench_exit *exit)
{
	struct hv_run *run = vm->run;
	int err = bench_ioctl(vm->vcpu, HV_RUN, NULL);

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
		exit->addr = run->mmio.phys_addr;
		break;
	case HV_EXIT_HLT:
		exit->kind = BENCH_EXIT_HLT;
		break;
	default:
		exit->kind = BENCH_EXIT_OTHER;
	}
	return 0;
}

static int hvb_ioeventfd(struct bench_vm *vm, uint64_t addr, uint32_t len,
			 int efd, int deassign)
{
	struct hv_ioeventfd io = {
		.addr = addr, .len = len, .fd = efd,
		.flags = deassign ? HV_IOEVENTFD_DEASSIGN : 0,
	};

	return bench_ioctl(vm->vm, HV_IOEVENTFD, &io);
}

const struct bench_backend bench_hv = {
	.name = "hv",
	.vm_create = hvb_vm_create,
	.enter = hvb_arch_enter,
	.run = hvb_run,
	.ioeventfd = hvb_ioeventfd,
};
