// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/kvm, arm64: the vCPU is the host's preferred target with
 * PSCI 0.2 or later (so PSCI_VERSION is answered in the kernel, as hv
 * does), and a payload starts at EL1h with DAIF masked, as on hv.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "arch.h"

#define KVMB_CORE_REG(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
				 KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(field))

/* PSTATE: EL1h, D, A, I, F masked (the reset state KVM and hv share) */
#define KVMB_PSTATE_EL1H_DAIF	0x3c5

int kvmb_arch_vcpu_init(struct bench_vm *vm, int irqchip)
{
	struct kvm_vcpu_init init;
	int err = bench_ioctl(vm->vm, KVM_ARM_PREFERRED_TARGET, &init);

	(void)irqchip;	/* the GIC is a device: nothing in the vCPU's ID registers */
	if (err)
		return err;
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	return bench_ioctl(vm->vcpu, KVM_ARM_VCPU_INIT, &init);
}

static int kvmb_set_reg(struct bench_vm *vm, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return bench_ioctl(vm->vcpu, KVM_SET_ONE_REG, &reg);
}

/*
 * KVM completes an MMIO exit at the start of the next KVM_RUN, and that
 * includes stepping the PC past the access: after a payload ended with
 * its MMIO "done", the step would land on the next payload's first
 * instruction. A KVM_RUN with immediate_exit completes it and returns
 * EINTR without entering the guest.
 */
static int kvmb_complete_mmio(struct bench_vm *vm)
{
	struct kvm_run *run = vm->run;
	int err;

	if (run->exit_reason != KVM_EXIT_MMIO)
		return 0;
	run->immediate_exit = 1;
	err = bench_ioctl(vm->vcpu, KVM_RUN, NULL);
	run->immediate_exit = 0;
	return err == -EINTR ? 0 : err ?: -EIO;
}

int kvmb_arch_enter(struct bench_vm *vm, const struct bench_entry *e)
{
	return kvmb_complete_mmio(vm) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.pc), e->pc) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.pstate),
			    KVMB_PSTATE_EL1H_DAIF) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(sp_el1), e->sp) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.regs[0]), e->arg0) ?:
	       kvmb_set_reg(vm, KVMB_CORE_REG(regs.regs[1]), e->arg1);
}

/* The GICv3 at QEMU virt's addresses, as hv's default */
#define KVMB_GICD	0x08000000ULL
#define KVMB_GICR	0x080a0000ULL

static int kvmb_gic_attr(int fd, uint32_t group, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uintptr_t)addr,
	};

	return bench_ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

/*
 * KVM's order: the vGICv3 device and its addresses, the vCPUs (each
 * KVM_ARM_VCPU_INIT), then the vGIC's CTRL_INIT. The virtual timer is
 * KVM's in-kernel one, on PPI 27 by default.
 */
int kvmb_gic_vm_create(struct bench_vm v[2], size_t ram_size)
{
	struct kvm_userspace_memory_region r = { .memory_size = ram_size };
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = KVMB_GICD, redist = KVMB_GICR;
	int i, size, err;

	v[0].dev = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v[0].dev < 0)
		return -errno;
	v[0].vm = bench_ioctl(v[0].dev, KVM_CREATE_VM, 0);
	if (v[0].vm < 0)
		return v[0].vm;
	v[0].ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v[0].ram == MAP_FAILED)
		return -errno;
	v[0].ram_size = ram_size;
	r.userspace_addr = (uintptr_t)v[0].ram;
	err = bench_ioctl(v[0].vm, KVM_SET_USER_MEMORY_REGION, &r) ?:
	      bench_ioctl(v[0].vm, KVM_CREATE_DEVICE, &gic);
	if (err)
		return err;
	err = kvmb_gic_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			    KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ?:
	      kvmb_gic_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			    KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	size = bench_ioctl(v[0].dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (!err && size < 0)
		err = size;
	for (i = 0; !err && i < 2; i++) {
		v[i].vm = v[0].vm;
		v[i].vcpu = bench_ioctl(v[0].vm, KVM_CREATE_VCPU,
				    (void *)(uintptr_t)i);
		if (v[i].vcpu < 0) {
			err = v[i].vcpu;
			break;
		}
		err = kvmb_arch_vcpu_init(&v[i], 1);
		v[i].run_size = size;
		v[i].run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				v[i].vcpu, 0);
		if (!err && v[i].run == MAP_FAILED)
			err = -errno;
	}
	err = err ?: kvmb_gic_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
				   KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	close(gic.fd);
	return err;
}

/*
 * KVM's default routing of the vGIC (vgic_init()) maps GSI n to SPI n,
 * that is INTID n + 32.
 */
int kvmb_irqfd(struct bench_vm *vm, uint32_t intid, int efd)
{
	struct kvm_irqfd f = { .fd = efd, .gsi = intid - 32 };

	return bench_ioctl(vm->vm, KVM_IRQFD, &f);
}

int kvmb_irq_line(struct bench_vm *vm, uint32_t intid, int level)
{
	struct kvm_irq_level l = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | intid,
		.level = level,
	};

	return bench_ioctl(vm->vm, KVM_IRQ_LINE, &l);
}
