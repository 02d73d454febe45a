// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench backend: /dev/kvm, the baseline.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "hvbench.h"

static int kvmb_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

#define KVMB_CPUID_MAX	128

static int kvmb_set_cpuid(struct bench_vm *vm)
{
	struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[KVMB_CPUID_MAX];
	} c = { .h.nent = KVMB_CPUID_MAX };
	int err = kvmb_ioctl(vm->dev, KVM_GET_SUPPORTED_CPUID, &c);

	return err ?: kvmb_ioctl(vm->vcpu, KVM_SET_CPUID2, &c);
}

static int kvmb_vm_create(struct bench_vm *vm, size_t ram_size)
{
	struct kvm_userspace_memory_region r = { .memory_size = ram_size };
	int size, err;

	vm->dev = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		return -errno;
	vm->vm = kvmb_ioctl(vm->dev, KVM_CREATE_VM, 0);
	if (vm->vm < 0)
		return vm->vm;
	/* fresh anonymous memory: first touches fault in the host too */
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		return -errno;
	vm->ram_size = ram_size;
	r.userspace_addr = (uintptr_t)vm->ram;
	if (kvmb_ioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	vm->vcpu = kvmb_ioctl(vm->vm, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return vm->vcpu;
	/* as any VMM does: long mode needs CPUID.80000001H:EDX.LM in KVM */
	err = kvmb_set_cpuid(vm);
	if (err)
		return err;
	size = kvmb_ioctl(vm->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return size;
	vm->run_size = size;
	vm->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	return vm->run == MAP_FAILED ? -errno : 0;
}

static struct kvm_segment kvmb_seg(uint16_t sel, int code)
{
	return (struct kvm_segment){
		.selector = sel, .limit = 0xffffffff, .present = 1, .s = 1,
		.g = 1, .type = code ? 11 : 3, .l = code, .db = !code,
	};
}

static int kvmb_enter_long_mode(struct bench_vm *vm, uint64_t rip,
				uint64_t rsp, uint64_t rdi, uint64_t rsi)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = rip, .rflags = 2, .rsp = rsp,
			      .rdi = rdi, .rsi = rsi };
	int err = kvmb_ioctl(vm->vcpu, KVM_GET_SREGS, &s);

	if (err)
		return err;
	s.cs = kvmb_seg(0x8, 1);
	s.ds = s.es = s.fs = s.gs = s.ss = kvmb_seg(0x10, 0);
	s.tr = (struct kvm_segment){ .selector = 0x18, .limit = 0x67,
				     .present = 1, .type = 11 };
	s.cr0 = 0x80050033;
	s.cr3 = BENCH_PML4;
	s.cr4 = 0x20;
	s.efer = 0x500;
	err = kvmb_ioctl(vm->vcpu, KVM_SET_SREGS, &s);
	return err ?: kvmb_ioctl(vm->vcpu, KVM_SET_REGS, &r);
}

static int kvmb_run(struct bench_vm *vm, struct bench_exit *exit)
{
	struct kvm_run *run = vm->run;
	int err = kvmb_ioctl(vm->vcpu, KVM_RUN, NULL);

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
		break;
	case KVM_EXIT_HLT:
		exit->kind = BENCH_EXIT_HLT;
		break;
	default:
		exit->kind = BENCH_EXIT_OTHER;
	}
	return 0;
}

const struct bench_backend bench_kvm = {
	.name = "kvm",
	.vm_create = kvmb_vm_create,
	.enter_long_mode = kvmb_enter_long_mode,
	.run = kvmb_run,
};
