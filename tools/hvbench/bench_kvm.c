// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench backend: /dev/kvm, the baseline; the arch-neutral part
 * (kvm_<arch>.c initialises the vCPU and sets its state).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "arch.h"

int kvmb_vm_create_irqchip(struct bench_vm *vm, size_t ram_size, int irqchip)
{
	struct kvm_userspace_memory_region r = { .memory_size = ram_size };
	int size, err;

	vm->dev = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		return -errno;
	vm->vm = bench_ioctl(vm->dev, KVM_CREATE_VM, 0);
	if (vm->vm < 0)
		return vm->vm;
	if (irqchip) {
		err = bench_ioctl(vm->vm, KVM_CREATE_IRQCHIP, 0);
		if (err)
			return err;
	}
	/* fresh anonymous memory: first touches fault in the host too */
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		return -errno;
	vm->ram_size = ram_size;
	r.userspace_addr = (uintptr_t)vm->ram;
	err = bench_ioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &r);
	if (err)
		return err;
	vm->vcpu = bench_ioctl(vm->vm, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return vm->vcpu;
	err = kvmb_arch_vcpu_init(vm, irqchip);
	if (err)
		return err;
	size = bench_ioctl(vm->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return size;
	vm->run_size = size;
	vm->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -errno : 0;
}

static int kvmb_vm_create(struct bench_vm *vm, size_t ram_size)
{
	return kvmb_vm_create_irqchip(vm, ram_size, 0);
}

static int kvmb_run(struct bench_vm *vm, struct bench_exit *exit)
{
	struct kvm_run *run = vm->run;
	int err = bench_ioctl(vm->vcpu, KVM_RUN, NULL);

	if (err)
		return err;
	exit->raw_reason = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		exit->kind = BENCH_EXIT_IO;
		exit->port = run->io.port;
		break;
	case KVM_EXIT_MMIO:
		exit->kind = BENCH_EXIT_MMIO;
		exit->addr = run->mmio.phys_addr;
		break;
	case KVM_EXIT_HLT:
		exit->kind = BENCH_EXIT_HLT;
		break;
	default:
		exit->kind = BENCH_EXIT_OTHER;
	}
	return 0;
}

static int kvmb_ioeventfd(struct bench_vm *vm, uint64_t addr, uint32_t len,
			  int efd, int deassign)
{
	struct kvm_ioeventfd io = {
		.addr = addr, .len = len, .fd = efd,
		.flags = deassign ? KVM_IOEVENTFD_FLAG_DEASSIGN : 0,
	};

	return bench_ioctl(vm->vm, KVM_IOEVENTFD, &io);
}

const struct bench_backend bench_kvm = {
	.name = "kvm",
	.vm_create = kvmb_vm_create,
	.enter = kvmb_arch_enter,
	.run = kvmb_run,
	.ioeventfd = kvmb_ioeventfd,
};
